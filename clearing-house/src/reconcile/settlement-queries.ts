/**
 * Settlement and revenue as plain rows (src/reports/rows.ts shapes) for the
 * reports and the dashboard. Money comes from the ledger (what was posted):
 * fares from the `fare` transfers of settled boardings, passes from the
 * `pass_sale` transfers into the operator's pass revenue
 * (src/passes/accounts.ts) on the business day of the sale. Tap counts,
 * concessions and journeys come from the settled boarding events (posted:
 * never a tmc_duplicate, never one still held behind a TMC gap — a held
 * boarding is settled on its own business day once it posts).
 * Concessions carried and the apportionment of journeys spanning operators
 * are computed in src/settlement (see operator-day.ts, journeys.ts and
 * concessions.ts for the rules) with the fare table of the published feed;
 * without one, concessions are null (unknown) and journeys are apportioned
 * in equal shares. Not modelled yet, answered as 0: refunds per route.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { queryRows, toNullableText, toNumber, toText } from '../db/rows.js';
import { operatorPassRevenueAccount } from '../passes/accounts.js';
import type { CanteenPayoutRow, RevenueRow, RidershipRow, SettlementRow } from '../reports/rows.js';
import { BOARDING_KINDS, isBoardingKind, JOURNEY_EDGE_WINDOW_MS, type Boarding, type BoardingGroup } from '../settlement/boarding.js';
import type { FareTable } from '../settlement/fare-table.js';
import { operatorDaySettlement, type PassSaleFact } from '../settlement/operator-day.js';
import { assertBusinessDay, BUSINESS_TIME_ZONE, businessDayOf, onBusinessDay } from './business-day-sql.js';

export { BOARDING_KINDS } from '../settlement/boarding.js';
const boardingKinds = sql.raw(BOARDING_KINDS.map((k) => `'${k}'`).join(','));
/** Boardings that are settled: posted to the ledger (boardings always carry a TMC, so never `recorded`). */
const SETTLED_STATUS = 'posted';
/** passPaymentTransferId (src/passes/accounts.ts, src/ledger/transfers.ts deterministicUuid) in SQL: the sale's transfer id from its action entry. */
const LEDGER_UUID_PREFIX_HEX = Buffer.from('onecard-ledger-v1\u0000pass-sale-payment:', 'utf8').toString('hex');

export interface SettlementOptions {
  /** The published feed's fare table (src/settlement/feed-source.ts); undefined: concessions unknown, equal-share apportionment. */
  readonly fares?: FareTable | undefined;
}

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
          SELECT ${businessDayOf(sql`t.at`)} AS day, a.organisation_id AS operator_id, sum(t.amount_vnd) AS pass_vnd
          FROM ledger_transfers t JOIN ledger_accounts a ON a.id = t.credit_account_id AND a.kind = 'operator_revenue'
          WHERE t.code = 'pass_sale' AND t.phase = 'posted' AND t.at >= (${input.fromBusinessDay}::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AND t.at < (${input.toBusinessDay}::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
          GROUP BY 1, 2)
        SELECT coalesce(f.day, p.day) AS day, coalesce(f.operator_id, p.operator_id) AS operator_id, o.name, coalesce(f.fare_vnd, 0) AS fare_vnd, coalesce(p.pass_vnd, 0) AS pass_vnd
        FROM fares f FULL JOIN passes p ON p.day = f.day AND p.operator_id = f.operator_id
        JOIN organisations o ON o.id = coalesce(f.operator_id, p.operator_id)
        ${input.operatorId === undefined ? sql`` : sql`WHERE o.id = ${input.operatorId}`}
        ORDER BY 1, 2`,
  );
  return rows.map((r) => ({ businessDay: String(r['day']), operatorId: String(r['operator_id']), operatorName: String(r['name']), fareRevenueVnd: toNumber(r['fare_vnd']), passRevenueVnd: toNumber(r['pass_vnd']) }));
}

/** `column` falls on business day `day` or within JOURNEY_EDGE_WINDOW_MS of it. */
function nearBusinessDay(column: SQL, day: string): SQL {
  const edge = sql`(${JOURNEY_EDGE_WINDOW_MS}::double precision * interval '1 millisecond')`;
  return sql`(${column} >= (${day}::date)::timestamp AT TIME ZONE ${BUSINESS_TIME_ZONE} - ${edge} AND ${column} < (${day}::date + 1)::timestamp AT TIME ZONE ${BUSINESS_TIME_ZONE} + ${edge})`;
}

/** A boarding's `fare` transfer (one at most: its id is derived from the event, src/ledger/transfers.ts tapTransferId). */
const fareTransferJoin = sql`LEFT JOIN ledger_transfers t ON t.event_device_id = e.device_id AND t.event_seq = e.seq AND t.code = 'fare'`;
const chargedVnd = sql`coalesce(t.amount_vnd, 0)`;

/** The operator's settled boardings of the day, grouped by what settlement reads of them. */
async function tapGroupsForDay(db: Executor, operatorId: string, businessDay: string): Promise<BoardingGroup[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT g.kind, g.route_id, g.rider_category, g.fare_product_id, g.charged_vnd, count(*) AS n FROM (
          SELECT e.kind, e.route_id, e.rider_category, e.fare_product_id, ${chargedVnd} AS charged_vnd
          FROM events e ${fareTransferJoin}
          WHERE e.operator_id = ${operatorId} AND e.kind IN (${boardingKinds}) AND e.posting_status = ${SETTLED_STATUS} AND ${onBusinessDay(sql`e.at`, businessDay)}) g
        GROUP BY 1, 2, 3, 4, 5`,
  );
  return rows.map((r) => ({ ...boardingFacts(r), count: toNumber(r['n']) }));
}

