import { describe, expect, it } from 'vitest';
import type { Boarding } from './boarding.js';
import { apportionJourney, journeysOf, shareRevenue, spansOperators } from './journeys.js';

let tmc = 0;
function leg(input: Partial<Boarding> & Pick<Boarding, 'kind' | 'operatorId'>): Boarding {
  tmc += 1;
  return { cardKey: 'card-a', tmc, at: `2026-12-04T01:${String(tmc).padStart(2, '0')}:00.000Z`, routeId: '32', riderCategory: 'adult', fareProductId: undefined, chargedVnd: 0, onDay: true, ...input };
}

describe('shareRevenue', () => {
  it('shares pro rata, rounding down, the remainder to the first leg, summing exactly', () => {
    expect(shareRevenue(8_000, [8_000, 10_000])).toEqual([3_556, 4_444]);
    expect(shareRevenue(10_000, [1, 1, 1])).toEqual([3_334, 3_333, 3_333]);
    expect(shareRevenue(0, [8_000, 10_000])).toEqual([0, 0]);
    expect(shareRevenue(7, [])).toEqual([]);
  });

  it('shares equally when a weight is unknown or all are 0', () => {
    expect(shareRevenue(9_001, [8_000, undefined, 10_000])).toEqual([3_001, 3_000, 3_000]);
    expect(shareRevenue(5, [0, 0])).toEqual([3, 2]);
  });

  it('stays exact for large amounts (no float rounding) and refuses negative or fractional revenue', () => {
    const revenueVnd = 3_199_999_999;
    const shares = shareRevenue(revenueVnd, [99_999_999, 99_999_998, 3]);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBe(revenueVnd);
    expect(shares.every((share) => Number.isSafeInteger(share) && share >= 0)).toBe(true);
    expect(() => shareRevenue(-1, [1])).toThrow(RangeError);
    expect(() => shareRevenue(1.5, [1])).toThrow(RangeError);
  });
});

describe('journeysOf', () => {
  it('joins a fare and its transfers in TMC order, whatever order the boardings come in', () => {
    const fare = leg({ kind: 'fare', operatorId: 'a', chargedVnd: 8_000 });
    const transfer = leg({ kind: 'transfer', operatorId: 'b' });
    const secondFare = leg({ kind: 'fare', operatorId: 'b', chargedVnd: 10_000 });
    const other = { ...leg({ kind: 'fare', operatorId: 'a', chargedVnd: 8_000 }), cardKey: 'card-b' };
    const journeys = journeysOf([secondFare, other, transfer, fare]);
    expect(journeys.map((j) => j.map((l) => l.tmc))).toEqual([[fare.tmc, transfer.tmc], [secondFare.tmc], [other.tmc]]);
  });

  it('ends a journey at a pass ride, free ride or capped ride; a transfer without a fare before it stands alone', () => {
    const orphan = leg({ kind: 'transfer', operatorId: 'b', chargedVnd: 2_000 });
    const fare = leg({ kind: 'fare', operatorId: 'a', chargedVnd: 8_000 });
    const pass = leg({ kind: 'pass-use', operatorId: 'a' });
    const afterPass = leg({ kind: 'transfer', operatorId: 'b', chargedVnd: 1_000 });
    const journeys = journeysOf([orphan, fare, pass, afterPass]);
    expect(journeys.map((j) => j.map((l) => l.tmc))).toEqual([[orphan.tmc], [fare.tmc], [afterPass.tmc]]);
  });
});

describe('apportionJourney', () => {
  it('moves the share of a free transfer leg from the collecting operator to the carrier', () => {
    const fare = leg({ kind: 'fare', operatorId: 'a', routeId: '03A', chargedVnd: 8_000 });
    const transfer = leg({ kind: 'transfer', operatorId: 'b', routeId: '32', chargedVnd: 0 });
    const fares = new Map([['03A', 8_000], ['32', 10_000]]);
    const shares = apportionJourney([fare, transfer], (l) => fares.get(l.routeId));
    expect(shares.map((s) => [s.leg.operatorId, s.shareVnd, s.deltaVnd])).toEqual([['a', 3_556, -4_444], ['b', 4_444, 4_444]]);
    expect(shares.reduce((sum, s) => sum + s.deltaVnd, 0)).toBe(0);
  });

  it('leaves a journey of one operator alone', () => {
    const journey = [leg({ kind: 'fare', operatorId: 'a', chargedVnd: 8_000 }), leg({ kind: 'transfer', operatorId: 'a', routeId: '18' })];
    expect(spansOperators(journey)).toBe(false);
    expect(apportionJourney(journey, () => 8_000)).toEqual([]);
  });
});
