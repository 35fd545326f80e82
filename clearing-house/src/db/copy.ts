/**
 * COPY … FROM STDIN (text format) on the caller's PostgreSQL transaction —
 * several times faster than INSERT … SELECT for bulk rows. PostgreSQL only
 * (canCopy): PGlite callers keep their INSERT path. COPY has no ON CONFLICT:
 * a duplicate key aborts the transaction, so callers copy only rows they know
 * are new under a lock that keeps other writers of those keys out.
 */
import type { Writable } from 'node:stream';
import { PostgresJsSession } from 'drizzle-orm/postgres-js';
import type { Sql } from 'postgres';
import type { Executor } from './open.js';

export type CopyValue = string | number | null | undefined;

/** Rows per write() call (one string each): keeps the stream's buffer small without a call per row. */
const COPY_CHUNK_ROW_COUNT = 256;

const COPY_SPECIAL_CHARACTER = /[\\\t\n\r]/;
const COPY_SPECIAL_CHARACTERS = /[\\\t\n\r]/g;

/** COPY text format: \N is NULL; backslash, tab, newline and carriage return are escaped (PostgreSQL docs, COPY "Text Format"). */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  // Most values (codes, hex, instants, digits) hold nothing to escape: a test is cheaper than a replace.
  return COPY_SPECIAL_CHARACTER.test(value) ? value.replace(COPY_SPECIAL_CHARACTERS, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

/** True when `db` runs on postgres.js (COPY available). */
export function canCopy(db: Executor): boolean {
  return db._.session instanceof PostgresJsSession;
}

/** The database refused a COPY (bad data, a duplicate key …); its transaction is aborted. */
export class CopyRefusedError extends Error {
  override readonly name = 'CopyRefusedError';
}

/**
 * Copies rows into `table (columns)` on db's connection (inside its
 * transaction when db is one); throws CopyRefusedError if the database
 * refuses them.
 *
 * Completion: postgres.js (3.4) drops an error the server reports after the
 * stream has ended (its `final` callback is only called on success), so
 * awaiting the stream alone can hang for ever, holding the transaction.
 * Instead, once CopyDone is on the wire, a `SELECT 1` follows on the same
 * connection: it answers after the COPY, and fails (transaction aborted) if
 * the COPY failed. The server's own reason is then lost (postgres.js drops it).
 */
export async function copyRows(db: Executor, input: { readonly table: string; readonly columns: readonly string[]; readonly rows: readonly (readonly CopyValue[])[] }): Promise<void> {
  const session = db._.session;
  if (!(session instanceof PostgresJsSession)) throw new Error('assertion failed: COPY needs the postgres.js driver (check canCopy first)');
  if (input.rows.length === 0) return;
  // instanceof narrows to PostgresJsSession<any>: its client is the postgres.js Sql of the connection (the transaction's when db is one).
  const client = session.client as Sql;
  try {
    const stream: Writable = await client.unsafe(`COPY ${input.table} (${input.columns.join(', ')}) FROM STDIN`).writable();
    const streamError = new Promise<never>((_, reject) => {
      stream.once('error', reject);
    });
    streamError.catch(() => undefined);
    for (let i = 0; i < input.rows.length; i += COPY_CHUNK_ROW_COUNT) {
      let chunk = '';
      for (const row of input.rows.slice(i, i + COPY_CHUNK_ROW_COUNT)) chunk += `${row.map(copyField).join('\t')}\n`;
      // Each chunk reaches the socket before the next (and before end()), so end() calls final — CopyDone — on the next tick.
      const written = new Promise<void>((resolve, reject) => {
        stream.write(chunk, (error) => {
          if (error) reject(error);
          else resolve();
        });
      });
      await Promise.race([written, streamError]);
    }
    stream.end();
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.race([client.unsafe('SELECT 1'), streamError]);
  } catch (error) {
    throw new CopyRefusedError(`COPY into ${input.table} was refused; the transaction is aborted`, { cause: error });
  }
}
