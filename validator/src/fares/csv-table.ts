/**
 * Reads one GTFS file (CSV with a header, UTF-8, optional BOM) into rows that
 * keep their line number, so every later error can name file, line and field.
 */
import { parse } from 'csv-parse/sync';
import { fail } from './feed-error.js';

/** Bounds on what a feed file may hold (a city feed is far smaller). */
export const FEED_FILE_BYTES_MAX = 16 * 1024 * 1024;
export const FEED_ROWS_MAX = 200_000;
export const FIELD_CHARS_MAX = 1024;
/** A whole CSV record (all its fields) as csv-parse counts it. */
export const RECORD_CHARS_MAX = FIELD_CHARS_MAX * 64;

export interface CsvRow {
  readonly line: number;
  readonly fields: Readonly<Record<string, string>>;
}

export interface CsvTable {
  readonly file: string;
  readonly columns: ReadonlySet<string>;
  readonly rows: readonly CsvRow[];
}

interface ParsedRecord {
  readonly record: Record<string, string>;
  readonly info: { readonly lines: number; readonly columns: readonly { readonly name: string }[] | boolean };
}

export function readCsvTable(file: string, text: string, requiredColumns: readonly string[]): CsvTable {
  if (Buffer.byteLength(text, 'utf8') > FEED_FILE_BYTES_MAX) fail('too_large', { file }, `file is larger than ${FEED_FILE_BYTES_MAX} bytes`);
  let records: ParsedRecord[];
  let header: string[] = [];
  try {
    records = parse<ParsedRecord>(text, {
      bom: true,
      columns: (names: string[]) => {
        header = names.map((name) => name.trim());
        return header;
      },
      info: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: RECORD_CHARS_MAX,
      to: FEED_ROWS_MAX + 1,
    });
  } catch (error: unknown) {
    const line = typeof error === 'object' && error !== null && 'lines' in error && typeof error.lines === 'number' ? error.lines : undefined;
    const detail = error instanceof Error ? error.message.split('\n')[0] ?? '' : 'unreadable CSV';
    fail('csv_malformed', line === undefined ? { file } : { file, line }, detail);
  }
  if (records.length > FEED_ROWS_MAX) fail('too_large', { file }, `more than ${FEED_ROWS_MAX} rows`);
  const columns = new Set(header);
  if (columns.size !== header.length) fail('csv_malformed', { file, line: 1 }, 'a column name appears twice in the header');
  for (const column of requiredColumns) {
    if (!columns.has(column)) fail('column_missing', { file, line: 1, field: column }, 'required column is missing from the header');
  }
  const rows = records.map(({ record, info }): CsvRow => {
    for (const [field, value] of Object.entries(record)) {
      if (value.length > FIELD_CHARS_MAX) fail('field_invalid', { file, line: info.lines, field }, `longer than ${FIELD_CHARS_MAX} characters`);
    }
    return { line: info.lines, fields: record };
  });
  return { file, columns, rows };
}
