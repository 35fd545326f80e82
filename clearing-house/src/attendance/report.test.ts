import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../test/support/database.js';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { NOW_MS, SCHOOL_ID } from '../../test/support/seed.js';
import { queryRows } from '../db/rows.js';
import { organisations } from '../db/schema/organisations.js';
import { ATTENDANCE_CSV_COLUMNS, attendanceCsv } from './csv.js';
import type { PupilAttendance } from './derive.js';
import { DAY_TAP_COUNT_MAX, ROSTER_CARD_COUNT_MAX, TAP_COUNT_PER_PUPIL_TYPICAL } from './queries.js';
import { attendanceForSchoolDay, type AttendanceReport } from './report.js';
import { SCHOOL_DAY_SCHEDULE_DEFAULT } from './schedule.js';
import { openSchoolWeek, OTHER_PUPIL, OTHER_SCHOOL_ID, PUPILS, type SchoolWeek } from './school-day.fixtures.js';

const FRIDAY = '2026-12-04';
/** Monday 2026-12-07 00:00Z: the week's days have ended. */
const AFTER_WEEK_MS = Date.UTC(2026, 11, 7);

describe.each(testBackends())('attendance from ingested gate taps (%s)', (backend) => {
  let h: Harness;
  let week: SchoolWeek;
  const reportOf = async (businessDay: string, schoolId = SCHOOL_ID): Promise<AttendanceReport> => {
    const result = await attendanceForSchoolDay(h.database.db, { schoolId, businessDay, nowMs: AFTER_WEEK_MS });
    if (!result.ok) throw new Error(result.code);
    return result.report;
  };
  const pupil = (report: AttendanceReport, cardNumber: string): PupilAttendance | undefined => report.pupils.find((p) => p.cardNumber === cardNumber);

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 1 });
    week = await openSchoolWeek(h);
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('stores gate taps without a TMC as recorded, and the cloned TMC as tmc_duplicate', async () => {
    const rows = await queryRows<{ posting_status: string; n: number }>(h.database.db, sql`SELECT posting_status, count(*)::int AS n FROM events WHERE kind IN ('gate-in','gate-out') GROUP BY posting_status ORDER BY posting_status`);
    expect(rows.map((r) => [r.posting_status, r.n])).toEqual([
      ['posted', 1],
      ['recorded', 23],
      ['tmc_duplicate', 1],
    ]);
  });

  it('derives on time, late, absent, left early and in without out for Friday', async () => {
    const report = await reportOf(FRIDAY);
    expect(report).toMatchObject({ schoolId: SCHOOL_ID, schoolName: 'School 42', businessDay: FRIDAY, schoolDay: true, scheduleDefaulted: true, gatesKnown: true, schedule: SCHOOL_DAY_SCHEDULE_DEFAULT });
    expect(pupil(report, PUPILS.onTime)).toMatchObject({ status: 'present', firstInAt: '2026-12-03T23:50:00.000Z', lastOutAt: '2026-12-04T09:35:00.000Z', notes: [] });
    expect(pupil(report, PUPILS.late)).toMatchObject({ status: 'late', late: true, firstInAt: '2026-12-04T00:20:00.000Z' });
    expect(pupil(report, PUPILS.absent)).toMatchObject({ status: 'absent', firstInAt: null, lastOutAt: null, tapCount: 0 });
    expect(pupil(report, PUPILS.leftEarly)).toMatchObject({ status: 'left_early', leftEarly: true, lastOutAt: '2026-12-04T04:00:00.000Z' });
    expect(pupil(report, PUPILS.inWithoutOut)).toMatchObject({ status: 'present', lastOutAt: null, notes: ['no_gate_out'] });
    expect(pupil(report, PUPILS.repeats)).toMatchObject({ status: 'present', firstInAt: '2026-12-03T23:40:00.000Z', lastOutAt: '2026-12-04T09:45:00.000Z', repeatCollapsedCount: 2, notes: ['repeat_collapsed'] });
    expect(report.counts).toEqual({ present: 6, late: 1, left_early: 2, absent: 1, no_school: 0 });
  });

  it('never counts a tmc_duplicate tap', async () => {
    expect(pupil(await reportOf(FRIDAY), PUPILS.cloned)).toMatchObject({ status: 'present', firstInAt: '2026-12-03T23:59:00.000Z', tapCount: 2, notes: [] });
  });

  it('puts 16:59:59.999Z on the Hanoi day before and 17:00:00.000Z on the next', async () => {
    const friday = await reportOf(FRIDAY);
    expect(pupil(friday, PUPILS.midnight)).toMatchObject({ firstInAt: '2026-12-03T17:00:00.000Z', tapCount: 2, notes: [] });
    expect(pupil(friday, PUPILS.weekend)).toMatchObject({ status: 'present', firstInAt: null, lastOutAt: '2026-12-04T16:59:59.999Z', notes: ['no_gate_in'] });
    const thursday = await reportOf('2026-12-03');
    expect(pupil(thursday, PUPILS.midnight)).toMatchObject({ status: 'late', firstInAt: '2026-12-03T16:59:59.999Z', tapCount: 1 });
    expect(thursday.counts.absent).toBe(Object.keys(PUPILS).length - 1);
  });

  it('counts nobody absent on Saturday and still lists who came', async () => {
    const saturday = await reportOf('2026-12-05');
    expect(saturday.schoolDay).toBe(false);
    expect(saturday.counts).toEqual({ present: 0, late: 0, left_early: 0, absent: 0, no_school: Object.keys(PUPILS).length });
    expect(pupil(saturday, PUPILS.weekend)).toMatchObject({ status: 'no_school', firstInAt: '2026-12-04T17:00:00.000Z', lastOutAt: '2026-12-05T03:00:00.000Z' });
  });

  it('keeps other schools apart: their gates are not ours, a visitor at ours is marked not on the roster', async () => {
    const ours = await reportOf(FRIDAY);
    expect(pupil(ours, OTHER_PUPIL)).toMatchObject({ onRoster: false, firstInAt: '2026-12-04T02:00:00.000Z', notes: ['not_on_roster'] });
    const theirs = await reportOf(FRIDAY, OTHER_SCHOOL_ID);
    expect(theirs.pupils.map((p) => [p.cardNumber, p.onRoster, p.firstInAt])).toEqual([
      [PUPILS.absent, false, '2026-12-04T00:06:00.000Z'],
      [OTHER_PUPIL, true, '2026-12-04T00:05:00.000Z'],
    ]);
  });

  it('ignores a device of another school writing our site code', async () => {
    const stored = await queryRows<{ n: number }>(h.database.db, sql`SELECT count(*)::int AS n FROM events WHERE device_id = ${week.rogueGate.deviceId} AND site_code = 42`);
    expect(stored[0]?.n).toBe(1);
    expect(pupil(await reportOf(FRIDAY), PUPILS.absent)).toMatchObject({ status: 'absent', tapCount: 0 });
  });

  it('says whether the day has ended at report time (taps may still arrive before)', async () => {
    const during = await attendanceForSchoolDay(h.database.db, { schoolId: SCHOOL_ID, businessDay: FRIDAY, nowMs: NOW_MS });
    expect(during.ok && during.report.dayEnded).toBe(false);
    const atEnd = await attendanceForSchoolDay(h.database.db, { schoolId: SCHOOL_ID, businessDay: FRIDAY, nowMs: Date.parse('2026-12-04T17:00:00.000Z') });
    expect(atEnd.ok && atEnd.report.dayEnded).toBe(true);
  });

  it('answers the same after batches are re-sent and overlapping batches arrive', async () => {
    const before = await reportOf(FRIDAY);
    const resent = await h.ingest(week.gate1.deviceId, week.gate1.batch({ fromSeq: 1, toSeq: week.gate1.events.length, batchSeq: 1 }).bytes);
    expect(resent.kind).toBe('duplicate');
    const overlapping = await h.ingest(week.gate2.deviceId, week.gate2.batch({ fromSeq: 1, toSeq: week.gate2.events.length }).bytes);
    expect(overlapping).toMatchObject({ kind: 'accepted', newEventCount: 0 });
    expect(await reportOf(FRIDAY)).toEqual(before);
  });

  it('applies a school schedule passed in, and refuses unknown schools and non-dates as values', async () => {
    const result = await attendanceForSchoolDay(h.database.db, { schoolId: SCHOOL_ID, businessDay: FRIDAY, nowMs: AFTER_WEEK_MS, schedule: { ...SCHOOL_DAY_SCHEDULE_DEFAULT, startsAtLocal: '07:30', endsAtLocal: '11:00' } });
    if (!result.ok) throw new Error(result.code);
    expect(result.report.scheduleDefaulted).toBe(false);
    expect(pupil(result.report, PUPILS.late)?.status).toBe('present');
    expect(pupil(result.report, PUPILS.leftEarly)?.status).toBe('present');
    expect(await attendanceForSchoolDay(h.database.db, { schoolId: 'school-unknown', businessDay: FRIDAY, nowMs: AFTER_WEEK_MS })).toEqual({ ok: false, code: 'school_unknown' });
    expect(await attendanceForSchoolDay(h.database.db, { schoolId: 'hanoibus', businessDay: FRIDAY, nowMs: AFTER_WEEK_MS })).toEqual({ ok: false, code: 'school_unknown' });
    expect(await attendanceForSchoolDay(h.database.db, { schoolId: SCHOOL_ID, businessDay: FRIDAY, nowMs: AFTER_WEEK_MS, schedule: { ...SCHOOL_DAY_SCHEDULE_DEFAULT, endsAtLocal: '06:00' } })).toEqual({ ok: false, code: 'schedule_invalid' });
    expect(await attendanceForSchoolDay(h.database.db, { schoolId: SCHOOL_ID, businessDay: '2026-02-30', nowMs: AFTER_WEEK_MS })).toEqual({ ok: false, code: 'business_day_invalid' });
  });

  it('shows a school without a gate site code as gates unknown (all absent on a school day)', async () => {
    await h.database.db.insert(organisations).values({ id: 'school-nogates', kind: 'school', name: 'No Gates' });
    const report = await reportOf(FRIDAY, 'school-nogates');
    expect(report).toMatchObject({ gatesKnown: false, pupils: [] });
  });

  it('writes the CSV with stable columns, local times and no formula injection', async () => {
    const records: Record<string, string>[] = parse(attendanceCsv(await reportOf(FRIDAY)), { bom: true, columns: true });
    expect(Object.keys(records[0] ?? {})).toEqual([...ATTENDANCE_CSV_COLUMNS]);
    expect(records.find((r) => r['card_number'] === PUPILS.late)).toMatchObject({ status: 'late', first_in_local: '07:20', last_out_local: '16:40', late: 'yes', left_early: 'no', on_roster: 'yes' });
    expect(records.find((r) => r['card_number'] === PUPILS.absent)).toMatchObject({ status: 'absent', first_in_local: '', last_out_local: '', tap_count: '0' });
    const hostile = attendanceCsv({ ...(await reportOf(FRIDAY)), schoolId: '=cmd()' });
    expect(hostile).not.toMatch(/(^|,)=cmd/mu);
  });

  it('keeps the limits in proportion', () => {
    expect(DAY_TAP_COUNT_MAX).toBe(ROSTER_CARD_COUNT_MAX * TAP_COUNT_PER_PUPIL_TYPICAL);
    expect(DAY_TAP_COUNT_MAX).toBeGreaterThan(ROSTER_CARD_COUNT_MAX);
  });
});
