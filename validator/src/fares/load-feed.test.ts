import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FEED_FILE_BYTES_MAX, FIELD_CHARS_MAX } from './csv-table.js';
import { describeFeedError, type FeedErrorCode } from './feed-error.js';
import { loadFeedFromDirectory, loadFeedFromFiles } from './load-feed.js';
import { HANOI_FEED_DIR, hanoiFiles, minimalFiles } from './test-feeds.fixtures.js';

function errorOf(overlay: Readonly<Record<string, string | undefined>>, base: Map<string, string> = minimalFiles()) {
  for (const [name, text] of Object.entries(overlay)) {
    if (text === undefined) base.delete(name);
    else base.set(name, text);
  }
  const result = loadFeedFromFiles(base);
  if (result.ok) throw new Error('expected the feed to be refused');
  return result.error;
}

interface BadFeedCase {
  readonly what: string;
  readonly overlay: Readonly<Record<string, string | undefined>>;
  readonly expected: { code: FeedErrorCode; file: string; line?: number | undefined; field?: string | undefined };
}

const BAD_FEEDS: readonly BadFeedCase[] = [
  { what: 'no fare_products.txt', overlay: { 'fare_products.txt': undefined }, expected: { code: 'file_missing', file: 'fare_products.txt' } },
  { what: 'a comma as decimal separator (the TransLink guide writes 1,45)', overlay: { 'fare_products.txt': 'fare_product_id,amount,currency\nsingle,"1,45",CAD\n' }, expected: { code: 'field_invalid', file: 'fare_products.txt', line: 2, field: 'amount' } },
  { what: 'a fraction of a đồng', overlay: { 'fare_products.txt': 'fare_product_id,amount,currency\nsingle,8000.5,VND\n' }, expected: { code: 'field_invalid', file: 'fare_products.txt', line: 2, field: 'amount' } },
  { what: 'an unknown currency', overlay: { 'fare_products.txt': 'fare_product_id,amount,currency\nsingle,8000,vnd\n' }, expected: { code: 'field_invalid', file: 'fare_products.txt', line: 2, field: 'currency' } },
  { what: 'two currencies', overlay: { 'fare_products.txt': 'fare_product_id,amount,currency\nsingle,8000,VND\nother,1.00,USD\n' }, expected: { code: 'rule_violated', file: 'fare_products.txt', line: 3, field: 'currency' } },
  { what: 'a product listed twice for the same category and media', overlay: { 'fare_products.txt': 'fare_product_id,amount,currency\nsingle,8000,VND\nsingle,9000,VND\n' }, expected: { code: 'duplicate_key', file: 'fare_products.txt', line: 3 } },
  { what: 'an empty required field', overlay: { 'fare_products.txt': 'fare_product_id,amount,currency\nsingle,,VND\n' }, expected: { code: 'field_invalid', file: 'fare_products.txt', line: 2, field: 'amount' } },
  { what: 'a leg rule naming an unknown product', overlay: { 'fare_leg_rules.txt': 'leg_group_id,fare_product_id\ng,single\ng,nope\n' }, expected: { code: 'reference_unknown', file: 'fare_leg_rules.txt', line: 3, field: 'fare_product_id' } },
  { what: 'a leg rule naming an unknown network', overlay: { 'fare_leg_rules.txt': 'network_id,fare_product_id\nmetro,single\n' }, expected: { code: 'reference_unknown', file: 'fare_leg_rules.txt', line: 2, field: 'network_id' } },
  { what: 'a negative rule_priority', overlay: { 'fare_leg_rules.txt': 'fare_product_id,rule_priority\nsingle,-1\n' }, expected: { code: 'field_invalid', file: 'fare_leg_rules.txt', line: 2, field: 'rule_priority' } },
  { what: 'transfer_count missing between equal leg groups', overlay: { 'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,fare_transfer_type\ng,g,0\n' }, expected: { code: 'rule_violated', file: 'fare_transfer_rules.txt', line: 2, field: 'transfer_count' } },
  { what: 'transfer_count 0', overlay: { 'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,fare_transfer_type\ng,g,0,0\n' }, expected: { code: 'field_invalid', file: 'fare_transfer_rules.txt', line: 2, field: 'transfer_count' } },
  { what: 'duration_limit without duration_limit_type', overlay: { 'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,duration_limit,fare_transfer_type\ng,g,1,600,0\n' }, expected: { code: 'rule_violated', file: 'fare_transfer_rules.txt', line: 2, field: 'duration_limit_type' } },
  { what: 'fare_transfer_type 3', overlay: { 'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,fare_transfer_type\ng,g,1,3\n' }, expected: { code: 'field_invalid', file: 'fare_transfer_rules.txt', line: 2, field: 'fare_transfer_type' } },
  { what: 'duration_limit_type 4', overlay: { 'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,transfer_count,duration_limit,duration_limit_type,fare_transfer_type\ng,g,1,600,4,0\n' }, expected: { code: 'field_invalid', file: 'fare_transfer_rules.txt', line: 2, field: 'duration_limit_type' } },
  { what: 'a transfer rule naming an unknown leg group', overlay: { 'fare_transfer_rules.txt': 'from_leg_group_id,to_leg_group_id,fare_transfer_type\ng,h,0\n' }, expected: { code: 'reference_unknown', file: 'fare_transfer_rules.txt', line: 2, field: 'to_leg_group_id' } },
  { what: 'a timeframe with start_time only', overlay: { 'calendar_dates.txt': 'service_id,date,exception_type\ns,20261204,1\n', 'timeframes.txt': 'timeframe_group_id,start_time,end_time,service_id\nt,06:00:00,,s\n' }, expected: { code: 'rule_violated', file: 'timeframes.txt', line: 2, field: 'end_time' } },
  { what: 'a timeframe after 24:00:00', overlay: { 'calendar_dates.txt': 'service_id,date,exception_type\ns,20261204,1\n', 'timeframes.txt': 'timeframe_group_id,start_time,end_time,service_id\nt,06:00:00,25:00:00,s\n' }, expected: { code: 'field_invalid', file: 'timeframes.txt', line: 2, field: 'end_time' } },
  { what: 'overlapping intervals of one timeframe group and service', overlay: { 'calendar_dates.txt': 'service_id,date,exception_type\ns,20261204,1\n', 'timeframes.txt': 'timeframe_group_id,start_time,end_time,service_id\nt,06:00:00,10:00:00,s\nt,09:00:00,12:00:00,s\n' }, expected: { code: 'rule_violated', file: 'timeframes.txt', line: 3, field: 'start_time' } },
  { what: 'a timeframe on an unknown service', overlay: { 'timeframes.txt': 'timeframe_group_id,service_id\nt,nope\n' }, expected: { code: 'reference_unknown', file: 'timeframes.txt', line: 2, field: 'service_id' } },
  { what: 'a calendar date that does not exist', overlay: { 'calendar_dates.txt': 'service_id,date,exception_type\ns,20260230,1\n' }, expected: { code: 'field_invalid', file: 'calendar_dates.txt', line: 2, field: 'date' } },
  { what: 'an unclosed quote', overlay: { 'routes.txt': 'route_id,route_short_name\nr1,"R1\n' }, expected: { code: 'csv_malformed', file: 'routes.txt' } },
  { what: 'a row with too many fields', overlay: { 'routes.txt': 'route_id,route_short_name\nr1,R1\nr2,R2,extra\n' }, expected: { code: 'csv_malformed', file: 'routes.txt', line: 3 } },
  { what: 'a missing required column', overlay: { 'fare_products.txt': 'fare_product_id,amount\nsingle,8000\n' }, expected: { code: 'column_missing', file: 'fare_products.txt', line: 1, field: 'currency' } },
  { what: 'a route listed twice', overlay: { 'routes.txt': 'route_id\nr1\nr1\n' }, expected: { code: 'duplicate_key', file: 'routes.txt', line: 3, field: 'route_id' } },
  { what: 'route_networks.txt next to routes.network_id', overlay: { 'routes.txt': 'route_id,network_id\nr1,bus\n', 'networks.txt': 'network_id\nbus\n', 'route_networks.txt': 'network_id,route_id\nbus,r1\n' }, expected: { code: 'rule_violated', file: 'route_networks.txt' } },
  { what: 'a join rule between two networks', overlay: { 'routes.txt': 'route_id,network_id\nr1,bus\nr2,metro\n', 'fare_leg_join_rules.txt': 'from_network_id,to_network_id\nbus,metro\n' }, expected: { code: 'rule_violated', file: 'fare_leg_join_rules.txt', line: 2, field: 'to_network_id' } },
  { what: 'a card route code above u16', overlay: { 'onecard_routes.txt': 'route_id,card_route_code\nr1,70000\n' }, expected: { code: 'field_invalid', file: 'onecard_routes.txt', line: 2, field: 'card_route_code' } },
  { what: 'card route code 0 (the card reads 0 as "no route")', overlay: { 'onecard_routes.txt': 'route_id,card_route_code\nr1,0\n' }, expected: { code: 'field_invalid', file: 'onecard_routes.txt', line: 2, field: 'card_route_code' } },
  { what: 'one card route code for two routes', overlay: { 'onecard_routes.txt': 'route_id,card_route_code\nr1,7\nr2,7\n' }, expected: { code: 'duplicate_key', file: 'onecard_routes.txt', line: 3, field: 'card_route_code' } },
  { what: 'a card route code for an unknown route', overlay: { 'onecard_routes.txt': 'route_id,card_route_code\nr9,7\n' }, expected: { code: 'reference_unknown', file: 'onecard_routes.txt', line: 2, field: 'route_id' } },
  { what: 'an unknown holder category', overlay: { 'rider_categories.txt': 'rider_category_id,rider_category_name\nadult,Adult\n', 'onecard_holder_categories.txt': 'holder_category,rider_category_id\nalien,adult\n' }, expected: { code: 'field_invalid', file: 'onecard_holder_categories.txt', line: 2, field: 'holder_category' } },
  { what: 'a holder category mapped to an unknown rider category', overlay: { 'onecard_holder_categories.txt': 'holder_category,rider_category_id\nadult,adult\n' }, expected: { code: 'reference_unknown', file: 'onecard_holder_categories.txt', line: 2, field: 'rider_category_id' } },
  { what: 'a zero cap', overlay: { 'onecard_fare_caps.txt': 'fare_cap_id,cap_period,amount,currency\nday,day,0,VND\n' }, expected: { code: 'field_invalid', file: 'onecard_fare_caps.txt', line: 2, field: 'amount' } },
  { what: 'a weekly cap', overlay: { 'onecard_fare_caps.txt': 'fare_cap_id,cap_period,amount,currency\nweek,week,50000,VND\n' }, expected: { code: 'field_invalid', file: 'onecard_fare_caps.txt', line: 2, field: 'cap_period' } },
  { what: 'an unknown time zone', overlay: { 'agency.txt': 'agency_name,agency_timezone\nX,Mars/Olympus\n' }, expected: { code: 'field_invalid', file: 'agency.txt', line: 2, field: 'agency_timezone' } },
];

