import { initialFareState, civilDateAt, type HolderCategory, type TransitContract, type TransitFareState } from '@onecard/card-os/profile';
import { describe, expect, test } from 'vitest';
import type { BusTapContext, CardFareView } from '../ports.js';
import { createFareEngine, decideBusTap } from './bus-tap.js';
import { vietnamCivilDate } from './local-time.js';
import { hanoiFeed, hanoiFiles, minimalFiles, mustLoad } from './test-feeds.fixtures.js';

const HANOI = hanoiFeed();
/** 08:00 in Hanoi on Friday 4 December 2026. */
const AT = new Date('2026-12-04T01:00:00Z');
const TODAY = '2026-12-04';

function minutesAfter(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * 60_000);
}

function card(options: { category?: HolderCategory; validFrom?: string; validUntil?: string; contracts?: TransitContract[]; state?: TransitFareState; balanceVnd?: number } = {}): CardFareView {
  return {
    entitlements: {
      fareCategory: options.category ?? 'adult',
      fareCategoryValidFrom: options.validFrom ?? '2024-01-01',
      fareCategoryValidUntil: options.validUntil ?? '2030-12-31',
      contracts: options.contracts ?? [],
    },
    fareState: options.state ?? initialFareState('2026-01-15'),
    balanceVnd: options.balanceVnd ?? 100_000,
  };
}

function at(routeId: string, when: Date = AT): BusTapContext {
  return { at: when, routeId, stopId: undefined, fareMediaId: 'onecard' };
}

function pass(kind: TransitContract['kind'], tariff: TransitContract['tariff'], routeId: number, validUntil = '2026-12-31'): TransitContract {
  return { kind, tariff, routeId, validFrom: '2026-12-01', validUntil, pricePaidVnd: 100_000, saleId: 42 };
}

describe('Hanoi single rides: one fare per distance band (notes/fares-and-schemes.md)', () => {
  test.each([
    ['03A', 12.8, 'single_8k', 8000],
    ['BRT01', 14.7, 'single_8k', 8000],
    ['36', 15.0, 'single_10k', 10000],
    ['02', 19.6, 'single_10k', 10000],
    ['01', 27.6, 'single_12k', 12000],
    ['17', 33.4, 'single_15k', 15000],
    ['107', 40.0, 'single_20k', 20000],
    ['103', 63.5, 'single_20k', 20000],
  ] as const)('route %s (%s km) pays %s', (routeId, _km, product, amountVnd) => {
    const decision = decideBusTap(HANOI, card(), at(routeId));
    expect(decision).toMatchObject({ ok: true, outcome: 'fare', amountVnd, fareProductId: product, riderCategoryId: 'adult', contractSlot: undefined, routeCode: HANOI.routes.get(routeId)?.cardRouteCode });
    if (!decision.ok) return;
    expect(decision.nextFareState).toEqual({
      journeyStartedAt: AT,
      transfersUsed: 0,
      lastTapAt: AT,
      lastRouteId: HANOI.routes.get(routeId)?.cardRouteCode,
      capDay: TODAY,
      capDaySpentVnd: amountVnd,
      capMonth: '2026-12',
      capMonthSpentVnd: amountVnd,
    });
  });

  test('pupils, students and industrial workers pay the single fare (Hanoi discounts only their monthly passes)', () => {
    for (const category of ['pupil', 'student', 'industrial-worker'] as const) {
      expect(decideBusTap(HANOI, card({ category }), at('03A'))).toMatchObject({ ok: true, outcome: 'fare', amountVnd: 8000 });
    }
  });

  test('a civil servant rides at the adult fare', () => {
    expect(decideBusTap(HANOI, card({ category: 'civil-servant' }), at('01'))).toMatchObject({ ok: true, amountVnd: 12000, riderCategoryId: 'adult' });
  });
});

