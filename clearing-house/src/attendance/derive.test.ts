import { describe, expect, it } from 'vitest';
import { collapseRepeats, deriveAttendance, type GateTap } from './derive.js';
import { isoWeekdayOf, LATE_AFTER_MINUTES_MAX, MINUTES_PER_DAY, SCHOOL_DAY_SCHEDULE_DEFAULT, schoolDayScheduleSchema, thresholdsOf } from './schedule.js';

/** Friday 2026-12-04; local = UTC + 7. */
const DAY = '2026-12-04';
const A = '9704000000000101';
const B = '9704000000000102';
const tap = (cardNumber: string, direction: 'in' | 'out', atIso: string, deviceId = 1): GateTap => ({ cardNumber, direction, atMs: Date.parse(atIso), deviceId, seq: 1 });
const one = (taps: readonly GateTap[], roster: readonly string[] = [A]) => deriveAttendance({ businessDay: DAY, schedule: SCHOOL_DAY_SCHEDULE_DEFAULT, roster, taps });

describe('schedule', () => {
  it('places the default thresholds at 07:15 and 16:30 Hanoi time on the day', () => {
    const t = thresholdsOf(DAY, SCHOOL_DAY_SCHEDULE_DEFAULT);
    expect(new Date(t.dayStartsAtMs).toISOString()).toBe('2026-12-03T17:00:00.000Z');
    expect(new Date(t.dayEndsAtMs).toISOString()).toBe('2026-12-04T17:00:00.000Z');
    expect(new Date(t.lateAfterMs).toISOString()).toBe('2026-12-04T00:15:00.000Z');
    expect(new Date(t.schoolEndsAtMs).toISOString()).toBe('2026-12-04T09:30:00.000Z');
  });

  it('knows the weekdays and refuses schedules that make no sense', () => {
    expect([isoWeekdayOf('2026-12-04'), isoWeekdayOf('2026-12-05'), isoWeekdayOf('2026-12-06'), isoWeekdayOf('2026-12-07')]).toEqual([5, 6, 7, 1]);
    expect(() => isoWeekdayOf('2026-02-30')).toThrow(RangeError);
    expect(schoolDayScheduleSchema.safeParse(SCHOOL_DAY_SCHEDULE_DEFAULT).success).toBe(true);
    expect(schoolDayScheduleSchema.safeParse({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, startsAtLocal: '7:00' }).success).toBe(false);
    expect(schoolDayScheduleSchema.safeParse({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, endsAtLocal: '24:00' }).success).toBe(false);
    expect(schoolDayScheduleSchema.safeParse({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, endsAtLocal: '07:10' }).success).toBe(false);
    expect(schoolDayScheduleSchema.safeParse({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, lateAfterMinutes: LATE_AFTER_MINUTES_MAX + 1 }).success).toBe(false);
    expect(schoolDayScheduleSchema.safeParse({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, schoolWeekdays: [0] }).success).toBe(false);
    expect(schoolDayScheduleSchema.safeParse({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, schoolWeekdays: [] }).success).toBe(false);
    expect(schoolDayScheduleSchema.safeParse({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, schoolWeekdays: [1, 2, 1] }).success).toBe(false);
    expect(schoolDayScheduleSchema.safeParse({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, schoolWeekdays: [7, 1] }).success).toBe(true);
    expect(LATE_AFTER_MINUTES_MAX).toBeLessThan(MINUTES_PER_DAY);
  });
});

