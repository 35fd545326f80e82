import { describe, expect, it } from 'vitest';
import { priceFor, readFareTable, FARE_TABLE_FILE_ROWS_MAX } from './fare-table.js';
import { hanoiFareTable, hanoiFeedFiles, hanoiFeedWith } from './hanoi-feed.fixtures.js';

describe('readFareTable (Hanoi sample feed)', () => {
  const table = hanoiFareTable(7);

  it('reads the standard rider category, the feed version and the card route codes', () => {
    expect(table.defaultRiderCategoryId).toBe('adult');
    expect(table.feedVersion).toBe(7);
    expect(table.routeIdByCardCode.get(301)).toBe('03A');
    expect(table.routeIdByCardCode.get(32)).toBe('32');
    expect(table.routeIdByCardCode.get(3)).toBeUndefined();
  });

  it("gives each route the single-ride product of its distance band's network", () => {
    expect(table.legProductByRoute.get('03A')).toBe('single_8k');
    expect(table.legProductByRoute.get('32')).toBe('single_10k');
    expect(table.legProductByRoute.get('01')).toBe('single_12k');
    expect(table.legProductByRoute.get('103')).toBe('single_20k');
    expect(table.legProductIds.has('single_8k')).toBe(true);
    expect(table.legProductIds.has('monthly_all_regular')).toBe(false);
  });

  it('prices a product for a rider category on the card, falling back to the any-category row', () => {
    expect(priceFor(table, 'single_10k', 'adult')).toBe(10_000);
    expect(priceFor(table, 'single_10k', 'elderly_60_plus')).toBe(0);
    expect(priceFor(table, 'monthly_all_regular', 'student')).toBe(200_000);
    expect(priceFor(table, 'monthly_all_concession', 'adult')).toBeUndefined();
    expect(priceFor(table, 'no_such_product', 'adult')).toBeUndefined();
  });

  it('takes a network given in routes.txt over a distance band', () => {
    const routes = 'route_id,agency_id,route_short_name,route_type,network_id\n32,TTQLDHGT,32,3,band_40km_plus\n';
    const read = readFareTable({ feedVersion: 1, files: hanoiFeedWith('routes.txt', routes).filter((f) => f.name !== 'onecard_routes.txt') });
    expect(read.ok && read.table.legProductByRoute.get('32')).toBe('single_20k');
  });
});

describe('readFareTable refuses a feed it cannot read, naming the file', () => {
  const without = (name: string) => hanoiFeedFiles().filter((file) => file.name !== name);

  it('missing required files', () => {
    expect(readFareTable({ feedVersion: 1, files: without('fare_products.txt') })).toEqual({ ok: false, code: 'file_missing', file: 'fare_products.txt' });
    expect(readFareTable({ feedVersion: 1, files: without('rider_categories.txt') })).toEqual({ ok: false, code: 'file_missing', file: 'rider_categories.txt' });
  });

  it('malformed, hostile and truncated CSV', () => {
    expect(readFareTable({ feedVersion: 1, files: hanoiFeedWith('fare_products.txt', 'fare_product_id,amount,currency\n"single_8k,8000,VND\n') })).toMatchObject({ ok: false, code: 'file_malformed' });
    expect(readFareTable({ feedVersion: 1, files: hanoiFeedWith('fare_products.txt', 'fare_product_id,amount,currency\nsingle_8k,8000\n') })).toMatchObject({ ok: false, code: 'file_malformed' });
    expect(readFareTable({ feedVersion: 1, files: hanoiFeedWith('fare_products.txt', 'fare_product_id,amount\nsingle_8k,8000\n') })).toMatchObject({ ok: false, code: 'file_malformed' });
    const huge = `fare_product_id,amount,currency\n${'p,1,VND\n'.repeat(FARE_TABLE_FILE_ROWS_MAX + 1)}`;
    expect(readFareTable({ feedVersion: 1, files: hanoiFeedWith('fare_products.txt', huge) })).toMatchObject({ ok: false, code: 'file_malformed' });
  });

  it('amounts that are not whole đồng, another currency, no default rider category', () => {
    expect(readFareTable({ feedVersion: 1, files: hanoiFeedWith('fare_products.txt', 'fare_product_id,amount,currency\nsingle_8k,8000.5,VND\n') })).toMatchObject({ ok: false, code: 'amount_invalid' });
    expect(readFareTable({ feedVersion: 1, files: hanoiFeedWith('fare_products.txt', 'fare_product_id,amount,currency\nsingle_8k,1e30,VND\n') })).toMatchObject({ ok: false, code: 'amount_invalid' });
    expect(readFareTable({ feedVersion: 1, files: hanoiFeedWith('fare_products.txt', 'fare_product_id,amount,currency\nsingle_8k,8,USD\n') })).toMatchObject({ ok: false, code: 'currency_not_vnd' });
    expect(readFareTable({ feedVersion: 1, files: hanoiFeedWith('rider_categories.txt', 'rider_category_id,is_default_fare_category\nadult,0\n') })).toEqual({ ok: false, code: 'default_rider_category_missing', file: 'rider_categories.txt' });
  });
});