describe('free categories', () => {
  test.each([
    ['elderly-60-plus', 'elderly_60_plus'],
    ['child-under-6', 'child_under_6'],
    ['disabled', 'disabled'],
    ['veteran', 'veteran'],
  ] as const)('%s rides free, even with an empty purse', (category, riderCategoryId) => {
    const decision = decideBusTap(HANOI, card({ category, balanceVnd: 0 }), at('103'));
    expect(decision).toMatchObject({ ok: true, outcome: 'free-ride', amountVnd: 0, fareProductId: 'single_20k', riderCategoryId });
    if (decision.ok) expect(decision.nextFareState).toMatchObject({ journeyStartedAt: undefined, transfersUsed: 0, lastTapAt: AT, capDaySpentVnd: 0 });
  });

  test('a free category on a paper-ticket fare media has no product', () => {
    expect(decideBusTap(HANOI, card({ category: 'elderly-60-plus' }), { ...at('01'), fareMediaId: 'paper' })).toEqual({ ok: false, reason: 'no_fare_for_rider', riderCategoryId: 'elderly_60_plus' });
  });
});

describe('lapsed categories', () => {
  test('a child whose under-6 window has ended pays the adult fare from the purse', () => {
    expect(decideBusTap(HANOI, card({ category: 'child-under-6', validUntil: '2026-12-03' }), at('03A'))).toMatchObject({ ok: true, outcome: 'fare', amountVnd: 8000, riderCategoryId: 'adult' });
  });

  test('with too little money the refusal says the category expired', () => {
    expect(decideBusTap(HANOI, card({ category: 'child-under-6', validUntil: '2026-12-03', balanceVnd: 0 }), at('03A'))).toEqual({ ok: false, reason: 'category_expired', riderCategoryId: 'adult' });
  });

  test('a category not yet valid counts as lapsed', () => {
    expect(decideBusTap(HANOI, card({ category: 'elderly-60-plus', validFrom: '2026-12-05', balanceVnd: 0 }), at('03A'))).toMatchObject({ ok: false, reason: 'category_expired' });
  });

  test('the last valid day still counts (civil dates are inclusive)', () => {
    expect(decideBusTap(HANOI, card({ category: 'veteran', validUntil: TODAY }), at('03A'))).toMatchObject({ ok: true, outcome: 'free-ride' });
  });

  test('an adult card outside its window is refused for funds, not for category', () => {
    expect(decideBusTap(HANOI, card({ validUntil: '2026-01-01', balanceVnd: 0 }), at('03A'))).toMatchObject({ ok: false, reason: 'insufficient_funds' });
  });
});

describe('monthly passes', () => {
  test('a single-route pass covers its route and no other', () => {
    const contracts = [pass('monthly-single-route', 'regular', 1)];
    expect(decideBusTap(HANOI, card({ contracts, balanceVnd: 0 }), at('01'))).toMatchObject({ ok: true, outcome: 'pass-use', amountVnd: 0, fareProductId: 'monthly_route_regular', contractSlot: 0, routeCode: 1 });
    expect(decideBusTap(HANOI, card({ contracts }), at('02'))).toMatchObject({ ok: true, outcome: 'fare', amountVnd: 10000 });
  });

  test('an all-routes pass covers every route; the slot used is reported', () => {
    const contracts = [pass('monthly-single-route', 'regular', 2, '2026-11-30'), pass('monthly-all-routes', 'regular', 0)];
    expect(decideBusTap(HANOI, card({ contracts }), at('103'))).toMatchObject({ ok: true, outcome: 'pass-use', fareProductId: 'monthly_all_regular', contractSlot: 1 });
  });

  test('an expired pass does not cover', () => {
    expect(decideBusTap(HANOI, card({ contracts: [pass('monthly-all-routes', 'regular', 0, '2026-12-03')] }), at('01'))).toMatchObject({ outcome: 'fare' });
  });

  test('a concession pass needs a valid concession category', () => {
    const contracts = [pass('monthly-single-route', 'concession', 1)];
    expect(decideBusTap(HANOI, card({ category: 'student', contracts }), at('01'))).toMatchObject({ ok: true, outcome: 'pass-use', fareProductId: 'monthly_route_concession' });
    expect(decideBusTap(HANOI, card({ category: 'industrial-worker', contracts }), at('01'))).toMatchObject({ ok: true, outcome: 'pass-use' });
    expect(decideBusTap(HANOI, card({ category: 'adult', contracts }), at('01'))).toMatchObject({ ok: true, outcome: 'fare', amountVnd: 12000 });
    expect(decideBusTap(HANOI, card({ category: 'pupil', validUntil: '2026-09-30', contracts }), at('01'))).toMatchObject({ ok: true, outcome: 'fare', amountVnd: 12000, riderCategoryId: 'adult' });
  });

  test('a pass ride does not open a transfer window and adds nothing to the caps', () => {
    const state = { ...initialFareState('2026-12-01'), journeyStartedAt: AT, lastTapAt: AT, lastRouteId: 1, capDay: TODAY, capDaySpentVnd: 12000, capMonth: '2026-12', capMonthSpentVnd: 40000 };
    const decision = decideBusTap(HANOI, card({ state, contracts: [pass('monthly-all-routes', 'regular', 0)] }), at('02', minutesAfter(AT, 10)));
    expect(decision).toMatchObject({ ok: true, outcome: 'pass-use', nextFareState: { journeyStartedAt: undefined, transfersUsed: 0, lastRouteId: 2, capDaySpentVnd: 12000, capMonthSpentVnd: 40000 } });
  });
});

