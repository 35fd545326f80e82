/**
 * Business days and local display times in Asia/Ho_Chi_Minh, from UTC
 * instants, through Intl (the tz database), not a hard-coded offset.
 */
import type { BusinessDay } from './rows.js';

export const BUSINESS_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const BUSINESS_DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/u;
const HOURS_PER_DAY = 24;

const dayFormatter = new Intl.DateTimeFormat('en-CA', { timeZone: BUSINESS_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const hourFormatter = new Intl.DateTimeFormat('en-GB', { timeZone: BUSINESS_TIME_ZONE, hour: '2-digit', hourCycle: 'h23' });
const offsetFormatter = new Intl.DateTimeFormat('en-US', { timeZone: BUSINESS_TIME_ZONE, timeZoneName: 'longOffset' });

export function businessDayOf(instant: Date): BusinessDay {
  return dayFormatter.format(instant);
}

/** Local hour 0..23 of an instant. */
export function localHourOf(instant: Date): number {
  return Number(hourFormatter.format(instant)) % HOURS_PER_DAY;
}

export function isBusinessDay(value: string): value is BusinessDay {
  const match = BUSINESS_DAY_PATTERN.exec(value);
  if (match === null) return false;
  const probe = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return probe.toISOString().slice(0, 10) === value;
}

function offsetMinutesAt(instant: Date): number {
  const name = offsetFormatter.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/u.exec(name);
  if (match === null) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** The UTC instants [startsAt, endsAt) of a business day. */
export function businessDayBounds(day: BusinessDay): { readonly startsAt: Date; readonly endsAt: Date } {
  if (!isBusinessDay(day)) throw new RangeError('not a YYYY-MM-DD business day');
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  const startsAt = new Date(midnightUtc - offsetMinutesAt(new Date(midnightUtc)) * 60_000);
  const nextMidnightUtc = midnightUtc + HOURS_PER_DAY * 3_600_000;
  const endsAt = new Date(nextMidnightUtc - offsetMinutesAt(new Date(nextMidnightUtc)) * 60_000);
  return { startsAt, endsAt };
}
