import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../test/support/database.js';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { NOW_MS, SCHOOL_ID } from '../../test/support/seed.js';
import { attendanceCsv } from './csv.js';
import { attendanceForSchoolDay, type AttendanceReport } from './report.js';
import { SCHOOL_DAY_SCHEDULE_DEFAULT, type SchoolDaySchedule } from './schedule.js';
import { putSchoolClosure, putSchoolSchedule, removeSchoolClosure } from './school-calendar.js';
import { openSchoolWeek, OTHER_PUPIL, OTHER_SCHOOL_ID, PUPILS } from './school-day.fixtures.js';

const THURSDAY = '2026-12-03';
const FRIDAY = '2026-12-04';
const SATURDAY = '2026-12-05';
/** Monday 2026-12-07 00:00Z: the week's days have ended. */
const AFTER_WEEK_MS = Date.UTC(2026, 11, 7);
const WRITER = { userId: '00000000-0000-4000-8000-00000000a11c', nowMs: NOW_MS };
const ROSTER_COUNT = Object.keys(PUPILS).length;
/** Default-schedule Friday, as report.test.ts derives it. */
const FRIDAY_COUNTS_DEFAULT = { present: 6, late: 1, left_early: 2, absent: 1, no_school: 0 };

describe.each(testBackends())('attendance with a school calendar stored (%s)', (backend) => {
  let h: Harness;
  const reportOf = async (businessDay: string, extra: { readonly schedule?: SchoolDaySchedule } = {}): Promise<AttendanceReport> => {
    const result = await attendanceForSchoolDay(h.database.db, { schoolId: SCHOOL_ID, businessDay, nowMs: AFTER_WEEK_MS, ...extra });
    if (!result.ok) throw new Error(result.code);
    return result.report;
  };
  const statusOf = (report: AttendanceReport, cardNumber: string) => report.pupils.find((p) => p.cardNumber === cardNumber)?.status;
  const storeSchedule = async (schedule: SchoolDaySchedule): Promise<void> => {
    expect(await putSchoolSchedule(h.database.db, { schoolId: SCHOOL_ID, schedule, ...WRITER })).toMatchObject({ ok: true });
  };

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 1 });
    await openSchoolWeek(h);
  }, 60_000);
  beforeEach(async () => {
    await h.database.db.execute(sql`DELETE FROM school_schedules`);
    await h.database.db.execute(sql`DELETE FROM school_closures`);
  });
  afterAll(async () => {
    await h.close();
  });

  it('applies the stored schedule: a later start and an earlier end make the late and the early leaver present', async () => {
    expect((await reportOf(FRIDAY)).counts).toEqual(FRIDAY_COUNTS_DEFAULT);
    const shortDay: SchoolDaySchedule = { startsAtLocal: '07:30', lateAfterMinutes: 0, endsAtLocal: '11:00', schoolWeekdays: [1, 2, 3, 4, 5] };
    await storeSchedule(shortDay);
    const report = await reportOf(FRIDAY);
    expect(report).toMatchObject({ schedule: shortDay, scheduleDefaulted: false, schoolDay: true, closure: null });
    expect([statusOf(report, PUPILS.late), statusOf(report, PUPILS.leftEarly), statusOf(report, OTHER_PUPIL), statusOf(report, PUPILS.absent)]).toEqual(['present', 'present', 'left_early', 'absent']);
    expect(report.counts).toEqual({ present: 8, late: 0, left_early: 1, absent: 1, no_school: 0 });
  });

  it('applies the stored school weekdays: with Saturday a school day, those who did not come are absent', async () => {
    expect((await reportOf(SATURDAY)).counts).toEqual({ present: 0, late: 0, left_early: 0, absent: 0, no_school: ROSTER_COUNT });
    await storeSchedule({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, schoolWeekdays: [1, 2, 3, 4, 5, 6] });
    const saturday = await reportOf(SATURDAY);
    expect(saturday.schoolDay).toBe(true);
    expect(statusOf(saturday, PUPILS.weekend)).toBe('left_early');
    expect(saturday.counts).toEqual({ present: 0, late: 0, left_early: 1, absent: ROSTER_COUNT - 1, no_school: 0 });
  });

  it('counts nobody absent on a closure day, says why in the report and the CSV, and lists who came', async () => {
    expect(await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: FRIDAY, reason: 'Typhoon Yagi', ...WRITER })).toMatchObject({ ok: true, change: 'created' });
    const closed = await reportOf(FRIDAY);
    expect(closed).toMatchObject({ schoolDay: false, closure: { reason: 'Typhoon Yagi' }, scheduleDefaulted: true });
    expect(closed.counts).toEqual({ present: 0, late: 0, left_early: 0, absent: 0, no_school: ROSTER_COUNT + 1 });
    expect(closed.pupils.find((p) => p.cardNumber === PUPILS.late)).toMatchObject({ status: 'no_school', late: false, firstInAt: '2026-12-04T00:20:00.000Z' });
    const records: Record<string, string>[] = parse(attendanceCsv(closed), { bom: true, columns: true });
    expect(records.map((r) => [r['status'], r['closure_reason']])).toEqual(Array.from({ length: ROSTER_COUNT + 1 }, () => ['no_school', 'Typhoon Yagi']));
    // Other days and other schools are open.
    const thursday = await reportOf(THURSDAY);
    expect([thursday.closure, thursday.schoolDay]).toEqual([null, true]);
    const thursdayCsv: Record<string, string>[] = parse(attendanceCsv(thursday), { bom: true, columns: true });
    expect(new Set(thursdayCsv.map((r) => r['closure_reason']))).toEqual(new Set(['']));
    const theirs = await attendanceForSchoolDay(h.database.db, { schoolId: OTHER_SCHOOL_ID, businessDay: FRIDAY, nowMs: AFTER_WEEK_MS });
    expect(theirs.ok && [theirs.report.closure, theirs.report.schoolDay]).toEqual([null, true]);
    // Opened again: the day is as before.
    expect(await removeSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: FRIDAY })).toEqual({ ok: true, removed: true });
    expect(await reportOf(FRIDAY)).toMatchObject({ closure: null, schoolDay: true, counts: FRIDAY_COUNTS_DEFAULT });
  });

  it('shows a closure on a weekend too (not a school day either way)', async () => {
    await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: SATURDAY, reason: 'Exam hall closed', ...WRITER });
    await storeSchedule({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, schoolWeekdays: [1, 2, 3, 4, 5, 6] });
    expect(await reportOf(SATURDAY)).toMatchObject({ schoolDay: false, closure: { reason: 'Exam hall closed' }, counts: { absent: 0, no_school: ROSTER_COUNT } });
  });

  it('lets a schedule passed in win over the stored one, and refuses a stored one that no longer makes sense', async () => {
    await storeSchedule({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, startsAtLocal: '07:30' });
    const passed = await reportOf(FRIDAY, { schedule: SCHOOL_DAY_SCHEDULE_DEFAULT });
    expect(passed).toMatchObject({ schedule: SCHOOL_DAY_SCHEDULE_DEFAULT, scheduleDefaulted: false, counts: FRIDAY_COUNTS_DEFAULT });
    await h.database.db.execute(sql`UPDATE school_schedules SET school_weekdays = '{1,1}' WHERE organisation_id = ${SCHOOL_ID}`);
    expect(await attendanceForSchoolDay(h.database.db, { schoolId: SCHOOL_ID, businessDay: FRIDAY, nowMs: AFTER_WEEK_MS })).toEqual({ ok: false, code: 'schedule_invalid' });
    expect((await reportOf(FRIDAY, { schedule: SCHOOL_DAY_SCHEDULE_DEFAULT })).counts).toEqual(FRIDAY_COUNTS_DEFAULT);
  });
});
