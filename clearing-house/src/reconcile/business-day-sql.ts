/** Business days (Asia/Ho_Chi_Minh) in SQL: a day is the half-open UTC range of its local midnight to the next. */
import { sql, type SQL } from 'drizzle-orm';

export const BUSINESS_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const BUSINESS_DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function assertBusinessDay(day: string): string {
  if (!BUSINESS_DAY_RE.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new RangeError('business day must be YYYY-MM-DD');
  return day;
}

/** `column` falls on business day `day` (index-friendly range on the timestamptz column). */
export function onBusinessDay(column: SQL, day: string): SQL {
  assertBusinessDay(day);
  return sql`(${column} >= (${day}::date)::timestamp AT TIME ZONE ${BUSINESS_TIME_ZONE} AND ${column} < (${day}::date + 1)::timestamp AT TIME ZONE ${BUSINESS_TIME_ZONE})`;
}

export function businessDayOf(column: SQL): SQL {
  return sql`to_char(${column} AT TIME ZONE ${BUSINESS_TIME_ZONE}, 'YYYY-MM-DD')`;
}

/** A short pseudonym of a card for reports: never the card number itself. */
export function cardAccountRef(column: SQL): SQL {
  return sql`'card-' || left(encode(sha256(convert_to(${column}, 'UTF8')), 'hex'), 16)`;
}
