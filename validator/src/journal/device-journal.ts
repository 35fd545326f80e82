/**
 * The device journal's public surface: what the tap pipeline, the sync agent
 * and the validator CLI see (the implementation is ./journal.ts).
 */
import type { BatchSigner, JournalEvent } from '@onecard/card-os/profile';
import type { EventJournal } from '../ports.js';
import type { BatchSummary, PendingBatch } from './batches.js';
import type { StorageLevel } from './capacity.js';
import type { BatchAcknowledgement } from './schema.js';
import type { ChainFaultCode, ChainVerification } from './verify.js';

export interface OpenJournalOptions {
  /** Folder of the journal file (created when missing). */
  readonly dir: string;
  readonly deviceId: number;
  /** The device's Ed25519 journal key (./signer.ts). */
  readonly signer: BatchSigner;
  readonly eventCountMax?: number;
  readonly storedBytesMax?: number;
  /** UTC clock for batch and acknowledgement instants (tests inject one). */
  readonly now?: () => Date;
}

export type JournalState = StorageLevel | 'chain_broken';

export interface JournalStatus {
  readonly state: JournalState;
  readonly deviceId: number;
  readonly lastSeq: number;
  /** Oldest seq still stored (older ones were acknowledged and pruned). */
  readonly firstStoredSeq: number;
  readonly storedEventCount: number;
  /** Event JSON + batch envelopes (+ the batch copy of events not cut yet). */
  readonly storedBytes: number;
  readonly unacknowledgedEventCount: number;
  readonly unacknowledgedBytes: number;
  /** What pruning could not free (un-acknowledged, or behind a batch that is). */
  readonly retainedEventCount: number;
  readonly retainedBytes: number;
  /** Retained share of the tighter bound, 0–100. */
  readonly fillPercent: number;
  readonly eventCountMax: number;
  readonly storedBytesMax: number;
  readonly uncutEventCount: number;
  readonly pendingBatchCount: number;
  readonly lastBatchSeq: number;
  /** Instant the oldest pending batch was cut: how long the device has been unable to upload. */
  readonly oldestPendingBatchCreatedAt: string | undefined;
  readonly chainFault: { readonly code: ChainFaultCode; readonly seq: number } | undefined;
}

export type JournalCapacity = { readonly ok: true; readonly level: 'ok' | 'warning' } | { readonly ok: false; readonly code: 'storage_full' | 'chain_broken' | 'journal_closed' };

export interface DeviceJournal extends EventJournal {
  /** Before touching a card: may a new tap start? (Keeps JOURNAL_TAP_RESERVE_EVENT_COUNT for taps in flight.) */
  checkCapacity(): JournalCapacity;
  status(): JournalStatus;
  /** Walks the whole chain, counters and envelopes; a fault also stops writing. */
  verify(): ChainVerification;
  /**
   * Cuts uncut events into signed batches of at most `eventCountPerBatchMax`
   * (at most JOURNAL_BATCH_CUT_COUNT_PER_CALL_MAX per call); a batch is cut
   * only when at least `eventCountMin` events wait (default 1).
   */
  cutBatches(options?: { readonly eventCountPerBatchMax?: number; readonly eventCountMin?: number }): readonly BatchSummary[];
  /** Pending batches, oldest first (limit ≤ JOURNAL_READ_BATCH_COUNT_MAX), envelopes checked against their SHA-256. */
  pendingBatches(options: { readonly limit: number }): readonly PendingBatch[];
  /** Records the clearing house's answer; idempotent (false when acknowledged before). */
  acknowledgeBatch(input: { readonly batchSeq: number; readonly acknowledgement: BatchAcknowledgement; readonly reason?: string }): boolean;
  batch(batchSeq: number): BatchSummary | undefined;
  /** Stored events from `fromSeq`, oldest first (limit ≤ JOURNAL_READ_EVENT_COUNT_MAX). */
  readEvents(options: { readonly fromSeq: number; readonly limit: number }): readonly JournalEvent[];
  close(): void;
}