/**
 * Every settled boarding near the day (JOURNEY_EDGE_WINDOW_MS) of the cards that paid a fare or transfer to
 * the operator and to another operator then: the only journeys that can span operators.
 */
async function journeyBoardingsNearDay(db: Executor, operatorId: string, businessDay: string): Promise<Boarding[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH transfer_cards AS (
          -- A journey of two operators has a transfer leg: only cards with one can need apportionment.
          SELECT DISTINCT x.card_number FROM events x
          WHERE x.kind = 'transfer' AND x.operator_id IS NOT NULL AND x.posting_status = ${SETTLED_STATUS} AND ${nearBusinessDay(sql`x.at`, businessDay)}),
        cards AS (
          SELECT o.card_number FROM events o
          WHERE o.card_number IN (SELECT card_number FROM transfer_cards) AND o.kind IN ('fare', 'transfer') AND o.operator_id IS NOT NULL AND o.posting_status = ${SETTLED_STATUS} AND ${nearBusinessDay(sql`o.at`, businessDay)}
          GROUP BY o.card_number
          HAVING bool_or(o.operator_id = ${operatorId}) AND bool_or(o.operator_id <> ${operatorId}))
        SELECT e.card_number, e.tmc, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.kind, e.operator_id, e.route_id, e.rider_category, e.fare_product_id,
          ${chargedVnd} AS charged_vnd, ${onBusinessDay(sql`e.at`, businessDay)} AS on_day
        FROM events e ${fareTransferJoin}
        WHERE e.card_number IN (SELECT card_number FROM cards) AND e.kind IN (${boardingKinds}) AND e.operator_id IS NOT NULL AND e.posting_status = ${SETTLED_STATUS} AND ${nearBusinessDay(sql`e.at`, businessDay)}`,
  );
  return rows.map((r) => ({ ...boardingFacts(r), cardKey: toText(r['card_number']), tmc: toNumber(r['tmc']), at: toText(r['at']), operatorId: toText(r['operator_id']), onDay: r['on_day'] === true }));
}

function boardingFacts(r: Record<string, unknown>): Pick<Boarding, 'kind' | 'routeId' | 'riderCategory' | 'fareProductId' | 'chargedVnd'> {
  const kind = toText(r['kind']);
  if (!isBoardingKind(kind)) throw new Error('assertion failed: settlement read a non-boarding event');
  return {
    kind,
    routeId: toNullableText(r['route_id']) ?? '',
    riderCategory: toNullableText(r['rider_category']) ?? undefined,
    fareProductId: toNullableText(r['fare_product_id']) ?? undefined,
    chargedVnd: toNumber(r['charged_vnd']),
  };
}

/** The operator's pass sales on the business day (ledger), with the contract of each from its load-contract action entry. */
async function passSalesForDay(db: Executor, operatorId: string, businessDay: string): Promise<PassSaleFact[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH sales AS (
          SELECT t.id, t.amount_vnd FROM ledger_transfers t
          WHERE t.code = 'pass_sale' AND t.phase = 'posted' AND t.credit_account_id = ${operatorPassRevenueAccount(operatorId).id} AND ${onBusinessDay(sql`t.at`, businessDay)}),
        digests AS (
          SELECT substr(sha256(decode(${LEDGER_UUID_PREFIX_HEX}, 'hex') || convert_to(le.payload->>'saleUuid', 'UTF8')), 1, 16) AS d, le.payload
          FROM list_entries le
          -- The scan of the operator's load-contract entries is skipped on a day without sales (a one-time filter).
          WHERE EXISTS (SELECT 1 FROM sales) AND le.kind = 'action' AND le.payload->>'kind' = 'load-contract' AND le.payload->>'operatorId' = ${operatorId}),
        contracts AS (
          SELECT DISTINCT ON (u.transfer_id) u.transfer_id, u.payload FROM (
            SELECT encode(set_byte(set_byte(g.d, 6, (get_byte(g.d, 6) & 15) | 128), 8, (get_byte(g.d, 8) & 63) | 128), 'hex')::uuid AS transfer_id, g.payload FROM digests g) u
          WHERE u.transfer_id IN (SELECT id FROM sales)
          ORDER BY u.transfer_id)
        SELECT s.amount_vnd, c.payload->>'contractKind' AS contract_kind, c.payload->>'routeId' AS route_code
        FROM sales s LEFT JOIN contracts c ON c.transfer_id = s.id`,
  );
  return rows.map((r) => {
    const routeCode = toNullableText(r['route_code']);
    return { amountVnd: toNumber(r['amount_vnd']), contractKind: toNullableText(r['contract_kind']) ?? undefined, routeCode: routeCode === null || !/^\d{1,5}$/.test(routeCode) ? undefined : Number(routeCode) };
  });
}

/** One operator's settlement rows for the business day (src/settlement/operator-day.ts says how each column is made). */
export async function settlementForDay(db: Executor, operatorId: string, businessDay: string, options: SettlementOptions = {}): Promise<SettlementRow[]> {
  assertBusinessDay(businessDay);
  const [operator] = await queryRows<Record<string, unknown>>(db, sql`SELECT name FROM organisations WHERE id = ${operatorId}`);
  if (operator === undefined) return [];
  const [tapGroups, journeyBoardings, passSales] = await Promise.all([tapGroupsForDay(db, operatorId, businessDay), journeyBoardingsNearDay(db, operatorId, businessDay), passSalesForDay(db, operatorId, businessDay)]);
  return operatorDaySettlement({ businessDay, operatorId, operatorName: toText(operator['name']), tapGroups, journeyBoardings, passSales, fares: options.fares })
    .sort((a, b) => (a.routeId === '' ? 1 : b.routeId === '' ? -1 : a.routeId.localeCompare(b.routeId, 'en', { numeric: true })));
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
