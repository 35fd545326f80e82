/**
 * The open database with its prepared statements: the one place SQL lives
 * besides schema.ts. Rows come back as plain typed objects; nothing here
 * decides policy.
 */
import type Database from 'better-sqlite3';
import type { BatchState } from './schema.js';

export interface ChainStateRow {
  readonly device_id: number;
  readonly last_seq: number;
  readonly last_hash: string;
  readonly anchor_seq: number;
  readonly anchor_hash: string;
  readonly cut_through_seq: number;
  readonly last_batch_seq: number;
  readonly stored_event_count: number;
  readonly stored_bytes: number;
  readonly unacked_event_count: number;
  readonly unacked_bytes: number;
}

export interface EventRow {
  readonly seq: number;
  readonly hash: string;
  readonly body: string;
  readonly size_bytes: number;
}

export interface BatchRow {
  readonly batch_seq: number;
  readonly first_seq: number;
  readonly last_seq: number;
  readonly event_count: number;
  readonly event_bytes: number;
  readonly envelope: Buffer;
  readonly envelope_sha256: string;
  readonly created_at: string;
  readonly state: BatchState;
  readonly acknowledged_at: string | null;
  readonly reason: string | null;
}

export type BatchSummaryRow = Omit<BatchRow, 'envelope'>;

type Counters = Pick<ChainStateRow, 'stored_event_count' | 'stored_bytes' | 'unacked_event_count' | 'unacked_bytes'>;

const BATCH_SUMMARY_COLUMNS = 'batch_seq, first_seq, last_seq, event_count, event_bytes, envelope_sha256, created_at, state, acknowledged_at, reason';

