/**
 * Settlement and revenue as plain rows (src/reports/rows.ts shapes) for the
 * reports and the dashboard. Fares come from the ledger (what was posted),
 * tap counts and passes from the journal events.
 * Not modelled yet, answered as 0: concessionsCarriedVnd (needs the full
 * fare of each concession tap from the fare tables), apportionment of
 * journeys spanning operators, refunds per route.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { queryRows, toNullableText, toNumber } from '../db/rows.js';
import type { CanteenPayoutRow, RevenueRow, RidershipRow, SettlementRow } from '../reports/rows.js';
import { assertBusinessDay, businessDayOf, onBusinessDay } from './business-day-sql.js';

/** Kinds that count as a boarding. */
export const BOARDING_KINDS = ['fare', 'transfer', 'pass-use', 'free-ride', 'capped'] as const;
const boardingKinds = sql.raw(BOARDING_KINDS.map((k) => `'${k}'`).join(','));

export async function ridershipByHourAndRoute(db: Executor, input: { readonly businessDay: string; readonly operatorId?: string }): Promise<RidershipRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT to_char(date_trunc('hour', e.at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS hour_start, e.operator_id, e.route_id, count(*) AS taps
        FROM events e
        WHERE e.kind IN (${boardingKinds}) AND e.operator_id IS NOT NULL AND e.route_id IS NOT NULL AND ${onBusinessDay(sql`e.at`, input.businessDay)}
          ${input.operatorId === undefined ? sql`` : sql`AND e.operator_id = ${input.operatorId}`}
          AND e.posting_status <> 'tmc_duplicate'
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  return rows.map((r) => ({ hourStart: new Date(String(r['hour_start'])), operatorId: String(r['operator_id']), routeId: String(r['route_id']), taps: toNumber(r['taps']) }));
}

export async function revenueByOperator(db: Executor, input: { readonly fromBusinessDay: string; readonly toBusinessDay: string; readonly operatorId?: string }): Promise<RevenueRow[]> {
  assertBusinessDay(input.fromBusinessDay);
  assertBusinessDay(input.toBusinessDay);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH fares AS (
          SELECT ${businessDayOf(sql`t.at`)} AS day, a.organisation_id AS operator_id, sum(t.amount_vnd) AS fare_vnd
          FROM ledger_transfers t JOIN ledger_accounts a ON a.id = t.credit_account_id AND a.kind = 'operator_revenue'
          WHERE t.code = 'fare' AND t.at >= (${input.fromBusinessDay}::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AND t.at < (${input.toBusinessDay}::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
          GROUP BY 1, 2),
        passes AS (
          SELECT ${businessDayOf(sql`e.at`)} AS day, e.operator_id, sum(e.amount_vnd) AS pass_vnd
          FROM events e WHERE e.kind = 'contract-load' AND e.operator_id IS NOT NULL
            AND e.at >= (${input.fromBusinessDay}::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AND e.at < (${input.toBusinessDay}::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
          GROUP BY 1, 2)
        SELECT coalesce(f.day, p.day) AS day, coalesce(f.operator_id, p.operator_id) AS operator_id, o.name, coalesce(f.fare_vnd, 0) AS fare_vnd, coalesce(p.pass_vnd, 0) AS pass_vnd
        FROM fares f FULL JOIN passes p ON p.day = f.day AND p.operator_id = f.operator_id
        JOIN organisations o ON o.id = coalesce(f.operator_id, p.operator_id)
        ${input.operatorId === undefined ? sql`` : sql`WHERE o.id = ${input.operatorId}`}
        ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ businessDay: String(r['day']), operatorId: String(r['operator_id']), operatorName: String(r['name']), fareRevenueVnd: toNumber(r['fare_vnd']), passRevenueVnd: toNumber(r['pass_vnd']) }));
}

export async function settlementForDay(db: Executor, operatorId: string, businessDay: string): Promise<SettlementRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT e.route_id, o.name,
          count(*) FILTER (WHERE e.kind IN ('fare','transfer') AND e.amount_vnd > 0 AND e.posting_status = 'posted') AS fare_taps,
          coalesce(sum(t.amount_vnd) FILTER (WHERE t.code = 'fare'), 0) AS fares_vnd,
          count(*) FILTER (WHERE e.kind = 'contract-load') AS passes,
          coalesce(sum(e.amount_vnd) FILTER (WHERE e.kind = 'contract-load'), 0) AS passes_vnd,
          count(*) FILTER (WHERE e.kind IN (${boardingKinds}) AND (e.kind = 'free-ride' OR (e.rider_category IS NOT NULL AND e.rider_category <> 'adult'))) AS concession_taps
        FROM events e
        JOIN organisations o ON o.id = e.operator_id
        LEFT JOIN ledger_transfers t ON t.event_device_id = e.device_id AND t.event_seq = e.seq AND t.code = 'fare'
        WHERE e.operator_id = ${operatorId} AND ${onBusinessDay(sql`e.at`, businessDay)} AND e.posting_status <> 'tmc_duplicate'
        GROUP BY e.route_id, o.name ORDER BY e.route_id NULLS LAST`,
  );
  return rows.map((r) => ({
    businessDay,
    operatorId,
    operatorName: String(r['name']),
    routeId: toNullableText(r['route_id']) ?? '',
    fareTapCount: toNumber(r['fare_taps']),
    faresCollectedVnd: toNumber(r['fares_vnd']),
    passesSoldCount: toNumber(r['passes']),
    passesSoldVnd: toNumber(r['passes_vnd']),
    concessionTapCount: toNumber(r['concession_taps']),
    concessionsCarriedVnd: 0,
    apportionedInVnd: 0,
    apportionedOutVnd: 0,
    refundsVnd: 0,
  }));
}

export async function canteenPayoutForDay(db: Executor, schoolId: string, businessDay: string): Promise<CanteenPayoutRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT o.name, count(t.id) AS purchases, coalesce(sum(t.amount_vnd), 0) AS sales_vnd
        FROM organisations o
        LEFT JOIN ledger_accounts a ON a.organisation_id = o.id AND a.kind = 'school_canteen'
        LEFT JOIN ledger_transfers t ON t.credit_account_id = a.id AND t.code = 'canteen_purchase' AND ${onBusinessDay(sql`t.at`, businessDay)}
        WHERE o.id = ${schoolId} AND o.kind = 'school'
        GROUP BY o.name`,
  );
  return rows.map((r) => ({ businessDay, schoolId, schoolName: String(r['name']), purchaseCount: toNumber(r['purchases']), salesVnd: toNumber(r['sales_vnd']), refundsVnd: 0 }));
}
