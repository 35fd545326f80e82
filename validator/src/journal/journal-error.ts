/**
 * Expected journal failures, with stable codes. Messages never carry card
 * numbers, action ids, hashes or SQL parameters: they name the rule only.
 */
export const JOURNAL_ERROR_CODES = [
  /** The file is not a journal database, is torn, or fails SQLite's integrity check. */
  'database_corrupt',
  /** Another process holds the journal open. */
  'journal_locked',
  /** The file was created by a newer schema version. */
  'schema_unsupported',
  /** The journal belongs to another device id. */
  'device_mismatch',
  /** The stored hash chain does not verify: the journal refuses to write until an operator acts. */
  'chain_broken',
  /** Un-acknowledged events fill the bound: the tap is refused, nothing is dropped. */
  'storage_full',
  /** The entry does not make a valid journal event. */
  'entry_invalid',
  /** The batch named does not exist or is not in the state the call needs. */
  'batch_unknown',
  /** The journal was closed. */
  'journal_closed',
  /** SQLite failed on I/O (disk full, permission, read-only file …). */
  'io_failed',
] as const;
export type JournalErrorCode = (typeof JOURNAL_ERROR_CODES)[number];

export class JournalError extends Error {
  override readonly name = 'JournalError';
  readonly code: JournalErrorCode;

  constructor(code: JournalErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.code = code;
  }
}

/** SQLite result codes (primary and extended) that mean the file itself is bad. */
const CORRUPT_SQLITE_CODES: ReadonlySet<string> = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB', 'SQLITE_IOERR_SHORT_READ']);
const LOCKED_SQLITE_CODES: ReadonlySet<string> = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY']);

function sqliteCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** Maps a better-sqlite3 failure to a typed one; other errors pass through unchanged. */
export function journalErrorFrom(error: unknown, doing: string): unknown {
  if (error instanceof JournalError) return error;
  const code = sqliteCodeOf(error);
  if (code === undefined) return error;
  if (CORRUPT_SQLITE_CODES.has(code)) return new JournalError('database_corrupt', `journal database is damaged (${code} while ${doing})`, { cause: error });
  if (LOCKED_SQLITE_CODES.has(code)) return new JournalError('journal_locked', `journal is held by another process (${code} while ${doing})`, { cause: error });
  return new JournalError('io_failed', `SQLite failed (${code} while ${doing})`, { cause: error });
}
