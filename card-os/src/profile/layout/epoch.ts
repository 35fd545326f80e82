/**
 * How the card profile stores time (PROFILE.md §2 "Conventions"):
 *
 * - an instant is an unsigned 32-bit count of seconds since the OneCard
 *   epoch 2020-01-01T00:00:00Z (UTC; good until 2156-02-07);
 * - a calendar date (validity, due dates, visit days) is an unsigned 16-bit
 *   day number, 0 = 2020-01-01 (good until 2199-06-06). It is a civil date
 *   of the Vietnamese calendar, not an instant: "valid until 31/05/2026"
 *   means until the end of that day in Asia/Ho_Chi_Minh;
 * - a month (cap periods) is an unsigned 16-bit month number, 0 = 2020-01.
 *
 * Conversions return undefined for values the fields cannot hold; they never throw.
 */

export const ONECARD_EPOCH_UTC_MS = Date.UTC(2020, 0, 1);
export const MS_PER_SECOND = 1000;
export const SECONDS_PER_DAY = 86_400;
export const MS_PER_DAY = SECONDS_PER_DAY * MS_PER_SECOND;
export const MONTHS_PER_YEAR = 12;
export const EPOCH_YEAR = 2020;
export const EPOCH_SECONDS_MAX = 0xffff_ffff;
export const DAY_NUMBER_MAX = 0xffff;
export const MONTH_NUMBER_MAX = 0xffff;
/** Where civil dates and times are shown (ARCHITECTURE: stored in UTC, shown in Asia/Ho_Chi_Minh). */
export const DISPLAY_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** A calendar date 'YYYY-MM-DD' (ISO 8601 calendar date). */
export type CivilDate = string;

const CIVIL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a civil date, or undefined if it is not a real date or lies outside 2020-01-01 .. day 65535. */
export function dayNumberOf(date: CivilDate): number | undefined {
  const match = CIVIL_DATE_PATTERN.exec(date);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utcMs = Date.UTC(year, month - 1, day);
  const check = new Date(utcMs);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const dayNumber = (utcMs - ONECARD_EPOCH_UTC_MS) / MS_PER_DAY;
  return dayNumber >= 0 && dayNumber <= DAY_NUMBER_MAX ? dayNumber : undefined;
}

export function civilDateOf(dayNumber: number): CivilDate {
  if (!Number.isInteger(dayNumber) || dayNumber < 0 || dayNumber > DAY_NUMBER_MAX) throw new RangeError(`day number must be 0..${DAY_NUMBER_MAX}`);
  return new Date(ONECARD_EPOCH_UTC_MS + dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Seconds since the OneCard epoch, truncated; undefined before the epoch or after 2156. */
export function epochSecondsOf(at: Date): number | undefined {
  const seconds = Math.floor((at.getTime() - ONECARD_EPOCH_UTC_MS) / MS_PER_SECOND);
  return Number.isFinite(seconds) && seconds >= 0 && seconds <= EPOCH_SECONDS_MAX ? seconds : undefined;
}

export function instantOf(epochSeconds: number): Date {
  if (!Number.isInteger(epochSeconds) || epochSeconds < 0 || epochSeconds > EPOCH_SECONDS_MAX) throw new RangeError(`epoch seconds must be 0..${EPOCH_SECONDS_MAX}`);
  return new Date(ONECARD_EPOCH_UTC_MS + epochSeconds * MS_PER_SECOND);
}

/** The civil date of an instant in Vietnam (UTC+7, no daylight saving). */
export function civilDateAt(at: Date): CivilDate {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: DISPLAY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return parts;
}

/** Month number (0 = January 2020) of a civil date. */
export function monthNumberOf(date: CivilDate): number | undefined {
  const match = CIVIL_DATE_PATTERN.exec(date);
  if (match === null || dayNumberOf(date) === undefined) return undefined;
  const months = (Number(match[1]) - EPOCH_YEAR) * MONTHS_PER_YEAR + Number(match[2]) - 1;
  return months <= MONTH_NUMBER_MAX ? months : undefined;
}

/** 'YYYY-MM' of a month number. */
export function monthOf(monthNumber: number): string {
  if (!Number.isInteger(monthNumber) || monthNumber < 0 || monthNumber > MONTH_NUMBER_MAX) throw new RangeError(`month number must be 0..${MONTH_NUMBER_MAX}`);
  const year = EPOCH_YEAR + Math.floor(monthNumber / MONTHS_PER_YEAR);
  const month = (monthNumber % MONTHS_PER_YEAR) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}
