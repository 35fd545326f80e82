import { describe, expect, it } from 'vitest';
import { hanoiDayOf, serviceDayStartMs, simulatedClock } from './city-clock.js';

const HOUR_MS = 3_600_000;
const SPAN_MS = 15 * HOUR_MS;

describe('the city clock', () => {
  it('starts a replayed day at 05:00 Hanoi time when that is an hour ago or more', () => {
    // 10:25 in Hanoi (03:25Z): the day starts at 05:00 Hanoi = 22:00Z the day before.
    expect(new Date(serviceDayStartMs({ nowMs: Date.UTC(2026, 11, 4, 3, 25), spanMs: SPAN_MS })).toISOString()).toBe('2026-12-03T22:00:00.000Z');
    // 05:30 in Hanoi: too early, the span before now.
    const early = Date.UTC(2026, 11, 3, 22, 30);
    expect(serviceDayStartMs({ nowMs: early, spanMs: SPAN_MS })).toBe(early - SPAN_MS);
    // 23:00 in Hanoi: never more than the span before now.
    const late = Date.UTC(2026, 11, 4, 16);
    expect(new Date(serviceDayStartMs({ nowMs: late, spanMs: SPAN_MS })).toISOString()).toBe('2026-12-04T01:00:00.000Z');
  });

  it('names the business day in Hanoi and only moves forward', () => {
    expect(hanoiDayOf(new Date('2026-12-03T17:30:00Z'))).toBe('2026-12-04');
    const clock = simulatedClock(0);
    clock.advanceMs(5);
    expect(clock.nowMs()).toBe(5);
    expect(() => { clock.advanceMs(-1); }).toThrow(RangeError);
  });
});
