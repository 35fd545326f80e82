/**
 * A settlement statement: one operator, one business day, its routes and
 * totals. Net payable to the operator =
 *   fares collected + passes sold + apportioned in − apportioned out − refunds.
 * Concessions carried are shown beside it: the concession scheme owes them.
 * They may be unknown (null: no fare feed to price them); a total with an
 * unknown line is unknown too, never a partial sum.
 */
import type { BusinessDay, CanteenPayoutRow, SettlementRow } from './rows.js';

export interface SettlementTotals {
  readonly fareTapCount: number;
  readonly faresCollectedVnd: number;
  readonly passesSoldCount: number;
  readonly passesSoldVnd: number;
  readonly concessionTapCount: number;
  /** null = unknown (some line's concessions could not be priced). */
  readonly concessionsCarriedVnd: number | null;
  readonly apportionedInVnd: number;
  readonly apportionedOutVnd: number;
  readonly refundsVnd: number;
  readonly netPayableVnd: number;
}

export interface SettlementStatement {
  readonly operatorId: string;
  readonly operatorName: string;
  readonly businessDay: BusinessDay;
  readonly lines: readonly (SettlementRow & { readonly netPayableVnd: number })[];
  readonly totals: SettlementTotals;
}

const NUMERIC_FIELDS = [
  'fareTapCount',
  'faresCollectedVnd',
  'passesSoldCount',
  'passesSoldVnd',
  'concessionTapCount',
  'apportionedInVnd',
  'apportionedOutVnd',
  'refundsVnd',
] as const satisfies readonly (keyof SettlementRow)[];

/** Rows come from the ledger: a non-integer or negative amount is a bug upstream, not input to tolerate. */
function assertWholeNonNegative(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`settlement ${field} must be a non-negative integer`);
}

export function netPayableVnd(row: Pick<SettlementRow, 'faresCollectedVnd' | 'passesSoldVnd' | 'apportionedInVnd' | 'apportionedOutVnd' | 'refundsVnd'>): number {
  return row.faresCollectedVnd + row.passesSoldVnd + row.apportionedInVnd - row.apportionedOutVnd - row.refundsVnd;
}

/** The statement for `operatorId` on `businessDay`, from rows that may cover more. Routes sorted by id. */
export function settlementStatement(rows: readonly SettlementRow[], scope: { readonly operatorId: string; readonly businessDay: BusinessDay }): SettlementStatement | undefined {
  const mine = rows.filter((row) => row.operatorId === scope.operatorId && row.businessDay === scope.businessDay);
  const first = mine[0];
  if (first === undefined) return undefined;
  const seenRoutes = new Set<string>();
  for (const row of mine) {
    if (seenRoutes.has(row.routeId)) throw new RangeError('settlement rows repeat a route');
    seenRoutes.add(row.routeId);
    for (const field of NUMERIC_FIELDS) assertWholeNonNegative(row[field], field);
    if (row.concessionsCarriedVnd !== null) assertWholeNonNegative(row.concessionsCarriedVnd, 'concessionsCarriedVnd');
  }
  const lines = [...mine].sort((a, b) => a.routeId.localeCompare(b.routeId, 'en', { numeric: true })).map((row) => ({ ...row, netPayableVnd: netPayableVnd(row) }));
  const sum = (field: (typeof NUMERIC_FIELDS)[number]): number => lines.reduce((total, line) => total + line[field], 0);
  const totalsWithoutNet = {
    fareTapCount: sum('fareTapCount'),
    faresCollectedVnd: sum('faresCollectedVnd'),
    passesSoldCount: sum('passesSoldCount'),
    passesSoldVnd: sum('passesSoldVnd'),
    concessionTapCount: sum('concessionTapCount'),
    concessionsCarriedVnd: lines.some((line) => line.concessionsCarriedVnd === null) ? null : lines.reduce((total, line) => total + (line.concessionsCarriedVnd ?? 0), 0),
    apportionedInVnd: sum('apportionedInVnd'),
    apportionedOutVnd: sum('apportionedOutVnd'),
    refundsVnd: sum('refundsVnd'),
  };
  return {
    operatorId: first.operatorId,
    operatorName: first.operatorName,
    businessDay: first.businessDay,
    lines,
    totals: { ...totalsWithoutNet, netPayableVnd: netPayableVnd(totalsWithoutNet) },
  };
}

export function canteenPayoutVnd(row: CanteenPayoutRow): number {
  return row.salesVnd - row.refundsVnd;
}