describe('caps (onecard_fare_caps.txt)', () => {
  const capped = hanoiFeed({ 'onecard_fare_caps.txt': 'fare_cap_id,rider_category_id,cap_period,amount,currency\nadult_day,adult,day,20000,VND\nall_month,,month,200000,VND\npupil_day,pupil,day,10000,VND\n' });
  const spentToday = (dayVnd: number, monthVnd: number, capDay = TODAY): TransitFareState => ({ ...initialFareState('2026-12-01'), capDay, capDaySpentVnd: dayVnd, capMonth: capDay.slice(0, 7), capMonthSpentVnd: monthVnd });

  test('the fare is cut to what the day cap leaves', () => {
    expect(decideBusTap(capped, card({ state: spentToday(16000, 16000) }), at('03A'))).toMatchObject({ ok: true, outcome: 'fare', amountVnd: 4000, nextFareState: { capDaySpentVnd: 20000, capMonthSpentVnd: 20000 } });
  });

  test('nothing is left: capped, amount 0, even with an empty purse', () => {
    expect(decideBusTap(capped, card({ state: spentToday(20000, 60000), balanceVnd: 0 }), at('01'))).toMatchObject({ ok: true, outcome: 'capped', amountVnd: 0, fareProductId: 'single_12k', nextFareState: { capDaySpentVnd: 20000, capMonthSpentVnd: 60000 } });
  });

  test('a new civil day resets the day counter, the month counter carries on', () => {
    expect(decideBusTap(capped, card({ state: spentToday(20000, 60000, '2026-12-03') }), at('01'))).toMatchObject({ ok: true, outcome: 'fare', amountVnd: 12000, nextFareState: { capDay: TODAY, capDaySpentVnd: 12000, capMonthSpentVnd: 72000 } });
  });

  test('the month cap binds across days, and resets with the month', () => {
    expect(decideBusTap(capped, card({ state: spentToday(0, 199_000) }), at('01'))).toMatchObject({ ok: true, amountVnd: 1000 });
    const lastMonth = { ...spentToday(0, 200_000, '2026-11-30') };
    expect(decideBusTap(capped, card({ state: lastMonth }), at('01'))).toMatchObject({ ok: true, amountVnd: 12000, nextFareState: { capMonth: '2026-12', capMonthSpentVnd: 12000 } });
  });

  test('caps follow the rider category', () => {
    expect(decideBusTap(capped, card({ category: 'pupil', state: spentToday(8000, 8000) }), at('03A'))).toMatchObject({ ok: true, amountVnd: 2000 });
    expect(decideBusTap(capped, card({ category: 'student', state: spentToday(8000, 8000) }), at('03A'))).toMatchObject({ ok: true, amountVnd: 8000 });
  });

  test('the cap day is the civil day in Hanoi: 23:30 UTC is already the next day', () => {
    const lateUtc = new Date('2026-12-04T23:30:00Z');
    expect(decideBusTap(capped, card({ state: spentToday(20000, 20000) }), at('03A', lateUtc))).toMatchObject({ ok: true, amountVnd: 8000, nextFareState: { capDay: '2026-12-05' } });
  });
});

