import { describe, expect, it } from 'vitest';
import { checkFareFeedFiles, FEED_FILE_COLUMNS_REQUIRED, FEED_FILES_REQUIRED } from './feed-check.js';
import { FARE_FEED_FILE_BYTES_MAX, FARE_FEED_FILE_COUNT_MAX, FARE_FEED_ROWS_MAX, FEED_FILE_NAME_PATTERN } from './limits.js';
import { smallFeed } from './testing/small-feed.js';

const codeOf = (files: Record<string, string>) => {
  const result = checkFareFeedFiles(files);
  return result.ok ? 'ok' : result.error;
};

describe('checkFareFeedFiles', () => {
  it('accepts a small feed and answers its files sorted by name', () => {
    const result = checkFareFeedFiles(smallFeed());
    expect(result.ok && result.files.map((file) => file.name)).toEqual(['agency.txt', 'fare_leg_rules.txt', 'fare_products.txt', 'routes.txt']);
  });

  it('accepts a BOM, CRLF line ends, quoted fields and blank lines', () => {
    const feed = { ...smallFeed(), 'routes.txt': '\uFEFFroute_id,route_long_name\r\n"32","Long, with comma"\r\n\r\n09,"say ""hi"""\r\n' };
    expect(codeOf(feed)).toBe('ok');
  });

  it('the required files and columns are the known files, the required ones among them', () => {
    for (const name of FEED_FILES_REQUIRED) expect(FEED_FILE_COLUMNS_REQUIRED[name]?.length).toBeGreaterThan(0);
    for (const name of Object.keys(FEED_FILE_COLUMNS_REQUIRED)) expect(name).toMatch(FEED_FILE_NAME_PATTERN);
    expect(Object.keys(FEED_FILE_COLUMNS_REQUIRED).length).toBeLessThanOrEqual(FARE_FEED_FILE_COUNT_MAX);
  });

  it('refuses each broken feed with its stable code, naming file and line, not content', () => {
    const feed = smallFeed();
    const without = (name: string): Record<string, string> => Object.fromEntries(Object.entries(feed).filter(([key]) => key !== name));
    expect(codeOf({})).toEqual({ code: 'feed_empty' });
    expect(codeOf(without('fare_products.txt'))).toEqual({ code: 'feed_file_missing', file: 'fare_products.txt' });
    expect(codeOf({ ...feed, '../etc/passwd': 'x' })).toEqual({ code: 'feed_file_name_invalid' });
    expect(codeOf({ ...feed, 'ROUTES.TXT': 'x' })).toEqual({ code: 'feed_file_name_invalid' });
    expect(codeOf({ ...feed, 'trips.txt': 'trip_id\n1\n' })).toEqual({ code: 'feed_file_unknown', file: 'trips.txt' });
    expect(codeOf({ ...feed, 'routes.txt': 'route_id,route_id\n1,1\n' })).toEqual({ code: 'feed_column_repeated', file: 'routes.txt', line: 1 });
    expect(codeOf({ ...feed, 'fare_products.txt': 'fare_product_id,amount\nflat,7000\n' })).toEqual({ code: 'feed_column_missing', file: 'fare_products.txt', line: 1, column: 'currency' });
    expect(codeOf({ ...feed, 'routes.txt': '' })).toEqual({ code: 'feed_header_missing', file: 'routes.txt', line: 1 });
    expect(codeOf({ ...feed, 'routes.txt': 'route_id,route_type\n32,3,extra\n' })).toMatchObject({ code: 'feed_csv_malformed', file: 'routes.txt', line: 2 });
    expect(codeOf({ ...feed, 'routes.txt': 'route_id\n"32\n' })).toMatchObject({ code: 'feed_csv_malformed', file: 'routes.txt' });
    expect(codeOf({ ...feed, 'routes.txt': 'route_id\n3\u00002\n' })).toEqual({ code: 'feed_text_invalid', file: 'routes.txt' });
    expect(codeOf({ ...feed, 'routes.txt': 'route_id\n3\uD8002\n' })).toEqual({ code: 'feed_text_invalid', file: 'routes.txt' });
    // A pair of surrogates is one character, not a lone surrogate.
    expect(codeOf({ ...feed, 'routes.txt': 'route_id,route_long_name\n32,\uD83D\uDE8C\n' })).toBe('ok');
  });

  it('refuses too many files, too large a file and too many rows', () => {
    const many = Object.fromEntries(Array.from({ length: FARE_FEED_FILE_COUNT_MAX + 1 }, (_, i) => [`f${i}.txt`, 'a\n1\n']));
    expect(codeOf(many)).toEqual({ code: 'feed_file_count_exceeded' });
    expect(codeOf({ ...smallFeed(), 'stops.txt': `stop_id\n${'s'.repeat(FARE_FEED_FILE_BYTES_MAX)}\n` })).toEqual({ code: 'feed_file_too_large', file: 'stops.txt' });
    expect(codeOf({ ...smallFeed(), 'stops.txt': `stop_id\n${'s\n'.repeat(FARE_FEED_ROWS_MAX + 1)}` })).toEqual({ code: 'feed_rows_exceeded', file: 'stops.txt' });
  });
});