export function prepareStatements(db: Database.Database) {
  return {
    chainState: db.prepare<[], ChainStateRow>('SELECT * FROM chain_state WHERE id = 1'),
    setTail: db.prepare<[{ last_seq: number; last_hash: string; size_bytes: number }]>(
      'UPDATE chain_state SET last_seq = :last_seq, last_hash = :last_hash, stored_event_count = stored_event_count + 1, stored_bytes = stored_bytes + :size_bytes, unacked_event_count = unacked_event_count + 1, unacked_bytes = unacked_bytes + :size_bytes WHERE id = 1',
    ),
    addCounters: db.prepare<[Counters]>(
      'UPDATE chain_state SET stored_event_count = stored_event_count + :stored_event_count, stored_bytes = stored_bytes + :stored_bytes, unacked_event_count = unacked_event_count + :unacked_event_count, unacked_bytes = unacked_bytes + :unacked_bytes WHERE id = 1',
    ),
    setCut: db.prepare<[{ cut_through_seq: number; last_batch_seq: number }]>('UPDATE chain_state SET cut_through_seq = :cut_through_seq, last_batch_seq = :last_batch_seq WHERE id = 1'),
    setAnchor: db.prepare<[{ anchor_seq: number; anchor_hash: string }]>('UPDATE chain_state SET anchor_seq = :anchor_seq, anchor_hash = :anchor_hash WHERE id = 1'),
    insertEvent: db.prepare<[{ seq: number; card_number: string; application: string; hash: string; body: string; size_bytes: number }]>(
      'INSERT INTO events (seq, card_number, application, hash, body, size_bytes) VALUES (:seq, :card_number, :application, :hash, :body, :size_bytes)',
    ),
    insertAction: db.prepare<[string, number]>('INSERT OR IGNORE INTO applied_actions (action_id, seq) VALUES (?, ?)'),
    actionApplied: db.prepare<[string], number>('SELECT 1 FROM applied_actions WHERE action_id = ?').pluck(),
    actionCount: db.prepare<[], number>('SELECT count(*) FROM applied_actions').pluck(),
    forgetOldestActions: db.prepare<[number, number]>('DELETE FROM applied_actions WHERE action_id IN (SELECT action_id FROM applied_actions WHERE seq <= ? ORDER BY seq LIMIT ?)'),
    lastEventFor: db.prepare<[string, string], string>('SELECT body FROM events WHERE card_number = ? AND application = ? ORDER BY seq DESC LIMIT 1').pluck(),
    eventsFrom: db.prepare<[number, number], EventRow>('SELECT seq, hash, body, size_bytes FROM events WHERE seq >= ? ORDER BY seq LIMIT ?'),
    eventsTail: db.prepare<[number], EventRow>('SELECT seq, hash, body, size_bytes FROM events ORDER BY seq DESC LIMIT ?'),
    eventBounds: db.prepare<[], { first_seq: number | null; last_seq: number | null; event_count: number }>('SELECT min(seq) AS first_seq, max(seq) AS last_seq, count(*) AS event_count FROM events'),
    eventHash: db.prepare<[number], string>('SELECT hash FROM events WHERE seq = ?').pluck(),
    deleteEvents: db.prepare<[number, number]>('DELETE FROM events WHERE seq BETWEEN ? AND ?'),
    insertBatch: db.prepare<[Omit<BatchRow, 'acknowledged_at' | 'reason' | 'state'>]>(
      "INSERT INTO batches (batch_seq, first_seq, last_seq, event_count, event_bytes, envelope, envelope_sha256, created_at, state) VALUES (:batch_seq, :first_seq, :last_seq, :event_count, :event_bytes, :envelope, :envelope_sha256, :created_at, 'pending')",
    ),
    batch: db.prepare<[number], BatchRow>('SELECT * FROM batches WHERE batch_seq = ?'),
    batchSummary: db.prepare<[number], BatchSummaryRow>(`SELECT ${BATCH_SUMMARY_COLUMNS} FROM batches WHERE batch_seq = ?`),
    pendingBatches: db.prepare<[number], BatchRow>("SELECT * FROM batches WHERE state = 'pending' ORDER BY batch_seq LIMIT ?"),
    pendingBatchCount: db.prepare<[], number>("SELECT count(*) FROM batches WHERE state = 'pending'").pluck(),
    oldestPendingCreatedAt: db.prepare<[], string>("SELECT created_at FROM batches WHERE state = 'pending' ORDER BY batch_seq LIMIT 1").pluck(),
    oldestBatch: db.prepare<[], BatchSummaryRow>(`SELECT ${BATCH_SUMMARY_COLUMNS} FROM batches ORDER BY batch_seq LIMIT 1`),
    acknowledgeBatch: db.prepare<[{ batch_seq: number; state: BatchState; acknowledged_at: string; reason: string | null }]>(
      "UPDATE batches SET state = :state, acknowledged_at = :acknowledged_at, reason = :reason WHERE batch_seq = :batch_seq AND state = 'pending'",
    ),
    envelopeLength: db.prepare<[number], number>('SELECT length(envelope) FROM batches WHERE batch_seq = ?').pluck(),
    acknowledgedPrefix: db.prepare<[number], { event_count: number | null; bytes: number | null }>(
      "SELECT sum(event_count) AS event_count, sum(event_bytes + length(envelope)) AS bytes FROM batches WHERE batch_seq < coalesce((SELECT min(batch_seq) FROM batches WHERE state = 'pending'), ?)",
    ),
    allEnvelopeHashes: db.prepare<[], { batch_seq: number; envelope: Buffer; envelope_sha256: string }>('SELECT batch_seq, envelope, envelope_sha256 FROM batches ORDER BY batch_seq'),
    deleteBatch: db.prepare<[number]>('DELETE FROM batches WHERE batch_seq = ?'),
    batchTotals: db.prepare<[], { batch_count: number; envelope_bytes: number | null; pending_envelope_bytes: number | null; pending_event_bytes: number | null; pending_event_count: number | null }>(
      "SELECT count(*) AS batch_count, sum(length(envelope)) AS envelope_bytes, sum(CASE WHEN state = 'pending' THEN length(envelope) END) AS pending_envelope_bytes, sum(CASE WHEN state = 'pending' THEN event_bytes END) AS pending_event_bytes, sum(CASE WHEN state = 'pending' THEN event_count END) AS pending_event_count FROM batches",
    ),
    eventTotals: db.prepare<[{ cut: number }], { event_count: number; event_bytes: number | null; uncut_count: number; uncut_bytes: number | null }>(
      'SELECT count(*) AS event_count, sum(size_bytes) AS event_bytes, count(CASE WHEN seq > :cut THEN 1 END) AS uncut_count, sum(CASE WHEN seq > :cut THEN size_bytes END) AS uncut_bytes FROM events',
    ),
  };
}

export type JournalStatements = ReturnType<typeof prepareStatements>;

export interface JournalStore {
  readonly db: Database.Database;
  readonly sql: JournalStatements;
}
