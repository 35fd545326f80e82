/**
 * Raw SQL helpers that behave the same on postgres.js and PGlite: result rows
 * as an array, and bulk parameters as ONE jsonb parameter (drizzle turns an
 * array into one parameter per element; postgres.js caps at 65,534).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from './open.js';

export async function queryRows<Row extends Record<string, unknown>>(db: Executor, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as Row[];
  return (result as { rows: Row[] }).rows;
}

/** `jsonb_to_recordset(<one parameter>) AS x(<columns>)`: a table of the given rows for INSERT … SELECT. */
export function jsonRecordset(rows: readonly object[], columns: string): SQL {
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(${sql.raw(columns)})`;
}

/**
 * `ARRAY(SELECT jsonb_array_elements_text(<one parameter>))`: a text[] of the given values for
 * `column = ANY(…)`. Unlike a join against jsonRecordset, the planner drives such a lookup through
 * the column's index whatever it knows of the table — a day's fresh, unanalysed rows included —
 * instead of choosing a hash join over a sequential scan of it.
 */
export function jsonTextArray(values: readonly string[]): SQL {
  return sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
}

/** int8 and numeric come back as strings from postgres.js and as numbers or bigints from PGlite. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError('database integer is not a safe integer');
    return n;
  }
  if (value === null || value === undefined) return 0;
  throw new TypeError('database value is not a number');
}

/** SQL that renders a timestamptz as the journal's UTC instant format. */
export function isoInstant(column: SQL): SQL {
  return sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A text column of a raw row: string, or null when SQL NULL. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new TypeError('database value is not text');
}

export function toNullableText(value: unknown): string | null {
  return value === null || value === undefined ? null : toText(value);
}
