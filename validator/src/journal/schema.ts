/**
 * The journal's SQLite schema (version 1). One row of `chain_state` holds the
 * chain tail and the storage counters, updated in the same transaction as the
 * rows they count, so they can never drift apart across a crash.
 *
 * - events: one row per event, the canonical JSON of the sealed event in
 *   `body` (the bytes the chain hashes), indexed for lastEventFor.
 * - applied_actions: action ids applied by this device; survives pruning of
 *   the events (bounded by JOURNAL_APPLIED_ACTION_COUNT_MAX).
 * - batches: signed envelopes, immutable once cut; `state` moves from
 *   `pending` to one acknowledgement once.
 * - anchor: the last pruned event (seq 0 + genesis hash when none), so the
 *   kept events still verify from a known hash.
 */
import type Database from 'better-sqlite3';
import { GENESIS_HASH_HEX } from '@onecard/card-os/profile';
import { JournalError } from './journal-error.js';

export const JOURNAL_SCHEMA_VERSION = 1;
/** PRAGMA application_id of a journal file: "OCJL". */
export const JOURNAL_APPLICATION_ID = 0x4f_43_4a_4c;

export const BATCH_STATES = ['pending', 'accepted', 'duplicate', 'quarantined', 'conflict'] as const;
export type BatchState = (typeof BATCH_STATES)[number];
/** The answers SYNC-PROTOCOL.md counts as "done, delete locally when storage needs it", plus 409. */
export type BatchAcknowledgement = Exclude<BatchState, 'pending'>;

const SCHEMA_V1 = `
CREATE TABLE chain_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  device_id INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  last_hash TEXT NOT NULL,
  anchor_seq INTEGER NOT NULL,
  anchor_hash TEXT NOT NULL,
  cut_through_seq INTEGER NOT NULL,
  last_batch_seq INTEGER NOT NULL,
  stored_event_count INTEGER NOT NULL,
  stored_bytes INTEGER NOT NULL,
  unacked_event_count INTEGER NOT NULL,
  unacked_bytes INTEGER NOT NULL
) STRICT;
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  card_number TEXT NOT NULL,
  application TEXT NOT NULL,
  hash TEXT NOT NULL,
  body TEXT NOT NULL,
  size_bytes INTEGER NOT NULL
) STRICT;
CREATE INDEX events_by_card ON events (card_number, application, seq);
CREATE TABLE applied_actions (
  action_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX applied_actions_by_seq ON applied_actions (seq);
CREATE TABLE batches (
  batch_seq INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  event_bytes INTEGER NOT NULL,
  envelope BLOB NOT NULL,
  envelope_sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${BATCH_STATES.map((s) => `'${s}'`).join(', ')})),
  acknowledged_at TEXT,
  reason TEXT
) STRICT;
CREATE INDEX batches_by_state ON batches (state, batch_seq);
`;

/** Creates the schema in an empty file, or checks an existing one. */
export function migrate(db: Database.Database, deviceId: number): void {
  const version = db.pragma('user_version', { simple: true });
  const applicationId = db.pragma('application_id', { simple: true });
  if (version === 0) {
    const tableCount = db.prepare<[], number>("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() ?? 0;
    if (tableCount > 0 || applicationId !== 0) throw new JournalError('database_corrupt', 'file holds a database that is not a device journal');
    db.transaction(() => {
      db.exec(SCHEMA_V1);
      db.prepare('INSERT INTO chain_state VALUES (1, ?, 0, ?, 0, ?, 0, 0, 0, 0, 0, 0)').run(deviceId, GENESIS_HASH_HEX, GENESIS_HASH_HEX);
      db.pragma(`application_id = ${JOURNAL_APPLICATION_ID}`);
      db.pragma(`user_version = ${JOURNAL_SCHEMA_VERSION}`);
    }).immediate();
    return;
  }
  if (applicationId !== JOURNAL_APPLICATION_ID) throw new JournalError('database_corrupt', 'file holds a database that is not a device journal');
  if (version !== JOURNAL_SCHEMA_VERSION) throw new JournalError('schema_unsupported', `journal schema version ${String(version)} is not ${JOURNAL_SCHEMA_VERSION}`);
}
