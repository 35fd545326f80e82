/** Fare transactions of one operator and business day, as rows for the TIDES `fare_transactions` export. */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { queryRows, toNullableText, toNumber } from '../db/rows.js';
import type { FareTransactionKind, FareTransactionRow } from '../reports/rows.js';
import { cardAccountRef, onBusinessDay } from './business-day-sql.js';

export const FARE_TRANSACTION_ROW_COUNT_MAX = 2_000_000;

function kindOf(eventKind: string): FareTransactionKind | null {
  switch (eventKind) {
    case 'fare':
    case 'capped':
    case 'free-ride':
    case 'pass-use':
      return 'fare';
    case 'transfer':
      return 'transfer';
    case 'contract-load':
      return 'pass_purchase';
    case 'top-up':
    case 'autoload':
      return 'top_up';
    default:
      return null;
  }
}

export async function fareTransactionsForDay(db: Executor, operatorId: string, businessDay: string): Promise<FareTransactionRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT e.device_id, e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.kind, e.amount_vnd, e.route_id, e.stop_id, e.fare_product_id, e.rider_category, e.balance_after_vnd,
          ${cardAccountRef(sql`e.card_number`)} AS card_ref
        FROM events e
        WHERE e.operator_id = ${operatorId} AND ${onBusinessDay(sql`e.at`, businessDay)} AND e.posting_status IN ('posted','recorded')
        ORDER BY e.at, e.device_id, e.seq LIMIT ${FARE_TRANSACTION_ROW_COUNT_MAX}`,
  );
  return rows.flatMap((r) => {
    const eventKind = String(r['kind']);
    const kind = kindOf(eventKind);
    if (kind === null) return [];
    const text = (key: string): string | null => toNullableText(r[key]);
    return [
      {
        transactionId: `${toNumber(r['device_id'])}-${toNumber(r['seq'])}`,
        occurredAt: new Date(String(r['at'])),
        kind,
        amountVnd: toNumber(r['amount_vnd']),
        operatorId,
        routeId: text('route_id'),
        tripIdPerformed: null,
        stopId: text('stop_id'),
        vehicleId: null,
        deviceId: String(toNumber(r['device_id'])),
        fareId: null,
        riderCategory: text('rider_category'),
        fareProduct: text('fare_product_id'),
        fareCapped: eventKind === 'capped',
        fareMediaId: String(r['card_ref']),
        balanceAfterVnd: r['balance_after_vnd'] === null ? null : toNumber(r['balance_after_vnd']),
      },
    ];
  });
}