describe('deriveAttendance', () => {
  it('on time at exactly the end of grace, late one millisecond after', () => {
    expect(one([tap(A, 'in', '2026-12-04T00:15:00.000Z'), tap(A, 'out', '2026-12-04T09:30:00.000Z')]).pupils[0]).toMatchObject({ status: 'present', late: false, leftEarly: false, notes: [] });
    expect(one([tap(A, 'in', '2026-12-04T00:15:00.001Z'), tap(A, 'out', '2026-12-04T09:31:00.000Z')]).pupils[0]).toMatchObject({ status: 'late', late: true, leftEarly: false, firstInAt: '2026-12-04T00:15:00.001Z' });
  });

  it('left early when the last tap is an out before the end; back in later is not leaving early', () => {
    expect(one([tap(A, 'in', '2026-12-03T23:50:00.000Z'), tap(A, 'out', '2026-12-04T09:29:59.999Z')]).pupils[0]).toMatchObject({ status: 'left_early', leftEarly: true });
    const lunch = one([tap(A, 'in', '2026-12-03T23:50:00.000Z'), tap(A, 'out', '2026-12-04T05:00:00.000Z'), tap(A, 'in', '2026-12-04T06:00:00.000Z')]).pupils[0];
    expect(lunch).toMatchObject({ status: 'present', lastOutAt: '2026-12-04T05:00:00.000Z', notes: ['no_gate_out'] });
    expect(one([tap(A, 'in', '2026-12-04T01:00:00.000Z'), tap(A, 'out', '2026-12-04T03:00:00.000Z')]).pupils[0]).toMatchObject({ status: 'left_early', late: true, leftEarly: true });
  });

  it('absent without taps; in without out is present with a note; out without in is noted', () => {
    const day = one([tap(B, 'out', '2026-12-04T09:40:00.000Z')], [A, B]);
    expect(day.pupils.map((p) => [p.cardNumber, p.status, p.notes])).toEqual([
      [A, 'absent', []],
      [B, 'present', ['no_gate_in']],
    ]);
    expect(one([tap(A, 'in', '2026-12-04T00:00:00.000Z')]).pupils[0]).toMatchObject({ status: 'present', lastOutAt: null, notes: ['no_gate_out'] });
    expect(day.counts).toEqual({ present: 1, late: 0, left_early: 0, absent: 1, no_school: 0 });
  });

  it('collapses anti-passback repeats (first of the ins, last of the outs) whatever order they come in', () => {
    const taps = [tap(A, 'out', '2026-12-04T09:45:00.000Z'), tap(A, 'in', '2026-12-03T23:41:00.000Z', 2), tap(A, 'out', '2026-12-04T09:35:00.000Z', 2), tap(A, 'in', '2026-12-03T23:40:00.000Z')];
    expect(collapseRepeats(taps).collapsedCount).toBe(2);
    expect(one(taps).pupils[0]).toMatchObject({ status: 'present', firstInAt: '2026-12-03T23:40:00.000Z', lastOutAt: '2026-12-04T09:45:00.000Z', tapCount: 2, repeatCollapsedCount: 2, notes: ['repeat_collapsed'] });
  });

  it('lists cards not on the roster and says so; nobody is absent on a weekend', () => {
    expect(one([tap(B, 'in', '2026-12-04T00:00:00.000Z')]).pupils.map((p) => [p.cardNumber, p.onRoster, p.notes])).toEqual([
      [A, true, []],
      [B, false, ['no_gate_out', 'not_on_roster']],
    ]);
    const saturday = deriveAttendance({ businessDay: '2026-12-05', schedule: SCHOOL_DAY_SCHEDULE_DEFAULT, roster: [A, B], taps: [tap(B, 'in', '2026-12-05T01:00:00.000Z'), tap(B, 'out', '2026-12-05T03:00:00.000Z')] });
    expect(saturday.schoolDay).toBe(false);
    expect(saturday.pupils.map((p) => [p.status, p.late, p.leftEarly])).toEqual([
      ['no_school', false, false],
      ['no_school', false, false],
    ]);
    expect(deriveAttendance({ businessDay: '2026-12-05', schedule: { ...SCHOOL_DAY_SCHEDULE_DEFAULT, schoolWeekdays: [6] }, roster: [A], taps: [] }).pupils[0]?.status).toBe('absent');
  });

  it('counts nobody absent, late or leaving early on a closure day, and still lists who came', () => {
    const closed = deriveAttendance({ businessDay: DAY, schedule: SCHOOL_DAY_SCHEDULE_DEFAULT, roster: [A, B], taps: [tap(B, 'in', '2026-12-04T02:00:00.000Z'), tap(B, 'out', '2026-12-04T03:00:00.000Z')], closure: { reason: 'Typhoon' } });
    expect(closed.schoolDay).toBe(false);
    expect(closed.pupils.map((p) => [p.cardNumber, p.status, p.late, p.leftEarly, p.tapCount])).toEqual([
      [A, 'no_school', false, false, 0],
      [B, 'no_school', false, false, 2],
    ]);
    expect(closed.counts).toEqual({ present: 0, late: 0, left_early: 0, absent: 0, no_school: 2 });
    expect(deriveAttendance({ businessDay: DAY, schedule: SCHOOL_DAY_SCHEDULE_DEFAULT, roster: [A], taps: [], closure: null }).pupils[0]?.status).toBe('absent');
  });

  it('refuses taps from outside the business day (a caller bug)', () => {
    expect(() => one([tap(A, 'in', '2026-12-04T17:00:00.000Z')])).toThrow(RangeError);
    expect(() => one([tap(A, 'in', '2026-12-03T16:59:59.999Z')])).toThrow(RangeError);
  });
});