describe('invalid feeds are refused with file, line and field', () => {
  test.each(BAD_FEEDS.map((c) => [c.what, c] as const))('%s', (_what, badFeed) => {
    expect(errorOf(badFeed.overlay)).toMatchObject(badFeed.expected);
  });
});

describe('the Hanoi sample feed', () => {
  test('overlapping distance bands are refused', () => {
    const bands = hanoiFiles().get('onecard_distance_bands.txt')?.replace('15_25km,band_15_25km,15,25', '15_25km,band_15_25km,14,25');
    expect(errorOf({ 'onecard_distance_bands.txt': bands }, hanoiFiles())).toMatchObject({ code: 'rule_violated', file: 'onecard_distance_bands.txt', field: 'min_route_length_km' });
  });

  test('a route length no band covers is refused', () => {
    const bands = hanoiFiles().get('onecard_distance_bands.txt')?.replace('40km_plus,band_40km_plus,40,', '40km_plus,band_40km_plus,40,60');
    expect(errorOf({ 'onecard_distance_bands.txt': bands }, hanoiFiles())).toMatchObject({ code: 'rule_violated', file: 'onecard_routes.txt', field: 'route_length_km' });
  });

  test('loads from its folder with every route coded and banded', async () => {
    const loaded = await loadFeedFromDirectory(HANOI_FEED_DIR);
    if (!loaded.ok) throw new Error(describeFeedError(loaded.error));
    const feed = loaded.value;
    expect(feed.currency).toBe('VND');
    expect(feed.routes.size).toBeGreaterThanOrEqual(10);
    for (const route of feed.routes.values()) {
      expect(route.cardRouteCode).toBeGreaterThan(0);
      expect(route.networkId).toMatch(/^band_/);
    }
    expect(feed.routesByCardCode.size).toBe(feed.routes.size);
    expect(feed.holderCategories.size).toBe(9);
  });
});

