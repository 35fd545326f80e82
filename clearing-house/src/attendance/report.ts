/**
 * A school's attendance report for one business day: the school, the
 * schedule applied (passed in, else the school's stored one, else the
 * default), its closure that day if any, counts per status and one line per
 * pupil (card number: the school's own pupils, shown only to that school and
 * the clearing admin).
 */
import type { Executor } from '../db/open.js';
import { isBusinessDay } from '../reports/business-day.js';
import { deriveAttendance, type AttendanceStatus, type PupilAttendance } from './derive.js';
import { gateTapsOf, rosterOf, schoolById } from './queries.js';
import { closureOn, readSchoolSchedule } from './school-calendar.js';
import { schoolDayScheduleSchema, thresholdsOf, type SchoolDaySchedule } from './schedule.js';

export interface AttendanceReport {
  readonly schoolId: string;
  readonly schoolName: string;
  readonly businessDay: string;
  readonly schoolDay: boolean;
  readonly schedule: SchoolDaySchedule;
  /** True when the schedule is SCHOOL_DAY_SCHEDULE_DEFAULT because none is passed in or stored. */
  readonly scheduleDefaulted: boolean;
  /** The school's closure that day (a holiday): not a school day, nobody absent. Null on other days. */
  readonly closure: { readonly reason: string } | null;
  /** False: the school has no gate site code, so every pupil shows absent on a school day. */
  readonly gatesKnown: boolean;
  /**
   * False while the business day has not ended at report time: taps still arrive (validators upload in
   * batches), so `absent` and `left_early` may change. Only an ended day's report is final.
   */
  readonly dayEnded: boolean;
  readonly counts: Readonly<Record<AttendanceStatus, number>>;
  readonly pupils: readonly PupilAttendance[];
}

export const ATTENDANCE_REFUSALS = ['business_day_invalid', 'schedule_invalid', 'school_unknown', 'too_many_rows'] as const;
export type AttendanceRefusal = (typeof ATTENDANCE_REFUSALS)[number];

export type AttendanceResult = { readonly ok: true; readonly report: AttendanceReport } | { readonly ok: false; readonly code: AttendanceRefusal };

export interface AttendanceQuery {
  readonly schoolId: string;
  readonly businessDay: string;
  /** The schedule to apply; absent = the school's stored one (school_schedules), else SCHOOL_DAY_SCHEDULE_DEFAULT. Checked with schoolDayScheduleSchema. */
  readonly schedule?: SchoolDaySchedule;
  /** Report time (says whether the day has ended). */
  readonly nowMs: number;
}

/** The schedule passed in, else the school's stored one (schedule_invalid if it no longer passes the schema), else the default. */
async function scheduleApplied(db: Executor, input: { readonly schoolId: string; readonly schedule?: SchoolDaySchedule }): Promise<{ readonly ok: true; readonly schedule: SchoolDaySchedule; readonly defaulted: boolean } | { readonly ok: false; readonly code: 'schedule_invalid' }> {
  if (input.schedule !== undefined) return { ok: true, schedule: input.schedule, defaulted: false };
  const read = await readSchoolSchedule(db, input.schoolId);
  return read.ok ? { ok: true, schedule: read.stored.schedule, defaulted: read.stored.defaulted } : read;
}

export async function attendanceForSchoolDay(db: Executor, query: AttendanceQuery): Promise<AttendanceResult> {
  if (!isBusinessDay(query.businessDay)) return { ok: false, code: 'business_day_invalid' };
  if (query.schedule !== undefined && !schoolDayScheduleSchema.safeParse(query.schedule).success) return { ok: false, code: 'schedule_invalid' };
  const school = await schoolById(db, query.schoolId);
  if (school === undefined) return { ok: false, code: 'school_unknown' };
  const applied = await scheduleApplied(db, { schoolId: school.schoolId, ...(query.schedule === undefined ? {} : { schedule: query.schedule }) });
  if (!applied.ok) return applied;
  const { schedule } = applied;
  const closed = await closureOn(db, { schoolId: school.schoolId, day: query.businessDay });
  const closure = closed === undefined ? null : { reason: closed.reason };
  const roster = await rosterOf(db, school.schoolId);
  if (!roster.ok) return roster;
  const taps = school.siteCode === null ? { ok: true as const, rows: [] } : await gateTapsOf(db, { schoolId: school.schoolId, siteCode: school.siteCode, businessDay: query.businessDay });
  if (!taps.ok) return taps;
  const derived = deriveAttendance({ businessDay: query.businessDay, schedule, roster: roster.rows, taps: taps.rows, closure });
  return {
    ok: true,
    report: {
      schoolId: school.schoolId,
      schoolName: school.schoolName,
      businessDay: query.businessDay,
      schoolDay: derived.schoolDay,
      schedule,
      scheduleDefaulted: applied.defaulted,
      closure,
      gatesKnown: school.siteCode !== null,
      dayEnded: query.nowMs >= thresholdsOf(query.businessDay, schedule).dayEndsAtMs,
      counts: derived.counts,
      pupils: derived.pupils,
    },
  };
}