describe('refusals', () => {
  test('insufficient funds', () => {
    expect(decideBusTap(HANOI, card({ balanceVnd: 7999 }), at('03A'))).toEqual({ ok: false, reason: 'insufficient_funds', riderCategoryId: 'adult' });
    expect(decideBusTap(HANOI, card({ balanceVnd: 8000 }), at('03A'))).toMatchObject({ ok: true, amountVnd: 8000 });
  });

  test('an unknown route, and a route without a card route code', () => {
    expect(decideBusTap(HANOI, card(), at('999'))).toEqual({ ok: false, reason: 'route_unknown', riderCategoryId: undefined });
    const uncoded = hanoiFeed({ 'onecard_routes.txt': 'route_id,card_route_code\n01,1\n' });
    expect(decideBusTap(uncoded, card(), at('02'))).toMatchObject({ ok: false, reason: 'route_unknown' });
  });

  test('a holder category the feed does not map', () => {
    const unmapped = hanoiFeed({ 'onecard_holder_categories.txt': 'holder_category,rider_category_id\nadult,adult\n' });
    expect(decideBusTap(unmapped, card({ category: 'veteran' }), at('01'))).toEqual({ ok: false, reason: 'no_fare_for_rider', riderCategoryId: undefined });
  });
});

describe('transfers (the Hanoi feed has none; the engine applies them when a feed has them)', () => {
  function afterFirstTap(feed = HANOI): TransitFareState {
    const first = decideBusTap(feed, card(), at('01'));
    if (!first.ok) throw new Error('first tap refused');
    return first.nextFareState;
  }

  test('without transfer rules every boarding pays', () => {
    expect(decideBusTap(HANOI, card({ state: afterFirstTap() }), at('02', minutesAfter(AT, 20)))).toMatchObject({ outcome: 'fare', amountVnd: 10000 });
  });

  /** Every band in one leg group, so transfer_count counts every transfer (it counts runs within one group). */
  const oneFreeTransfer = hanoiFeed({
    'fare_leg_rules.txt':
      'leg_group_id,network_id,fare_product_id\nhanoi_bus,band_under_15km,single_8k\nhanoi_bus,band_15_25km,single_10k\nhanoi_bus,band_25_30km,single_12k\nhanoi_bus,band_30_40km,single_15k\nhanoi_bus,band_40km_plus,single_20k\n',
    'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,duration_limit,duration_limit_type,fare_transfer_type,fare_product_id\nhanoi_bus,hanoi_bus,1,3600,1,0,\n',
  });

  test('one free transfer within 60 minutes of the journey start, then a new fare', () => {
    const state = afterFirstTap(oneFreeTransfer);
    const second = decideBusTap(oneFreeTransfer, card({ state }), at('02', minutesAfter(AT, 40)));
    expect(second).toMatchObject({ ok: true, outcome: 'transfer', amountVnd: 0, fareProductId: 'single_10k', nextFareState: { journeyStartedAt: AT, transfersUsed: 1, lastRouteId: 2, capDaySpentVnd: 12000 } });
    if (!second.ok) return;
    const third = decideBusTap(oneFreeTransfer, card({ state: second.nextFareState }), at('03A', minutesAfter(AT, 50)));
    expect(third).toMatchObject({ ok: true, outcome: 'fare', amountVnd: 8000, nextFareState: { journeyStartedAt: minutesAfter(AT, 50), transfersUsed: 0 } });
  });

  test('a transfer between two leg groups is timed from the boarding before it', () => {
    const anyToAny = hanoiFeed({ 'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,duration_limit,duration_limit_type,fare_transfer_type,fare_product_id\n,,-1,3600,1,0,\n' });
    const second = decideBusTap(anyToAny, card({ state: afterFirstTap(anyToAny) }), at('02', minutesAfter(AT, 50)));
    expect(second).toMatchObject({ ok: true, outcome: 'transfer', nextFareState: { journeyStartedAt: AT, transfersUsed: 0, lastTapAt: minutesAfter(AT, 50) } });
    if (!second.ok) return;
    expect(decideBusTap(anyToAny, card({ state: second.nextFareState }), at('03A', minutesAfter(AT, 100)))).toMatchObject({ ok: true, outcome: 'transfer', amountVnd: 0 });
  });

  test('after the limit the boarding is a new fare', () => {
    expect(decideBusTap(oneFreeTransfer, card({ state: afterFirstTap(oneFreeTransfer) }), at('02', minutesAfter(AT, 61)))).toMatchObject({ outcome: 'fare', amountVnd: 10000 });
  });

  test('a tap earlier than the last one (clock set back) is a new fare', () => {
    expect(decideBusTap(oneFreeTransfer, card({ state: afterFirstTap(oneFreeTransfer) }), at('02', minutesAfter(AT, -5)))).toMatchObject({ outcome: 'fare' });
  });

  test('a priced transfer (A + AB) charges the transfer product', () => {
    const priced = hanoiFeed({
      'fare_products.txt': `${hanoiFiles().get('fare_products.txt') ?? ''}transfer_2k,Transfer,,onecard,2000,VND\n`,
      'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,duration_limit,duration_limit_type,fare_transfer_type,fare_product_id\n,,-1,3600,1,0,transfer_2k\n',
    });
    expect(decideBusTap(priced, card({ state: afterFirstTap(priced) }), at('02', minutesAfter(AT, 30)))).toMatchObject({ outcome: 'transfer', amountVnd: 2000, fareProductId: 'transfer_2k' });
  });

  test('AB (type 2) charges the combined price less the first fare', () => {
    const combined = hanoiFeed({
      'fare_products.txt': `${hanoiFiles().get('fare_products.txt') ?? ''}combo_15k,Combined,,onecard,15000,VND\n`,
      'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,duration_limit,duration_limit_type,fare_transfer_type,fare_product_id\nsingle_12k,single_10k,3600,1,2,combo_15k\n',
    });
    expect(decideBusTap(combined, card({ state: afterFirstTap(combined) }), at('02', minutesAfter(AT, 30)))).toMatchObject({ outcome: 'transfer', amountVnd: 3000, fareProductId: 'combo_15k' });
  });

  test('a negative transfer product (a discount) never makes a tap credit the card', () => {
    const discount = hanoiFeed({
      'fare_products.txt': `${hanoiFiles().get('fare_products.txt') ?? ''}discount_5k,Transfer discount,,onecard,-5000,VND\n`,
      'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,duration_limit,duration_limit_type,fare_transfer_type,fare_product_id\n,,-1,3600,1,0,discount_5k\n,,-1,3600,1,1,discount_5k\n',
    });
    const state = afterFirstTap(discount);
    expect(decideBusTap(discount, card({ state }), at('02', minutesAfter(AT, 30)))).toMatchObject({ ok: true, outcome: 'transfer', amountVnd: 0 });
  });

  test('limits measured to an arrival (types 0 and 3) cannot be checked at a tap-on: full fare', () => {
    const toArrival = hanoiFeed({ 'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,duration_limit,duration_limit_type,fare_transfer_type,fare_product_id\n,,1,3600,0,0,\n' });
    expect(decideBusTap(toArrival, card({ state: afterFirstTap(toArrival) }), at('02', minutesAfter(AT, 10)))).toMatchObject({ outcome: 'fare' });
  });
});

