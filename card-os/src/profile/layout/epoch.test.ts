import { describe, expect, it } from 'vitest';
import { civilDateAt, civilDateOf, DAY_NUMBER_MAX, dayNumberOf, epochSecondsOf, instantOf, monthNumberOf, monthOf } from './epoch.js';

describe('OneCard epoch', () => {
  it('numbers days from 2020-01-01 and refuses what a u16 cannot hold or the calendar does not have', () => {
    expect(dayNumberOf('2020-01-01')).toBe(0);
    expect(dayNumberOf('2025-09-01')).toBe(2070);
    expect(civilDateOf(DAY_NUMBER_MAX)).toBe('2199-06-06');
    expect(dayNumberOf('2199-06-07')).toBeUndefined();
    expect(dayNumberOf('2019-12-31')).toBeUndefined();
    expect(dayNumberOf('2025-02-29')).toBeUndefined();
    expect(dayNumberOf('2025-9-1')).toBeUndefined();
  });

  it('counts seconds from 2020-01-01T00:00:00Z; the civil date of an instant is Vietnam’s', () => {
    const at = new Date('2025-09-01T17:30:00Z');
    expect(instantOf(epochSecondsOf(at) ?? 0)).toEqual(at);
    expect(epochSecondsOf(new Date('2019-12-31T23:59:59Z'))).toBeUndefined();
    expect(civilDateAt(at)).toBe('2025-09-02');
  });

  it('numbers months from January 2020', () => {
    expect(monthNumberOf('2025-09-15')).toBe(68);
    expect(monthOf(68)).toBe('2025-09');
  });
});
