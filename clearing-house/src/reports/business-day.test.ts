import { describe, expect, it } from 'vitest';
import { businessDayBounds, businessDayOf, isBusinessDay, localHourOf } from './business-day.js';

describe('business days in Asia/Ho_Chi_Minh', () => {
  it('puts 23:30 UTC on the next local day and reads the local hour', () => {
    expect(businessDayOf(new Date('2026-12-03T16:59:59Z'))).toBe('2026-12-03');
    expect(businessDayOf(new Date('2026-12-03T17:00:00Z'))).toBe('2026-12-04');
    expect(localHourOf(new Date('2026-12-03T00:15:00Z'))).toBe(7);
    expect(localHourOf(new Date('2026-12-03T17:00:00Z'))).toBe(0);
  });

  it('bounds a day by local midnights (UTC+7, no daylight saving)', () => {
    expect(businessDayBounds('2026-12-03')).toEqual({ startsAt: new Date('2026-12-02T17:00:00Z'), endsAt: new Date('2026-12-03T17:00:00Z') });
  });

  it('accepts only real calendar dates', () => {
    expect(isBusinessDay('2026-02-28')).toBe(true);
    expect(isBusinessDay('2026-02-30')).toBe(false);
    expect(isBusinessDay('2026-2-3')).toBe(false);
    expect(isBusinessDay("2026-12-03' OR 1=1")).toBe(false);
    expect(() => businessDayBounds('yesterday')).toThrow(RangeError);
  });
});
