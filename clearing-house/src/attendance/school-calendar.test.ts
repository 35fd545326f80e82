import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../test/support/database.js';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { NOW_MS, SCHOOL_ID } from '../../test/support/seed.js';
import { queryRows } from '../db/rows.js';
import { organisations } from '../db/schema/organisations.js';
import { SCHOOL_DAY_SCHEDULE_DEFAULT, type SchoolDaySchedule } from './schedule.js';
import {
  CLOSURE_RANGE_DAY_COUNT_MAX,
  CLOSURE_REASON_LENGTH_MAX,
  closureOn,
  closureReasonOf,
  closuresOfSchool,
  dayCountOf,
  putSchoolClosure,
  putSchoolSchedule,
  readSchoolSchedule,
  removeSchoolClosure,
  scheduleOfSchool,
} from './school-calendar.js';

const OTHER_SCHOOL_ID = 'school-77';
const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-000000000b0b';
const LATER_MS = NOW_MS + 60_000;
const SHORT_DAY: SchoolDaySchedule = { startsAtLocal: '07:30', lateAfterMinutes: 10, endsAtLocal: '11:30', schoolWeekdays: [1, 2, 3, 4, 5, 6] };

/** What a refused write must leave: both tables exactly as they were. */
const tablesOf = async (h: Harness): Promise<unknown> => ({
  schedules: await queryRows(h.database.db, sql`SELECT organisation_id, starts_at_local, late_after_minutes, ends_at_local, school_weekdays::text, updated_at::text, updated_by FROM school_schedules ORDER BY organisation_id`),
  closures: await queryRows(h.database.db, sql`SELECT organisation_id, day::text, reason, updated_at::text, updated_by FROM school_closures ORDER BY organisation_id, day`),
});

/** The message of the database error under drizzle's wrapper (names the constraint, on both drivers). */
async function databaseRefusal(write: Promise<unknown>): Promise<string> {
  try {
    await write;
  } catch (error) {
    const cause: unknown = error instanceof Error && error.cause !== undefined ? error.cause : error;
    return cause instanceof Error ? cause.message : String(cause);
  }
  throw new Error('the database accepted the row');
}

