import { describe, expect, it } from 'vitest';
import type { Boarding } from './boarding.js';
import { concessionCarriedVnd, fullFareVnd, isConcessionBoarding, legProductOf } from './concessions.js';
import { readFareTable } from './fare-table.js';
import { hanoiFareTable, hanoiFeedFiles } from './hanoi-feed.fixtures.js';

const table = hanoiFareTable();
const boarding = (input: Partial<Boarding> & Pick<Boarding, 'kind'>): Boarding => ({ cardKey: 'c', tmc: 1, at: '2026-12-04T01:00:00.000Z', operatorId: 'a', routeId: '32', riderCategory: 'adult', fareProductId: 'single_10k', chargedVnd: 0, onDay: true, ...input });

/** Hanoi with a student single fare of 6,000 on single_10k (the sample charges students the adult fare). */
function studentDiscountTable() {
  const files = hanoiFeedFiles().map((file) => (file.name === 'fare_products.txt' ? { ...file, text: file.text.replace('single_10k,Vé lượt 10.000đ / single ride 10000 VND,student,onecard,10000,VND', 'single_10k,Vé lượt 10.000đ / single ride 10000 VND,student,onecard,6000,VND') } : file));
  const read = readFareTable({ feedVersion: 2, files });
  if (!read.ok) throw new Error(read.code);
  return read.table;
}

describe('full fare of a leg', () => {
  it("uses the boarding's own leg product, else the route's (recovered taps, transfer products)", () => {
    expect(fullFareVnd(table, { routeId: '32', fareProductId: 'single_10k' })).toBe(10_000);
    expect(fullFareVnd(table, { routeId: '32', fareProductId: 'single_20k' })).toBe(20_000);
    expect(legProductOf(table, { routeId: '03A', fareProductId: undefined })).toBe('single_8k');
    expect(legProductOf(table, { routeId: '03A', fareProductId: 'free_transfer' })).toBe('single_8k');
    expect(fullFareVnd(table, { routeId: 'no-such-route', fareProductId: undefined })).toBeUndefined();
  });
});

describe('concessions', () => {
  it('counts free rides and non-standard riders that pay, never pass rides or standard riders', () => {
    expect(isConcessionBoarding({ kind: 'free-ride', riderCategory: undefined }, 'adult')).toBe(true);
    expect(isConcessionBoarding({ kind: 'fare', riderCategory: 'student' }, 'adult')).toBe(true);
    expect(isConcessionBoarding({ kind: 'capped', riderCategory: 'pupil' }, 'adult')).toBe(true);
    expect(isConcessionBoarding({ kind: 'fare', riderCategory: 'adult' }, 'adult')).toBe(false);
    expect(isConcessionBoarding({ kind: 'transfer', riderCategory: undefined }, 'adult')).toBe(false);
    expect(isConcessionBoarding({ kind: 'pass-use', riderCategory: 'student' }, 'adult')).toBe(false);
  });

  it('owes the full adult fare of a free ride, and nothing for a student who pays the adult fare (Hanoi)', () => {
    expect(concessionCarriedVnd(table, boarding({ kind: 'free-ride', riderCategory: 'elderly_60_plus' }))).toBe(10_000);
    expect(concessionCarriedVnd(table, boarding({ kind: 'free-ride', riderCategory: undefined, fareProductId: undefined, routeId: '03A' }))).toBe(8_000);
    expect(concessionCarriedVnd(table, boarding({ kind: 'fare', riderCategory: 'student', chargedVnd: 10_000 }))).toBe(0);
  });

  it("owes the category's discount on the leg product, not a transfer discount or a cap", () => {
    const discounted = studentDiscountTable();
    expect(concessionCarriedVnd(discounted, boarding({ kind: 'fare', riderCategory: 'student', chargedVnd: 6_000 }))).toBe(4_000);
    expect(concessionCarriedVnd(discounted, boarding({ kind: 'transfer', riderCategory: 'student', fareProductId: 'some_transfer', chargedVnd: 0 }))).toBe(4_000);
    expect(concessionCarriedVnd(discounted, boarding({ kind: 'capped', riderCategory: 'student', chargedVnd: 0 }))).toBe(4_000);
  });

  it('is unknown when the feed cannot price the leg or the rider', () => {
    expect(concessionCarriedVnd(table, boarding({ kind: 'free-ride', routeId: 'no-such-route', fareProductId: undefined }))).toBeUndefined();
    expect(concessionCarriedVnd(table, boarding({ kind: 'capped', riderCategory: 'unlisted_category', chargedVnd: 0 }))).toBeUndefined();
    expect(concessionCarriedVnd(table, boarding({ kind: 'fare', riderCategory: 'unlisted_category', chargedVnd: 7_000 }))).toBe(3_000);
  });
});