describe('hostile files', () => {
  test('a file over the size limit is refused before it is parsed', () => {
    expect(errorOf({ 'routes.txt': `route_id\n${'x'.repeat(FEED_FILE_BYTES_MAX)}\n` })).toMatchObject({ code: 'too_large', file: 'routes.txt' });
  });

  test('an over-long field is refused', () => {
    expect(errorOf({ 'routes.txt': `route_id,route_long_name\nr1,${'y'.repeat(FIELD_CHARS_MAX + 1)}\n` })).toMatchObject({ code: 'field_invalid', file: 'routes.txt', line: 2, field: 'route_long_name' });
  });

  test('a header naming a column twice is refused', () => {
    expect(errorOf({ 'routes.txt': 'route_id,route_id\nr1,r2\n' })).toMatchObject({ code: 'csv_malformed', file: 'routes.txt', line: 1 });
  });

  test('binary garbage is refused, not misread', () => {
    const result = loadFeedFromFiles(minimalFiles({ 'fare_products.txt': '\u0000\u0001\u00ff"\n\u0002' }));
    expect(result.ok).toBe(false);
  });

  test('a truncated file (header only) leaves the feed without products', () => {
    expect(errorOf({ 'fare_products.txt': 'fare_product_id,amount,currency\n' })).toMatchObject({ code: 'rule_violated', file: 'fare_products.txt' });
  });
});

