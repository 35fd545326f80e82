/**
 * A school's attendance report for one business day: the school, the
 * schedule applied, counts per status and one line per pupil (card number:
 * the school's own pupils, shown only to that school and the clearing admin).
 */
import type { Executor } from '../db/open.js';
import { isBusinessDay } from '../reports/business-day.js';
import { deriveAttendance, type AttendanceStatus, type PupilAttendance } from './derive.js';
import { gateTapsOf, rosterOf, schoolById } from './queries.js';
import { SCHOOL_DAY_SCHEDULE_DEFAULT, schoolDayScheduleSchema, thresholdsOf, type SchoolDaySchedule } from './schedule.js';

export interface AttendanceReport {
  readonly schoolId: string;
  readonly schoolName: string;
  readonly businessDay: string;
  readonly schoolDay: boolean;
  readonly schedule: SchoolDaySchedule;
  /** True when the schedule is SCHOOL_DAY_SCHEDULE_DEFAULT because none is configured. */
  readonly scheduleDefaulted: boolean;
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
  /** The school's schedule; absent = SCHOOL_DAY_SCHEDULE_DEFAULT. Checked with schoolDayScheduleSchema. */
  readonly schedule?: SchoolDaySchedule;
  /** Report time (says whether the day has ended). */
  readonly nowMs: number;
}

export async function attendanceForSchoolDay(db: Executor, query: AttendanceQuery): Promise<AttendanceResult> {
  if (!isBusinessDay(query.businessDay)) return { ok: false, code: 'business_day_invalid' };
  if (query.schedule !== undefined && !schoolDayScheduleSchema.safeParse(query.schedule).success) return { ok: false, code: 'schedule_invalid' };
  const school = await schoolById(db, query.schoolId);
  if (school === undefined) return { ok: false, code: 'school_unknown' };
  const roster = await rosterOf(db, school.schoolId);
  if (!roster.ok) return roster;
  const taps = school.siteCode === null ? { ok: true as const, rows: [] } : await gateTapsOf(db, { schoolId: school.schoolId, siteCode: school.siteCode, businessDay: query.businessDay });
  if (!taps.ok) return taps;
  const schedule = query.schedule ?? SCHOOL_DAY_SCHEDULE_DEFAULT;
  const derived = deriveAttendance({ businessDay: query.businessDay, schedule, roster: roster.rows, taps: taps.rows });
  return {
    ok: true,
    report: {
      schoolId: school.schoolId,
      schoolName: school.schoolName,
      businessDay: query.businessDay,
      schoolDay: derived.schoolDay,
      schedule,
      scheduleDefaulted: query.schedule === undefined,
      gatesKnown: school.siteCode !== null,
      dayEnded: query.nowMs >= thresholdsOf(query.businessDay, schedule).dayEndsAtMs,
      counts: derived.counts,
      pupils: derived.pupils,
    },
  };
}
