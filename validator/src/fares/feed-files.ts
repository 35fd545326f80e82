/**
 * The files a feed folder may hold, and turning one of them into validated
 * rows: CSV (csv-table.ts) then the row's zod schema (row-schemas.ts). The
 * first bad field stops the load with file, line and field.
 */
import type { z } from 'zod';
import { readCsvTable } from './csv-table.js';
import { fail } from './feed-error.js';

/** Every file the loader reads; anything else in the folder is ignored (GTFS allows extra files). */
export const FEED_FILE_NAMES = [
  'agency.txt',
  'routes.txt',
  'stops.txt',
  'calendar.txt',
  'calendar_dates.txt',
  'fare_media.txt',
  'fare_products.txt',
  'rider_categories.txt',
  'fare_leg_rules.txt',
  'fare_leg_join_rules.txt',
  'fare_transfer_rules.txt',
  'timeframes.txt',
  'areas.txt',
  'stop_areas.txt',
  'networks.txt',
  'route_networks.txt',
  'onecard_routes.txt',
  'onecard_distance_bands.txt',
  'onecard_holder_categories.txt',
  'onecard_contract_products.txt',
  'onecard_fare_caps.txt',
] as const;
export type FeedFileName = (typeof FEED_FILE_NAMES)[number];

/** File name → text. The folder loader fills it; tests build it in memory. */
export type FeedFiles = ReadonlyMap<string, string>;

export interface Row<T> {
  readonly line: number;
  readonly value: T;
}

export interface RowsOfFile<T> {
  readonly present: boolean;
  readonly columns: ReadonlySet<string>;
  readonly rows: readonly Row<T>[];
}

export function rowsOf<S extends z.ZodType>(
  files: FeedFiles,
  file: FeedFileName,
  schema: S,
  options: { readonly requiredColumns: readonly string[]; readonly presence: 'required' | 'optional' },
): RowsOfFile<z.output<S>> {
  const text = files.get(file);
  if (text === undefined) {
    if (options.presence === 'required') fail('file_missing', { file }, 'the feed needs this file');
    return { present: false, columns: new Set(), rows: [] };
  }
  const table = readCsvTable(file, text, options.requiredColumns);
  const rows = table.rows.map((row): Row<z.output<S>> => {
    const parsed = schema.safeParse(row.fields);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0];
      fail('field_invalid', { file, line: row.line, ...(typeof field === 'string' ? { field } : {}) }, issue?.message ?? 'invalid row');
    }
    return { line: row.line, value: parsed.data };
  });
  return { present: true, columns: table.columns, rows };
}