describe('loading', () => {
  test('a BOM, CRLF line ends and padded fields are accepted', () => {
    const result = loadFeedFromFiles(minimalFiles({ 'routes.txt': '\uFEFFroute_id , route_short_name\r\n r1 ,R1\r\n\r\n' }));
    expect(result.ok && [...result.value.routes.keys()]).toEqual(['r1']);
  });

  test('a folder that does not exist is unreadable', async () => {
    expect(await loadFeedFromDirectory('/nonexistent/onecard-feed')).toMatchObject({ ok: false, error: { code: 'unreadable' } });
  });

  test('a folder is read like the same files in memory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'onecard-feed-'));
    for (const [name, text] of minimalFiles()) writeFileSync(join(directory, name), text);
    writeFileSync(join(directory, 'fare_products.txt'), 'fare_product_id,amount,currency\nsingle,8000.1,VND\n');
    const result = await loadFeedFromDirectory(directory);
    expect(result).toMatchObject({ ok: false, error: { code: 'field_invalid', file: 'fare_products.txt', line: 2, field: 'amount' } });
  });

  test('the error text names file, line, field and code', () => {
    const error = errorOf({ 'fare_products.txt': 'fare_product_id,amount,currency\nsingle,"1,45",CAD\n' });
    expect(describeFeedError(error)).toMatch(/^fare_products\.txt line 2, field amount: .+ \[field_invalid\]$/);
  });
});
