import { describe, expect, test } from 'vitest';
import { currencyDecimals, formatAmount, parseAmount } from './money.js';
import { localClockFor, vietnamCivilDate } from './local-time.js';

describe('amounts', () => {
  test('ISO 4217 decimals', () => {
    expect([currencyDecimals('VND'), currencyDecimals('CAD'), currencyDecimals('EUR'), currencyDecimals('JPY'), currencyDecimals('vnd'), currencyDecimals('ZZZ1')]).toEqual([0, 2, 2, 0, undefined, undefined]);
  });

  test.each([
    ['3.20', 2, 320],
    ['3.2', 2, 320],
    ['0', 2, 0],
    ['-0.50', 2, -50],
    ['8000', 0, 8000],
  ])('%s with %i decimals is %i minor units', (text, decimals, minorUnits) => {
    expect(parseAmount(text, decimals)).toEqual({ ok: true, minorUnits });
  });

  test.each(['1,45', '8000.5', '1e3', '', ' 1', '0x10', '1.', '.5', '99999999999999'])('%j is refused for VND', (text) => {
    expect(parseAmount(text, 0).ok).toBe(false);
  });

  test('formatting', () => {
    expect([formatAmount(320, 2), formatAmount(5, 2), formatAmount(-145, 2), formatAmount(8000, 0)]).toEqual(['3.20', '0.05', '-1.45', '8000']);
  });
});

describe('local time', () => {
  test('fixed-offset Hanoi and an Intl zone with daylight saving', () => {
    expect(localClockFor('Asia/Ho_Chi_Minh')?.localInstant(new Date('2026-12-04T17:30:00Z'))).toEqual({ date: 20261205, secondsOfDay: 30 * 60, weekday: 6 });
    expect(localClockFor('America/Vancouver')?.localInstant(new Date('2026-06-01T15:00:00Z'))).toEqual({ date: 20260601, secondsOfDay: 8 * 3600, weekday: 1 });
    expect(localClockFor('America/Vancouver')?.localInstant(new Date('2026-12-01T16:00:00Z'))).toEqual({ date: 20261201, secondsOfDay: 8 * 3600, weekday: 2 });
    expect(localClockFor('Nowhere/Atlantis')).toBeUndefined();
  });

  test('the Vietnamese civil date turns at 17:00 UTC', () => {
    expect([vietnamCivilDate(new Date('2026-12-04T16:59:59Z')), vietnamCivilDate(new Date('2026-12-04T17:00:00Z'))]).toEqual(['2026-12-04', '2026-12-05']);
  });
});
