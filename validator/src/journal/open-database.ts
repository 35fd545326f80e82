/**
 * Opens the journal file with the durability the tap needs: WAL,
 * synchronous=FULL (each commit is fsynced before `append` returns), an
 * exclusive lock held for the life of the process (one writer, so the
 * cached tail can never go stale), and SQLite's quick_check, so a torn or
 * foreign file is a typed `database_corrupt`, not a crash later.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { JournalError, journalErrorFrom } from './journal-error.js';
import { JOURNAL_BUSY_TIMEOUT_MS } from './limits.js';
import { migrate } from './schema.js';

export const JOURNAL_FILE_NAME = 'journal.sqlite3';
const QUICK_CHECK_OK = 'ok';
/** PRAGMA synchronous answers 2 for FULL (sqlite.org/pragma.html#pragma_synchronous). */
const SYNCHRONOUS_FULL = 2;

export function journalPath(dir: string): string {
  return join(dir, JOURNAL_FILE_NAME);
}

export function openDatabase(input: { readonly dir: string; readonly deviceId: number }): Database.Database {
  mkdirSync(input.dir, { recursive: true });
  let db: Database.Database | undefined;
  try {
    db = new Database(journalPath(input.dir), { timeout: JOURNAL_BUSY_TIMEOUT_MS });
    db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new JournalError('io_failed', 'journal file cannot use write-ahead logging');
    db.pragma('synchronous = FULL');
    if (db.pragma('synchronous', { simple: true }) !== SYNCHRONOUS_FULL) throw new JournalError('io_failed', 'journal file cannot use synchronous=FULL');
    // A write takes and keeps the exclusive lock now, not at the first tap.
    db.exec('BEGIN IMMEDIATE; COMMIT');
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== QUICK_CHECK_OK) throw new JournalError('database_corrupt', 'journal database fails SQLite quick_check');
    migrate(db, input.deviceId);
    return db;
  } catch (error) {
    db?.close();
    throw journalErrorFrom(error, 'opening the journal');
  }
}
