/**
 * Bounded storage. Policy: acknowledged batches are pruned oldest first, and
 * only as a prefix (the kept events always verify from the anchor); events
 * that are not acknowledged — or sit behind a batch that is not — are never
 * dropped. When they fill the bound the journal refuses new taps
 * (`storage_full`) instead of overwriting: an un-uploaded tap is money the
 * clearing house has not seen, and a validator that says "out of service"
 * is a visible, fixable problem, where a silently lost fare is neither.
 */
import { JOURNAL_APPLIED_ACTION_COUNT_MAX, JOURNAL_PRUNE_BATCH_COUNT_PER_APPEND_MAX, JOURNAL_TAP_RESERVE_BYTES, JOURNAL_TAP_RESERVE_EVENT_COUNT, JOURNAL_WARNING_PERCENT } from './limits.js';
import type { ChainStateRow, JournalStore } from './store.js';

export interface JournalBounds {
  readonly eventCountMax: number;
  readonly storedBytesMax: number;
}

/** `ok` → `warning` (≥ JOURNAL_WARNING_PERCENT retained) → `full` (no room beyond the tap reserve). */
export type StorageLevel = 'ok' | 'warning' | 'full';

export interface Retained {
  /** Events (and their bytes) that cannot be pruned: not acknowledged, or behind a batch that is not. */
  readonly eventCount: number;
  readonly bytes: number;
}

const PERCENT = 100;

/** What pruning could never free: stored minus the acknowledged prefix of batches. */
export function retainedOf(store: JournalStore, state: ChainStateRow): Retained {
  const prefix = store.sql.acknowledgedPrefix.get(state.last_batch_seq + 1);
  return { eventCount: state.stored_event_count - (prefix?.event_count ?? 0), bytes: state.stored_bytes - (prefix?.bytes ?? 0) };
}

export function fillPercentOf(retained: Retained, bounds: JournalBounds): number {
  return Math.floor(Math.max((retained.eventCount * PERCENT) / bounds.eventCountMax, (retained.bytes * PERCENT) / bounds.storedBytesMax));
}

export function storageLevelOf(retained: Retained, bounds: JournalBounds): StorageLevel {
  if (retained.eventCount + JOURNAL_TAP_RESERVE_EVENT_COUNT > bounds.eventCountMax || retained.bytes + JOURNAL_TAP_RESERVE_BYTES > bounds.storedBytesMax) return 'full';
  return fillPercentOf(retained, bounds) >= JOURNAL_WARNING_PERCENT ? 'warning' : 'ok';
}

function fits(state: ChainStateRow, need: Retained, bounds: JournalBounds): boolean {
  return state.stored_event_count + need.eventCount <= bounds.eventCountMax && state.stored_bytes + need.bytes <= bounds.storedBytesMax;
}

/**
 * Inside the caller's write transaction: prunes acknowledged batches, oldest
 * first, until `need` fits (at most JOURNAL_PRUNE_BATCH_COUNT_PER_APPEND_MAX).
 * Answers whether it fits now.
 */
export function pruneForRoom(store: JournalStore, need: Retained, bounds: JournalBounds): boolean {
  const { sql } = store;
  for (let pruned = 0; pruned < JOURNAL_PRUNE_BATCH_COUNT_PER_APPEND_MAX; pruned += 1) {
    const state = sql.chainState.get();
    if (state === undefined) throw new Error('assertion failed: chain_state row missing');
    if (fits(state, need, bounds)) return true;
    const oldest = sql.oldestBatch.get();
    if (oldest === undefined || oldest.state === 'pending') return false;
    const anchorHash = sql.eventHash.get(oldest.last_seq);
    if (oldest.first_seq !== state.anchor_seq + 1 || anchorHash === undefined) throw new Error('assertion failed: oldest batch does not start at the anchor');
    const envelopeBytes = sql.envelopeLength.get(oldest.batch_seq) ?? 0;
    sql.deleteEvents.run(oldest.first_seq, oldest.last_seq);
    sql.deleteBatch.run(oldest.batch_seq);
    sql.setAnchor.run({ anchor_seq: oldest.last_seq, anchor_hash: anchorHash });
    sql.addCounters.run({ stored_event_count: -oldest.event_count, stored_bytes: -(oldest.event_bytes + envelopeBytes), unacked_event_count: 0, unacked_bytes: 0 });
    forgetOldActions(store, oldest.last_seq);
  }
  const state = sql.chainState.get();
  return state !== undefined && fits(state, need, bounds);
}

/** Keeps at most JOURNAL_APPLIED_ACTION_COUNT_MAX applied action ids, forgetting only those of pruned events. */
function forgetOldActions(store: JournalStore, anchorSeq: number): void {
  const excess = store.sql.actionCount.get() ?? 0;
  if (excess > JOURNAL_APPLIED_ACTION_COUNT_MAX) store.sql.forgetOldestActions.run(anchorSeq, excess - JOURNAL_APPLIED_ACTION_COUNT_MAX);
}
