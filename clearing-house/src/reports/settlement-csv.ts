/**
 * Settlement as CSV (csv-stringify): stable snake_case columns for import into
 * accounting, one line per route plus a `total` line, amounts in integer đồng,
 * UTF-8 with a BOM so spreadsheet programs show Vietnamese names correctly,
 * text that a spreadsheet would run as a formula escaped (OWASP CSV injection).
 * The operator's own line (routeId '') has line_type `operator`.
 * Concessions carried that are unknown (no fare feed to price them) are an
 * empty cell with `concessions_status` = `unknown`, never a 0; priced ones
 * say `priced`.
 */
import { stringify } from 'csv-stringify/sync';
import type { CanteenPayoutRow } from './rows.js';
import { canteenPayoutVnd, type SettlementStatement, type SettlementTotals } from './settlement.js';

export const SETTLEMENT_CSV_COLUMNS = [
  'business_day',
  'operator_id',
  'operator_name',
  'line_type',
  'route_id',
  'fare_tap_count',
  'fares_collected_vnd',
  'passes_sold_count',
  'passes_sold_vnd',
  'concession_tap_count',
  'concessions_carried_vnd',
  'concessions_status',
  'apportioned_in_vnd',
  'apportioned_out_vnd',
  'refunds_vnd',
  'net_payable_vnd',
] as const;

export const CANTEEN_PAYOUT_CSV_COLUMNS = ['business_day', 'school_id', 'school_name', 'purchase_count', 'sales_vnd', 'refunds_vnd', 'payout_vnd'] as const;

/** The routeId of the operator's own line (passes for all routes, boardings without a route): line_type `operator`. */
export const OPERATOR_ROUTE_ID = '';

export const CONCESSIONS_STATUS = { priced: 'priced', unknown: 'unknown' } as const;

function amounts(values: SettlementTotals): readonly (number | string)[] {
  return [
    values.fareTapCount,
    values.faresCollectedVnd,
    values.passesSoldCount,
    values.passesSoldVnd,
    values.concessionTapCount,
    values.concessionsCarriedVnd ?? '',
    values.concessionsCarriedVnd === null ? CONCESSIONS_STATUS.unknown : CONCESSIONS_STATUS.priced,
    values.apportionedInVnd,
    values.apportionedOutVnd,
    values.refundsVnd,
    values.netPayableVnd,
  ];
}

export function settlementCsv(statement: SettlementStatement): string {
  const head = [statement.businessDay, statement.operatorId, statement.operatorName];
  const records = [
    ...statement.lines.map((line) => [...head, line.routeId === OPERATOR_ROUTE_ID ? 'operator' : 'route', line.routeId, ...amounts(line)]),
    [...head, 'total', '', ...amounts(statement.totals)],
  ];
  return stringify(records, { header: true, columns: [...SETTLEMENT_CSV_COLUMNS], bom: true, escape_formulas: true });
}

export function canteenPayoutCsv(rows: readonly CanteenPayoutRow[]): string {
  const records = [...rows]
    .sort((a, b) => a.businessDay.localeCompare(b.businessDay) || a.schoolId.localeCompare(b.schoolId))
    .map((row) => [row.businessDay, row.schoolId, row.schoolName, row.purchaseCount, row.salesVnd, row.refundsVnd, canteenPayoutVnd(row)]);
  return stringify(records, { header: true, columns: [...CANTEEN_PAYOUT_CSV_COLUMNS], bom: true, escape_formulas: true });
}
