/**
 * Chain verification of the stored journal: the tail at open (cheap, bounded)
 * and a full walk on demand. Both answer a value naming the first bad seq;
 * neither throws on damaged rows.
 */
import { createHash } from 'node:crypto';
import { checkChain, type JournalEvent } from '@onecard/card-os/profile';
import { JOURNAL_EVENT_COPY_COUNT, JOURNAL_TAIL_VERIFY_EVENT_COUNT, JOURNAL_VERIFY_PAGE_EVENT_COUNT } from './limits.js';
import { decodeStoredEvent } from './stored-event.js';
import type { ChainStateRow, EventRow, JournalStore } from './store.js';

export type ChainFaultCode =
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'seq_not_contiguous'
  | 'device_mismatch'
  /** A row does not parse as an event, or its indexed columns disagree with it. */
  | 'event_unreadable'
  /** The newest row is not the tail the chain state records. */
  | 'tail_mismatch'
  /** The storage counters disagree with the rows (full verify only). */
  | 'counters_mismatch'
  /** A stored envelope does not match its recorded SHA-256 (full verify only). */
  | 'batch_damaged';

export type ChainVerification =
  | { readonly ok: true; readonly eventCount: number; readonly firstSeq: number; readonly lastSeq: number }
  | { readonly ok: false; readonly code: ChainFaultCode; readonly seq: number };

function decodeRows(rows: readonly EventRow[], state: ChainStateRow): { readonly events: JournalEvent[] } | { readonly fault: ChainVerification } {
  const events: JournalEvent[] = [];
  for (const row of rows) {
    const event = decodeStoredEvent(row.body);
    if (event?.seq !== row.seq || event.hash !== row.hash) return { fault: { ok: false, code: 'event_unreadable', seq: row.seq } };
    if (event.deviceId !== state.device_id) return { fault: { ok: false, code: 'device_mismatch', seq: row.seq } };
    events.push(event);
  }
  return { events };
}

function checkPiece(events: readonly JournalEvent[], prevHashHex: string): ChainVerification | undefined {
  const check = checkChain(events, { prevHashHex });
  if (check.ok) return undefined;
  return { ok: false, code: check.code, seq: events[check.index]?.seq ?? 0 };
}

/** Checks the newest JOURNAL_TAIL_VERIFY_EVENT_COUNT events link to each other, to the row before, and to the recorded tail. */
export function verifyTail(store: JournalStore, state: ChainStateRow): ChainVerification {
  const rows = store.sql.eventsTail.all(JOURNAL_TAIL_VERIFY_EVENT_COUNT).reverse();
  const first = rows[0];
  const last = rows.at(-1);
  if (first === undefined || last === undefined) {
    const intact = state.last_seq === state.anchor_seq && state.last_hash === state.anchor_hash;
    return intact ? { ok: true, eventCount: 0, firstSeq: state.anchor_seq + 1, lastSeq: state.last_seq } : { ok: false, code: 'tail_mismatch', seq: state.last_seq };
  }
  if (last.seq !== state.last_seq || last.hash !== state.last_hash) return { ok: false, code: 'tail_mismatch', seq: last.seq };
  const decoded = decodeRows(rows, state);
  if ('fault' in decoded) return decoded.fault;
  const prevHashHex = first.seq === state.anchor_seq + 1 ? state.anchor_hash : store.sql.eventHash.get(first.seq - 1);
  if (prevHashHex === undefined) return { ok: false, code: 'seq_not_contiguous', seq: first.seq };
  return checkPiece(decoded.events, prevHashHex) ?? { ok: true, eventCount: rows.length, firstSeq: first.seq, lastSeq: last.seq };
}

function verifyCounters(store: JournalStore, state: ChainStateRow): boolean {
  const events = store.sql.eventTotals.get({ cut: state.cut_through_seq });
  const batches = store.sql.batchTotals.get();
  if (events === undefined || batches === undefined) return false;
  const uncutBytes = events.uncut_bytes ?? 0;
  const storedBytes = (events.event_bytes ?? 0) + (batches.envelope_bytes ?? 0) + uncutBytes * (JOURNAL_EVENT_COPY_COUNT - 1);
  const unackedCount = events.uncut_count + (batches.pending_event_count ?? 0);
  const unackedBytes = uncutBytes * JOURNAL_EVENT_COPY_COUNT + (batches.pending_event_bytes ?? 0) + (batches.pending_envelope_bytes ?? 0);
  return events.event_count === state.stored_event_count && storedBytes === state.stored_bytes && unackedCount === state.unacked_event_count && unackedBytes === state.unacked_bytes;
}

function verifyBatches(store: JournalStore): ChainVerification | undefined {
  for (const row of store.sql.allEnvelopeHashes.iterate()) {
    if (createHash('sha256').update(row.envelope).digest('hex') !== row.envelope_sha256) return { ok: false, code: 'batch_damaged', seq: row.batch_seq };
  }
  return undefined;
}

/** Walks every stored event from the anchor to the tail, then the counters and the batch envelopes. */
export function verifyAll(store: JournalStore, state: ChainStateRow): ChainVerification {
  let prevHashHex = state.anchor_hash;
  let nextSeq = state.anchor_seq + 1;
  let eventCount = 0;
  for (;;) {
    const rows = store.sql.eventsFrom.all(nextSeq, JOURNAL_VERIFY_PAGE_EVENT_COUNT);
    const first = rows[0];
    if (first === undefined) break;
    if (first.seq !== nextSeq) return { ok: false, code: 'seq_not_contiguous', seq: first.seq };
    const decoded = decodeRows(rows, state);
    if ('fault' in decoded) return decoded.fault;
    const fault = checkPiece(decoded.events, prevHashHex);
    if (fault !== undefined) return fault;
    const last = decoded.events.at(-1) as JournalEvent;
    prevHashHex = last.hash;
    nextSeq = last.seq + 1;
    eventCount += rows.length;
  }
  if (nextSeq - 1 !== state.last_seq || prevHashHex !== state.last_hash) return { ok: false, code: 'tail_mismatch', seq: nextSeq - 1 };
  if (!verifyCounters(store, state)) return { ok: false, code: 'counters_mismatch', seq: state.last_seq };
  return verifyBatches(store) ?? { ok: true, eventCount, firstSeq: state.anchor_seq + 1, lastSeq: state.last_seq };
}
