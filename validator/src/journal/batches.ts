/**
 * Cutting contiguous events into signed batches (batchSeq from 1) and
 * recording acknowledgements. A batch once cut is immutable: its envelope is
 * stored with its SHA-256 and re-sent byte for byte.
 */
import { createHash } from 'node:crypto';
import { REASON_LENGTH_CHARS_MAX, signBatch, type BatchSigner, type JournalEvent } from '@onecard/card-os/profile';
import { JournalError } from './journal-error.js';
import { JOURNAL_EVENT_COPY_COUNT } from './limits.js';
import type { BatchAcknowledgement, BatchState } from './schema.js';
import { decodeStoredEvent } from './stored-event.js';
import type { BatchRow, BatchSummaryRow, ChainStateRow, JournalStore } from './store.js';

export interface BatchSummary {
  readonly batchSeq: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly eventCount: number;
  readonly createdAt: string;
  readonly state: BatchState;
  readonly acknowledgedAt: string | undefined;
  /** Reason code the clearing house gave for `quarantined`. */
  readonly reason: string | undefined;
}

export interface PendingBatch extends BatchSummary {
  /** The signed envelope exactly as cut. */
  readonly envelope: Uint8Array;
}

const REASON_PATTERN = /^[a-z0-9][a-z0-9_.:-]*$/;
const REASON_UNSPECIFIED = 'unspecified';

export function summaryOf(row: BatchSummaryRow): BatchSummary {
  return {
    batchSeq: row.batch_seq,
    firstSeq: row.first_seq,
    lastSeq: row.last_seq,
    eventCount: row.event_count,
    createdAt: row.created_at,
    state: row.state,
    acknowledgedAt: row.acknowledged_at ?? undefined,
    reason: row.reason ?? undefined,
  };
}

export function pendingOf(row: BatchRow): PendingBatch {
  if (createHash('sha256').update(row.envelope).digest('hex') !== row.envelope_sha256) {
    throw new JournalError('database_corrupt', `stored envelope of batch ${row.batch_seq} does not match its SHA-256`);
  }
  return { ...summaryOf(row), envelope: new Uint8Array(row.envelope) };
}

/** Inside a write transaction: cuts one batch of at most `eventCountMax` uncut events; undefined when none. */
export function cutOneBatch(store: JournalStore, input: { readonly state: ChainStateRow; readonly signer: BatchSigner; readonly createdAt: Date; readonly eventCountMax: number }): BatchSummary | undefined {
  const { state } = input;
  if (state.last_seq <= state.cut_through_seq) return undefined;
  const rows = store.sql.eventsFrom.all(state.cut_through_seq + 1, input.eventCountMax);
  const events: JournalEvent[] = [];
  let eventBytes = 0;
  for (const row of rows) {
    const event = decodeStoredEvent(row.body);
    if (event?.seq !== state.cut_through_seq + 1 + events.length) throw new JournalError('chain_broken', `event ${row.seq} cannot be read back for its batch`);
    events.push(event);
    eventBytes += row.size_bytes;
  }
  const first = events[0];
  const last = events.at(-1);
  if (first === undefined || last === undefined) throw new JournalError('chain_broken', 'uncut events are missing');
  const batchSeq = state.last_batch_seq + 1;
  const envelope = signBatch({ deviceId: state.device_id, batchSeq, createdAt: input.createdAt, events, signer: input.signer });
  const row = {
    batch_seq: batchSeq,
    first_seq: first.seq,
    last_seq: last.seq,
    event_count: events.length,
    event_bytes: eventBytes,
    envelope: Buffer.from(envelope),
    envelope_sha256: createHash('sha256').update(envelope).digest('hex'),
    created_at: input.createdAt.toISOString(),
  };
  store.sql.insertBatch.run(row);
  store.sql.setCut.run({ cut_through_seq: last.seq, last_batch_seq: batchSeq });
  // The events were counted twice at append (row + future copy); the envelope replaces the copy.
  const delta = envelope.length - eventBytes * (JOURNAL_EVENT_COPY_COUNT - 1);
  store.sql.addCounters.run({ stored_event_count: 0, stored_bytes: delta, unacked_event_count: 0, unacked_bytes: delta });
  return summaryOf({ ...row, state: 'pending', acknowledged_at: null, reason: null });
}

/** A reason from the network becomes a bounded code (it is stored and shown). */
export function reasonCodeOf(reason: string | undefined): string | null {
  if (reason === undefined) return null;
  return reason.length <= REASON_LENGTH_CHARS_MAX && REASON_PATTERN.test(reason) ? reason : REASON_UNSPECIFIED;
}

/** Inside a write transaction: pending → acknowledged, once. Answers false when it was acknowledged before. */
export function acknowledgeOne(store: JournalStore, input: { readonly batchSeq: number; readonly acknowledgement: BatchAcknowledgement; readonly reason: string | undefined; readonly at: Date }): boolean {
  const row = store.sql.batchSummary.get(input.batchSeq);
  if (row === undefined) throw new JournalError('batch_unknown', `no batch ${input.batchSeq}`);
  if (row.state !== 'pending') return false;
  const envelopeBytes = store.sql.envelopeLength.get(input.batchSeq) ?? 0;
  store.sql.acknowledgeBatch.run({ batch_seq: input.batchSeq, state: input.acknowledgement, acknowledged_at: input.at.toISOString(), reason: reasonCodeOf(input.reason) });
  store.sql.addCounters.run({ stored_event_count: 0, stored_bytes: 0, unacked_event_count: -row.event_count, unacked_bytes: -(row.event_bytes + envelopeBytes) });
  return true;
}