describe('engine properties', () => {
  test('pure: the same input gives the same decision and the input is not changed', () => {
    const view = card({ state: { ...initialFareState('2026-12-01'), capDay: TODAY, capDaySpentVnd: 5000, capMonth: '2026-12', capMonthSpentVnd: 5000 } });
    const frozen = structuredClone(view);
    const first = decideBusTap(HANOI, view, at('01'));
    expect(decideBusTap(HANOI, view, at('01'))).toEqual(first);
    expect(view).toEqual(frozen);
  });

  test('the Vietnamese civil date agrees with card-os civilDateAt', () => {
    for (let hour = 0; hour < 24 * 40; hour += 7) {
      const instant = new Date(Date.UTC(2026, 11, 20, hour, 59, 59));
      expect(vietnamCivilDate(instant)).toBe(civilDateAt(instant));
    }
  });

  test('createFareEngine needs a VND feed with a holder-category map', () => {
    expect(createFareEngine(mustLoad(minimalFiles({ 'fare_products.txt': 'fare_product_id,amount,currency\nsingle,3.20,CAD\n' })))).toMatchObject({ ok: false, code: 'currency_not_vnd' });
    expect(createFareEngine(mustLoad(minimalFiles()))).toMatchObject({ ok: false, code: 'holder_categories_missing' });
    const created = createFareEngine(HANOI);
    if (!created.ok) throw new Error(created.message);
    expect(created.engine.decideBusTap(card(), at('01'))).toEqual(decideBusTap(HANOI, card(), at('01')));
  });
});