describe.each(testBackends())('a school calendar: schedule and closure days (%s)', (backend) => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 1 });
    await h.database.db.insert(organisations).values({ id: OTHER_SCHOOL_ID, kind: 'school', name: 'School 77' });
  }, 60_000);
  beforeEach(async () => {
    await h.database.db.execute(sql`DELETE FROM school_schedules`);
    await h.database.db.execute(sql`DELETE FROM school_closures`);
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers the default, marked defaulted, while a school has stored none; unknown schools and other organisations as values', async () => {
    expect(await scheduleOfSchool(h.database.db, SCHOOL_ID)).toEqual({ ok: true, stored: { schedule: SCHOOL_DAY_SCHEDULE_DEFAULT, defaulted: true, updatedAt: null, updatedBy: null } });
    expect(await scheduleOfSchool(h.database.db, 'school-404')).toEqual({ ok: false, code: 'school_unknown' });
    expect(await scheduleOfSchool(h.database.db, 'hanoibus')).toEqual({ ok: false, code: 'school_unknown' });
    expect(await putSchoolSchedule(h.database.db, { schoolId: 'clinic-7', schedule: SHORT_DAY, userId: ALICE, nowMs: NOW_MS })).toEqual({ ok: false, code: 'school_unknown' });
    expect(await putSchoolClosure(h.database.db, { schoolId: 'hanoibus', day: '2026-12-04', reason: 'Holiday', userId: ALICE, nowMs: NOW_MS })).toEqual({ ok: false, code: 'school_unknown' });
    expect(await removeSchoolClosure(h.database.db, { schoolId: 'school-404', day: '2026-12-04' })).toEqual({ ok: false, code: 'school_unknown' });
    expect(await closuresOfSchool(h.database.db, { schoolId: 'school-404', from: '2026-12-01', to: '2026-12-31' })).toEqual({ ok: false, code: 'school_unknown' });
    expect(await tablesOf(h)).toEqual({ schedules: [], closures: [] });
  });

  it('stores a schedule with who and when; a repeat changes nothing, another one records its writer', async () => {
    const created = await putSchoolSchedule(h.database.db, { schoolId: SCHOOL_ID, schedule: { ...SHORT_DAY, schoolWeekdays: [6, 1, 3, 2, 5, 4] }, userId: ALICE, nowMs: NOW_MS });
    expect(created).toEqual({ ok: true, change: 'created', stored: { schedule: SHORT_DAY, defaulted: false, updatedAt: '2026-12-04T12:00:00.000Z', updatedBy: ALICE } });
    const repeated = await putSchoolSchedule(h.database.db, { schoolId: SCHOOL_ID, schedule: SHORT_DAY, userId: BOB, nowMs: LATER_MS });
    expect(repeated).toEqual({ ...created, change: 'unchanged' });
    const updated = await putSchoolSchedule(h.database.db, { schoolId: SCHOOL_ID, schedule: { ...SHORT_DAY, lateAfterMinutes: 0 }, userId: BOB, nowMs: LATER_MS });
    expect(updated).toEqual({ ok: true, change: 'updated', stored: { schedule: { ...SHORT_DAY, lateAfterMinutes: 0 }, defaulted: false, updatedAt: '2026-12-04T12:01:00.000Z', updatedBy: BOB } });
    expect(await readSchoolSchedule(h.database.db, SCHOOL_ID)).toEqual({ ok: true, stored: updated.ok ? updated.stored : undefined });
    expect(await scheduleOfSchool(h.database.db, OTHER_SCHOOL_ID)).toMatchObject({ ok: true, stored: { defaulted: true } });
  });

  it('refuses schedules that make no sense as schedule_invalid and writes nothing', async () => {
    await putSchoolSchedule(h.database.db, { schoolId: SCHOOL_ID, schedule: SHORT_DAY, userId: ALICE, nowMs: NOW_MS });
    const before = await tablesOf(h);
    const refused: readonly unknown[] = [
      { ...SHORT_DAY, startsAtLocal: '25:00' },
      { ...SHORT_DAY, endsAtLocal: '24:00' },
      { ...SHORT_DAY, startsAtLocal: '7:30' },
      { ...SHORT_DAY, endsAtLocal: '07:00' },
      { ...SHORT_DAY, endsAtLocal: '07:40' },
      { ...SHORT_DAY, lateAfterMinutes: 181 },
      { ...SHORT_DAY, lateAfterMinutes: -1 },
      { ...SHORT_DAY, lateAfterMinutes: 1.5 },
      { ...SHORT_DAY, lateAfterMinutes: '10' },
      { ...SHORT_DAY, schoolWeekdays: [0] },
      { ...SHORT_DAY, schoolWeekdays: [8] },
      { ...SHORT_DAY, schoolWeekdays: [] },
      { ...SHORT_DAY, schoolWeekdays: [1, 1] },
      { ...SHORT_DAY, schoolWeekdays: '1,2,3' },
      { ...SHORT_DAY, extra: true },
      { startsAtLocal: '07:30' },
      null,
      [],
      'a schedule',
    ];
    for (const schedule of refused) {
      expect(await putSchoolSchedule(h.database.db, { schoolId: SCHOOL_ID, schedule, userId: BOB, nowMs: LATER_MS }), JSON.stringify(schedule)).toEqual({ ok: false, code: 'schedule_invalid' });
    }
    expect(await tablesOf(h)).toEqual(before);
  });

  it('has the table refuse what the schema refuses, and reads a row written around the module as schedule_invalid', async () => {
    const insert = (starts: string, lateAfterMinutes: number, ends: string, weekdays: string) =>
      h.database.db.execute(sql`INSERT INTO school_schedules (organisation_id, starts_at_local, late_after_minutes, ends_at_local, school_weekdays, updated_by) VALUES (${SCHOOL_ID}, ${starts}, ${lateAfterMinutes}, ${ends}, ${weekdays}::smallint[], ${ALICE})`);
    expect(await databaseRefusal(insert('07:00', 30, '07:30', '{1}'))).toContain('school_schedules_late_before_end');
    expect(await databaseRefusal(insert('25:00', 0, '26:00', '{1}'))).toMatch(/school_schedules_starts_hh_mm|school_schedules_ends_hh_mm/u);
    expect(await databaseRefusal(insert('07:00', 181, '23:00', '{1}'))).toContain('school_schedules_late_after_range');
    expect(await databaseRefusal(insert('07:00', 0, '08:00', '{}'))).toContain('school_schedules_weekdays_valid');
    expect(await databaseRefusal(insert('07:00', 0, '08:00', '{0}'))).toContain('school_schedules_weekdays_valid');
    await insert('07:00', 0, '08:00', '{1,1}');
    expect(await readSchoolSchedule(h.database.db, SCHOOL_ID)).toEqual({ ok: false, code: 'schedule_invalid' });
    expect(await scheduleOfSchool(h.database.db, SCHOOL_ID)).toEqual({ ok: false, code: 'schedule_invalid' });
    expect(await databaseRefusal(h.database.db.execute(sql`INSERT INTO school_closures (organisation_id, day, reason, updated_by) VALUES (${SCHOOL_ID}, '2026-12-04', ${'x'.repeat(CLOSURE_REASON_LENGTH_MAX + 1)}, ${ALICE})`))).toContain('school_closures_reason_length');
  });

  it('closes a day with its reason; a repeat changes nothing, another reason updates it; removing twice is fine', async () => {
    const created = await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: '2026-09-02', reason: '  Quốc khánh (National Day)  ', userId: ALICE, nowMs: NOW_MS });
    const closure = { day: '2026-09-02', reason: 'Quốc khánh (National Day)', updatedAt: '2026-12-04T12:00:00.000Z', updatedBy: ALICE };
    expect(created).toEqual({ ok: true, change: 'created', closure });
    expect(await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: '2026-09-02', reason: 'Quốc khánh (National Day)', userId: BOB, nowMs: LATER_MS })).toEqual({ ok: true, change: 'unchanged', closure });
    const updated = await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: '2026-09-02', reason: 'National Day', userId: BOB, nowMs: LATER_MS });
    expect(updated).toEqual({ ok: true, change: 'updated', closure: { day: '2026-09-02', reason: 'National Day', updatedAt: '2026-12-04T12:01:00.000Z', updatedBy: BOB } });
    expect(await closureOn(h.database.db, { schoolId: SCHOOL_ID, day: '2026-09-02' })).toEqual(updated.ok ? updated.closure : undefined);
    expect(await closureOn(h.database.db, { schoolId: OTHER_SCHOOL_ID, day: '2026-09-02' })).toBeUndefined();
    expect(await removeSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: '2026-09-02' })).toEqual({ ok: true, removed: true });
    expect(await removeSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: '2026-09-02' })).toEqual({ ok: true, removed: false });
    expect(await tablesOf(h)).toEqual({ schedules: [], closures: [] });
  });

  it('refuses a bad day or reason as values and writes nothing', async () => {
    await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: '2026-12-04', reason: 'Typhoon', userId: ALICE, nowMs: NOW_MS });
    const before = await tablesOf(h);
    for (const day of ['2026-02-30', '2026-13-01', '2026-12-4', 'tomorrow', '', "2026-12-05' OR 1=1--"]) {
      expect(await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day, reason: 'Holiday', userId: BOB, nowMs: LATER_MS }), day).toEqual({ ok: false, code: 'day_invalid' });
      expect(await removeSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day }), day).toEqual({ ok: false, code: 'day_invalid' });
    }
    for (const reason of ['', '   ', 'x'.repeat(CLOSURE_REASON_LENGTH_MAX + 1), 'x'.repeat(10_000), 'a\u0000b', 'line\nbreak', 'tab\there', 'lone \ud800 surrogate', 'spoof \u202egnp.exe']) {
      expect(await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: '2026-12-04', reason, userId: BOB, nowMs: LATER_MS }), reason.slice(0, 20)).toEqual({ ok: false, code: 'reason_invalid' });
    }
    expect(await tablesOf(h)).toEqual(before);
  });

  it('counts a reason in code points as the table does: 200 emoji fit, 201 letters do not', async () => {
    const emoji = '🎉'.repeat(CLOSURE_REASON_LENGTH_MAX);
    expect(emoji.length).toBe(2 * CLOSURE_REASON_LENGTH_MAX);
    expect(closureReasonOf(emoji)).toBe(emoji);
    expect(closureReasonOf('x'.repeat(CLOSURE_REASON_LENGTH_MAX))).toBe('x'.repeat(CLOSURE_REASON_LENGTH_MAX));
    expect(closureReasonOf('x'.repeat(CLOSURE_REASON_LENGTH_MAX + 1))).toBeUndefined();
    expect(await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day: '2026-12-04', reason: emoji, userId: ALICE, nowMs: NOW_MS })).toMatchObject({ ok: true, change: 'created', closure: { reason: emoji } });
  });

  it('lists closures of one school between two days, both included, in day order; refuses a bad range', async () => {
    for (const day of ['2027-01-01', '2026-12-31', '2026-12-24', '2026-11-30']) await putSchoolClosure(h.database.db, { schoolId: SCHOOL_ID, day, reason: `closed ${day}`, userId: ALICE, nowMs: NOW_MS });
    await putSchoolClosure(h.database.db, { schoolId: OTHER_SCHOOL_ID, day: '2026-12-25', reason: 'Other school', userId: BOB, nowMs: NOW_MS });
    const december = await closuresOfSchool(h.database.db, { schoolId: SCHOOL_ID, from: '2026-12-24', to: '2026-12-31' });
    expect(december.ok && december.closures.map((c) => [c.day, c.reason])).toEqual([
      ['2026-12-24', 'closed 2026-12-24'],
      ['2026-12-31', 'closed 2026-12-31'],
    ]);
    const oneDay = await closuresOfSchool(h.database.db, { schoolId: SCHOOL_ID, from: '2027-01-01', to: '2027-01-01' });
    expect(oneDay.ok && oneDay.closures.map((c) => c.day)).toEqual(['2027-01-01']);
    const year = await closuresOfSchool(h.database.db, { schoolId: SCHOOL_ID, from: '2026-01-02', to: '2027-01-02' });
    expect(year.ok && year.closures.length).toBe(4);
    expect(await closuresOfSchool(h.database.db, { schoolId: SCHOOL_ID, from: '2026-01-01', to: '2027-01-02' })).toEqual({ ok: false, code: 'range_invalid' });
    expect(await closuresOfSchool(h.database.db, { schoolId: SCHOOL_ID, from: '2026-12-31', to: '2026-12-30' })).toEqual({ ok: false, code: 'range_invalid' });
    expect(await closuresOfSchool(h.database.db, { schoolId: SCHOOL_ID, from: '2026-02-30', to: '2026-12-30' })).toEqual({ ok: false, code: 'day_invalid' });
    expect(await closuresOfSchool(h.database.db, { schoolId: SCHOOL_ID, from: '2026-12-01', to: 'today' })).toEqual({ ok: false, code: 'day_invalid' });
  });

  it('keeps the limits in proportion', () => {
    expect(dayCountOf({ from: '2026-01-02', to: '2027-01-02' })).toBe(CLOSURE_RANGE_DAY_COUNT_MAX);
    // A leap year's days fit in one listing; one closure per day bounds its rows.
    expect(dayCountOf({ from: '2028-01-01', to: '2028-12-31' })).toBeLessThanOrEqual(CLOSURE_RANGE_DAY_COUNT_MAX);
    expect(CLOSURE_REASON_LENGTH_MAX).toBe(200);
  });
});
