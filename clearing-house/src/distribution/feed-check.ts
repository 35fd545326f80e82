/**
 * The clearing house's check of a fare feed before it signs it: the file
 * names the validator reads (validator/src/fares/feed-files.ts), the files it
 * needs, and every file a well-formed CSV table (csv-parse, as the validator
 * reads it: header row, optional BOM, no repeated column, the columns the
 * validator's loader requires). Row contents (amounts, ids, references) are
 * the validator's loader's business (loadFeedFromFiles); a feed that passes
 * here can still be refused there, which the validator reports and keeps its
 * current feed. A failure names the file and line, never the content.
 */
import { parse } from 'csv-parse/sync';
import { FARE_FEED_FILE_BYTES_MAX, FARE_FEED_FILE_COUNT_MAX, FARE_FEED_RECORD_CHARS_MAX, FARE_FEED_ROWS_MAX, FEED_FILE_NAME_PATTERN } from './limits.js';
import type { FeedFileInput } from './payloads.js';

/**
 * Every file the validator's loader reads, with the columns it requires when
 * the file is present (mirrors validator/src/fares/build-*.ts `rowsOf`).
 */
export const FEED_FILE_COLUMNS_REQUIRED: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'agency.txt': ['agency_timezone'],
  'routes.txt': ['route_id'],
  'stops.txt': ['stop_id'],
  'calendar.txt': ['service_id', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'start_date', 'end_date'],
  'calendar_dates.txt': ['service_id', 'date', 'exception_type'],
  'fare_media.txt': ['fare_media_id', 'fare_media_type'],
  'fare_products.txt': ['fare_product_id', 'amount', 'currency'],
  'rider_categories.txt': ['rider_category_id', 'rider_category_name'],
  'fare_leg_rules.txt': ['fare_product_id'],
  'fare_leg_join_rules.txt': ['from_network_id', 'to_network_id'],
  'fare_transfer_rules.txt': ['fare_transfer_type'],
  'timeframes.txt': ['timeframe_group_id', 'service_id'],
  'areas.txt': ['area_id'],
  'stop_areas.txt': ['area_id', 'stop_id'],
  'networks.txt': ['network_id'],
  'route_networks.txt': ['network_id', 'route_id'],
  'onecard_routes.txt': ['route_id', 'card_route_code'],
  'onecard_distance_bands.txt': ['distance_band_id', 'network_id', 'min_route_length_km'],
  'onecard_holder_categories.txt': ['holder_category', 'rider_category_id'],
  'onecard_contract_products.txt': ['contract_kind', 'tariff', 'fare_product_id'],
  'onecard_fare_caps.txt': ['fare_cap_id', 'cap_period', 'amount', 'currency'],
});

/** The files without which the validator's loader refuses a feed (presence 'required'). */
export const FEED_FILES_REQUIRED = ['fare_leg_rules.txt', 'fare_products.txt', 'routes.txt'] as const;

export const FEED_CHECK_FAILURES = [
  'feed_empty',
  'feed_file_count_exceeded',
  'feed_file_name_invalid',
  'feed_file_unknown',
  'feed_file_missing',
  'feed_file_too_large',
  'feed_text_invalid',
  'feed_csv_malformed',
  'feed_header_missing',
  'feed_column_repeated',
  'feed_column_missing',
  'feed_rows_exceeded',
] as const;
export type FeedCheckFailure = (typeof FEED_CHECK_FAILURES)[number];

export interface FeedCheckError {
  readonly code: FeedCheckFailure;
  readonly file?: string;
  readonly line?: number;
  readonly column?: string;
}

export type FeedCheckResult = { readonly ok: true; readonly files: readonly FeedFileInput[] } | { readonly ok: false; readonly error: FeedCheckError };

interface ParsedTable {
  readonly header: readonly string[];
  readonly recordCount: number;
}

/** With the u flag a lone surrogate is a code point of category Cs; a pair is one astral code point. */
const LONE_SURROGATE_OR_NUL_RE = /[\p{Cs}\u0000]/u;

const failed = (error: FeedCheckError): FeedCheckResult => ({ ok: false, error });

function lineOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'lines' in error && typeof error.lines === 'number' ? error.lines : undefined;
}

/** Header plus records, or the csv-parse failure's line. */
function parseTable(text: string): { readonly ok: true; readonly table: ParsedTable } | { readonly ok: false; readonly line: number | undefined } {
  let header: string[] = [];
  try {
    const records = parse<Record<string, string>>(text, {
      bom: true,
      columns: (names: string[]) => {
        header = names.map((name) => name.trim());
        return header;
      },
      skip_empty_lines: true,
      trim: true,
      max_record_size: FARE_FEED_RECORD_CHARS_MAX,
      to: FARE_FEED_ROWS_MAX + 1,
    });
    return { ok: true, table: { header, recordCount: records.length } };
  } catch (error: unknown) {
    return { ok: false, line: lineOf(error) };
  }
}

function checkFile(name: string, text: string): FeedCheckError | undefined {
  const columnsRequired = FEED_FILE_COLUMNS_REQUIRED[name];
  if (columnsRequired === undefined) return { code: 'feed_file_unknown', file: name };
  if (Buffer.byteLength(text, 'utf8') > FARE_FEED_FILE_BYTES_MAX) return { code: 'feed_file_too_large', file: name };
  // A lone surrogate cannot be encoded as UTF-8: the signed payload would not be the text sent.
  if (LONE_SURROGATE_OR_NUL_RE.test(text)) return { code: 'feed_text_invalid', file: name };
  const parsed = parseTable(text);
  if (!parsed.ok) return { code: 'feed_csv_malformed', file: name, ...(parsed.line === undefined ? {} : { line: parsed.line }) };
  const { header, recordCount } = parsed.table;
  if (header.length === 0 || header.every((column) => column === '')) return { code: 'feed_header_missing', file: name, line: 1 };
  if (new Set(header).size !== header.length) return { code: 'feed_column_repeated', file: name, line: 1 };
  const missing = columnsRequired.find((column) => !header.includes(column));
  if (missing !== undefined) return { code: 'feed_column_missing', file: name, line: 1, column: missing };
  if (recordCount > FARE_FEED_ROWS_MAX) return { code: 'feed_rows_exceeded', file: name };
  return undefined;
}

/**
 * Checks the files of a feed (name → CSV text) in a fixed order: count,
 * names, required files, then each file by name. Answers the files sorted by
 * name, ready for the store.
 */
export function checkFareFeedFiles(files: Readonly<Record<string, string>>): FeedCheckResult {
  const names = Object.keys(files).sort();
  if (names.length === 0) return failed({ code: 'feed_empty' });
  if (names.length > FARE_FEED_FILE_COUNT_MAX) return failed({ code: 'feed_file_count_exceeded' });
  const badName = names.find((name) => !FEED_FILE_NAME_PATTERN.test(name));
  // The name is not echoed: it is whatever the caller sent.
  if (badName !== undefined) return failed({ code: 'feed_file_name_invalid' });
  const missing = FEED_FILES_REQUIRED.find((name) => !Object.hasOwn(files, name));
  if (missing !== undefined) return failed({ code: 'feed_file_missing', file: missing });
  const checked: FeedFileInput[] = [];
  for (const name of names) {
    const text = files[name];
    if (text === undefined) return failed({ code: 'feed_file_missing', file: name });
    const error = checkFile(name, text);
    if (error !== undefined) return failed(error);
    checked.push({ name, text });
  }
  return { ok: true, files: checked };
}
