import { describe, expect, test } from 'vitest';
import { parseJourney, JOURNEY_LEGS_MAX, type Journey } from './journey.js';
import { quoteJourney } from './quote.js';
import { hanoiFeed } from './test-feeds.fixtures.js';

const HANOI = hanoiFeed();

function leg(routeId: string, startLocal: string, extra: Record<string, string> = {}) {
  const start = new Date(`2026-12-04T${startLocal}:00+07:00`);
  return { route_id: routeId, start_time: start.toISOString(), end_time: new Date(start.getTime() + 30 * 60_000).toISOString(), rider_category_id: 'adult', fare_media_id: 'onecard', ...extra };
}

function quote(journey: Journey) {
  const result = quoteJourney(HANOI, journey);
  if (!result.ok) throw new Error(result.message);
  return result.quote;
}

describe('Hanoi journeys', () => {
  test('every distance band in one day: each boarding pays its route band (no transfers in Hanoi)', () => {
    const q = quote({ legs: [leg('03A', '06:00'), leg('02', '07:00'), leg('01', '08:00'), leg('17', '09:00'), leg('103', '10:00')] });
    expect(q.legs.map((l) => [l.fareProductId, l.amountMinorUnits, l.kind])).toEqual([
      ['single_8k', 8000, 'fare'],
      ['single_10k', 10000, 'fare'],
      ['single_12k', 12000, 'fare'],
      ['single_15k', 15000, 'fare'],
      ['single_20k', 20000, 'fare'],
    ]);
    expect(q.totalMinorUnits).toBe(65000);
    expect(q.currency).toBe('VND');
  });

  test('free categories quote 0; a paper ticket costs the same as the card', () => {
    for (const category of ['elderly_60_plus', 'child_under_6', 'disabled', 'veteran']) {
      expect(quote({ legs: [leg('101A', '09:00', { rider_category_id: category })] }).totalMinorUnits).toBe(0);
    }
    expect(quote({ legs: [leg('101A', '09:00', { fare_media_id: 'paper' })] }).totalMinorUnits).toBe(20000);
  });

  test('rider category and fare media default to the default category and any media', () => {
    const q = quote({ legs: [{ route_id: '09A', start_time: '2026-12-04T08:00:00+07:00', end_time: '2026-12-04T08:30:00+07:00' }] });
    expect(q.legs[0]).toMatchObject({ riderCategoryId: 'adult', fareMediaId: undefined, amountMinorUnits: 8000 });
  });
});

describe('quote failures name the leg', () => {
  test.each([
    ['route_unknown', { route_id: 'nope' }],
    ['stop_unknown', { from_stop_id: 'HN_NOWHERE' }],
    ['rider_category_unknown', { rider_category_id: 'tourist' }],
    ['fare_media_unknown', { fare_media_id: 'cash' }],
    ['no_product_for_rider', { rider_category_id: 'veteran', fare_media_id: 'paper' }],
  ] as const)('%s', (code, change) => {
    const result = quoteJourney(HANOI, { legs: [leg('01', '07:00'), { ...leg('01', '08:00'), ...change }] });
    expect(result).toMatchObject({ ok: false, code, legIndex: 1 });
  });
});

describe('journey files', () => {
  const good = JSON.stringify({ legs: [leg('01', '07:00')] });

  test('a valid file parses', () => {
    expect(parseJourney(good)).toMatchObject({ ok: true, journey: { legs: [{ route_id: '01' }] } });
  });

  test.each([
    ['not JSON', '{"legs": [', /not valid JSON/],
    ['no legs', '{"legs": []}', /^legs: a journey has at least one leg/],
    ['a leg without route', JSON.stringify({ legs: [{ start_time: '2026-12-04T08:00:00+07:00', end_time: '2026-12-04T08:30:00+07:00' }] }), /^legs\.0\.route_id/],
    ['a time without offset', JSON.stringify({ legs: [{ route_id: '01', start_time: '2026-12-04T08:00:00', end_time: '2026-12-04T08:30:00+07:00' }] }), /^legs\.0\.start_time: expected an ISO 8601/],
    ['a leg ending before it starts', JSON.stringify({ legs: [{ route_id: '01', start_time: '2026-12-04T08:30:00+07:00', end_time: '2026-12-04T08:00:00+07:00' }] }), /^legs\.0\.end_time: end_time is before start_time/],
    ['overlapping legs', JSON.stringify({ legs: [leg('01', '08:00'), leg('02', '08:10')] }), /^legs\.1\.start_time: the leg starts before the previous leg ends/],
    ['too many legs', JSON.stringify({ legs: Array.from({ length: JOURNEY_LEGS_MAX + 1 }, (_, i) => leg('01', `${String(i % 24).padStart(2, '0')}:00`)) }), /at most 32 legs/],
    ['a number as route id', JSON.stringify({ legs: [{ ...leg('01', '08:00'), route_id: 1 }] }), /^legs\.0\.route_id/],
    ['a truncated file', good.slice(0, good.length / 2), /not valid JSON/],
    ['a huge file', 'x'.repeat(70_000), /larger than/],
  ])('%s is refused', (_what, text, message) => {
    const parsed = parseJourney(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
