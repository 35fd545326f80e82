/**
 * A school's day schedule: when lessons start, how many minutes of grace
 * before a pupil counts as late, when the day ends, and which weekdays are
 * school days. Times are local (Asia/Ho_Chi_Minh) `HH:MM`.
 *
 * A school stores its own in `school_schedules` (school-calendar.ts); a
 * school without one gets SCHOOL_DAY_SCHEDULE_DEFAULT.
 */
import { z } from 'zod';
import { businessDayBounds, isBusinessDay } from '../reports/business-day.js';

export const MINUTES_PER_DAY = 24 * 60;
export const LATE_AFTER_MINUTES_MAX = 180;
const MS_PER_MINUTE = 60_000;
const LOCAL_TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/u;

/** ISO weekday numbers: 1 = Monday … 7 = Sunday. */
export const ISO_WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type IsoWeekday = (typeof ISO_WEEKDAYS)[number];

export interface SchoolDaySchedule {
  /** Local `HH:MM` when lessons start. */
  readonly startsAtLocal: string;
  /** A first gate-in later than start + this many minutes is late. */
  readonly lateAfterMinutes: number;
  /** Local `HH:MM` when the school day ends: a last gate-out before it is leaving early. */
  readonly endsAtLocal: string;
  /** Weekdays that are school days (ISO numbers). */
  readonly schoolWeekdays: readonly IsoWeekday[];
}

export const SCHOOL_DAY_SCHEDULE_DEFAULT: SchoolDaySchedule = Object.freeze({
  startsAtLocal: '07:00',
  lateAfterMinutes: 15,
  endsAtLocal: '16:30',
  schoolWeekdays: Object.freeze([1, 2, 3, 4, 5] as const),
});

const localTime = z.string().regex(LOCAL_TIME_PATTERN, 'local time HH:MM');

export const schoolDayScheduleSchema = z
  .strictObject({
    startsAtLocal: localTime,
    lateAfterMinutes: z.number().int().min(0).max(LATE_AFTER_MINUTES_MAX),
    endsAtLocal: localTime,
    // At least one school day, each weekday once (the table's CHECK refuses an empty list too).
    schoolWeekdays: z
      .array(z.literal(ISO_WEEKDAYS))
      .min(1)
      .max(ISO_WEEKDAYS.length)
      .refine((days) => new Set(days).size === days.length, 'each weekday once'),
  })
  // zod runs object refinements even when a field failed: only judge well-formed times (the field issue reports the rest).
  .refine((s) => !LOCAL_TIME_PATTERN.test(s.startsAtLocal) || !LOCAL_TIME_PATTERN.test(s.endsAtLocal) || minutesOfLocalTime(s.startsAtLocal) + s.lateAfterMinutes < minutesOfLocalTime(s.endsAtLocal), 'the late threshold must fall before the end of the day');

/** Minutes after local midnight of an `HH:MM` time. */
export function minutesOfLocalTime(value: string): number {
  const match = LOCAL_TIME_PATTERN.exec(value);
  if (match === null) throw new RangeError('local time must be HH:MM');
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The ISO weekday of a `YYYY-MM-DD` calendar date. */
export function isoWeekdayOf(day: string): IsoWeekday {
  if (!isBusinessDay(day)) throw new RangeError('not a YYYY-MM-DD business day');
  const sundayZero = new Date(`${day}T00:00:00Z`).getUTCDay();
  return (sundayZero === 0 ? 7 : sundayZero) as IsoWeekday;
}

export function isSchoolDay(day: string, schedule: SchoolDaySchedule): boolean {
  return schedule.schoolWeekdays.includes(isoWeekdayOf(day));
}

/** The UTC instants of the schedule's thresholds on `day`. */
export interface DayThresholds {
  readonly dayStartsAtMs: number;
  readonly dayEndsAtMs: number;
  /** A first gate-in strictly after this is late. */
  readonly lateAfterMs: number;
  /** A last gate-out strictly before this is leaving early. */
  readonly schoolEndsAtMs: number;
}

/** Local midnight + minutes (Asia/Ho_Chi_Minh keeps one offset all year, so a day has 1,440 minutes). */
export function thresholdsOf(day: string, schedule: SchoolDaySchedule): DayThresholds {
  const bounds = businessDayBounds(day);
  const midnightMs = bounds.startsAt.getTime();
  return {
    dayStartsAtMs: midnightMs,
    dayEndsAtMs: bounds.endsAt.getTime(),
    lateAfterMs: midnightMs + (minutesOfLocalTime(schedule.startsAtLocal) + schedule.lateAfterMinutes) * MS_PER_MINUTE,
    schoolEndsAtMs: midnightMs + minutesOfLocalTime(schedule.endsAtLocal) * MS_PER_MINUTE,
  };
}
