/**
 * The device journal: the validator's EventJournal (ports.ts) on SQLite.
 * `append` seals the entry onto the device's hash chain and commits it
 * (fsynced) before returning; the display may turn green only after that.
 * Batches for the sync agent are cut, signed and acknowledged here too.
 */
import { BATCH_EVENT_COUNT_MAX, DEVICE_ID_MAX, JOURNAL_EVENT_VERSION, journalEventBodySchema, sealEvent, type BatchSigner, type JournalEvent, type ProfileApplication } from '@onecard/card-os/profile';
import type Database from 'better-sqlite3';
import type { JournalEntry } from '../ports.js';
import { acknowledgeOne, cutOneBatch, pendingOf, summaryOf, type BatchSummary, type PendingBatch } from './batches.js';
import type { DeviceJournal, JournalCapacity, JournalStatus, OpenJournalOptions } from './device-journal.js';
import { fillPercentOf, pruneForRoom, retainedOf, storageLevelOf, type JournalBounds } from './capacity.js';
import { JournalError, journalErrorFrom } from './journal-error.js';
import {
  JOURNAL_BATCH_CUT_COUNT_PER_CALL_MAX,
  JOURNAL_BATCH_EVENT_COUNT_DEFAULT,
  JOURNAL_EVENT_BYTES_MAX,
  JOURNAL_EVENT_COPY_COUNT,
  JOURNAL_EVENT_COUNT_MAX_DEFAULT,
  JOURNAL_EVENT_COUNT_MAX_MIN,
  JOURNAL_READ_BATCH_COUNT_MAX,
  JOURNAL_READ_EVENT_COUNT_MAX,
  JOURNAL_STORED_BYTES_MAX_DEFAULT,
  JOURNAL_STORED_BYTES_MAX_MIN,
} from './limits.js';
import { openDatabase } from './open-database.js';
import type { BatchAcknowledgement } from './schema.js';
import { decodeStoredEvent, encodeStoredEvent } from './stored-event.js';
import { prepareStatements, type ChainStateRow, type JournalStore } from './store.js';
import { verifyAll, verifyTail, type ChainFaultCode, type ChainVerification } from './verify.js';

/** Fields the journal assigns; an entry that brings its own is refused, not silently overwritten. */
const JOURNAL_OWNED_FIELDS = ['v', 'deviceId', 'seq', 'prevHash', 'hash'] as const;

function assertLimit(value: number, max: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new RangeError(`${what} must be 1..${max}`);
}

function assertBound(value: number, min: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be an integer ≥ ${min}`);
  return value;
}

class SqliteDeviceJournal implements DeviceJournal {
  readonly #db: Database.Database;
  readonly #store: JournalStore;
  readonly #signer: BatchSigner;
  readonly #bounds: JournalBounds;
  readonly #now: () => Date;
  #state: ChainStateRow;
  #fault: { readonly code: ChainFaultCode; readonly seq: number } | undefined;
  #closed = false;

  constructor(input: { readonly db: Database.Database; readonly signer: BatchSigner; readonly bounds: JournalBounds; readonly now: () => Date }) {
    this.#db = input.db;
    this.#store = { db: input.db, sql: prepareStatements(input.db) };
    this.#signer = input.signer;
    this.#bounds = input.bounds;
    this.#now = input.now;
    this.#state = this.#readState();
    const tail = verifyTail(this.#store, this.#state);
    this.#fault = tail.ok ? undefined : { code: tail.code, seq: tail.seq };
  }

  #readState(): ChainStateRow {
    const state = this.#store.sql.chainState.get();
    if (state === undefined) throw new JournalError('database_corrupt', 'journal chain state is missing');
    return state;
  }

  #assertOpen(): void {
    if (this.#closed) throw new JournalError('journal_closed', 'the journal was closed');
  }

  #assertWritable(): void {
    this.#assertOpen();
    if (this.#fault !== undefined) throw new JournalError('chain_broken', `stored chain does not verify (${this.#fault.code} at seq ${this.#fault.seq}); writing is refused`);
  }

  /** Runs `work` in one IMMEDIATE transaction, then reloads the cached state. */
  #write<T>(doing: string, work: () => T): T {
    try {
      const result = this.#db.transaction(work).immediate();
      this.#state = this.#readState();
      return result;
    } catch (error) {
      throw journalErrorFrom(error, doing);
    }
  }

  append(entry: JournalEntry): JournalEvent {
    this.#assertWritable();
    const owned = JOURNAL_OWNED_FIELDS.find((field) => Object.hasOwn(entry, field));
    if (owned !== undefined) throw new JournalError('entry_invalid', `entry field ${owned} is the journal's to set`);
    const seq = this.#state.last_seq + 1;
    const parsed = journalEventBodySchema.safeParse({ ...entry, v: JOURNAL_EVENT_VERSION, deviceId: this.#state.device_id, seq });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new JournalError('entry_invalid', `entry field ${issue?.path.join('.') ?? '?'} is invalid (${issue?.code ?? 'unknown'})`);
    }
    const event = sealEvent(this.#state.last_hash, parsed.data);
    const stored = encodeStoredEvent(event);
    if (stored.sizeBytes > JOURNAL_EVENT_BYTES_MAX) throw new JournalError('entry_invalid', `event exceeds ${JOURNAL_EVENT_BYTES_MAX} bytes`);
    const footprintBytes = stored.sizeBytes * JOURNAL_EVENT_COPY_COUNT;
    this.#write('appending an event', () => {
      if (!pruneForRoom(this.#store, { eventCount: 1, bytes: footprintBytes }, this.#bounds)) {
        throw new JournalError('storage_full', 'un-acknowledged events fill the journal; the tap is refused');
      }
      this.#store.sql.insertEvent.run({ seq, card_number: event.cardNumber, application: event.application, hash: event.hash, body: stored.text, size_bytes: stored.sizeBytes });
      if (event.actionId !== undefined) this.#store.sql.insertAction.run(event.actionId, seq);
      this.#store.sql.setTail.run({ last_seq: seq, last_hash: event.hash, size_bytes: footprintBytes });
    });
    return event;
  }

  lastEventFor(cardNumber: string, application: ProfileApplication): JournalEvent | undefined {
    this.#assertOpen();
    const body = this.#store.sql.lastEventFor.get(cardNumber, application);
    if (body === undefined) return undefined;
    const event = decodeStoredEvent(body);
    if (event === undefined) throw new JournalError('database_corrupt', 'a stored event cannot be read');
    return event;
  }

  isActionApplied(actionId: string): boolean {
    this.#assertOpen();
    return this.#store.sql.actionApplied.get(actionId) !== undefined;
  }

  checkCapacity(): JournalCapacity {
    if (this.#closed) return { ok: false, code: 'journal_closed' };
    if (this.#fault !== undefined) return { ok: false, code: 'chain_broken' };
    const level = storageLevelOf(retainedOf(this.#store, this.#state), this.#bounds);
    return level === 'full' ? { ok: false, code: 'storage_full' } : { ok: true, level };
  }

  status(): JournalStatus {
    this.#assertOpen();
    const state = this.#state;
    const retained = retainedOf(this.#store, state);
    return {
      state: this.#fault === undefined ? storageLevelOf(retained, this.#bounds) : 'chain_broken',
      deviceId: state.device_id,
      lastSeq: state.last_seq,
      firstStoredSeq: state.anchor_seq + 1,
      storedEventCount: state.stored_event_count,
      storedBytes: state.stored_bytes,
      unacknowledgedEventCount: state.unacked_event_count,
      unacknowledgedBytes: state.unacked_bytes,
      retainedEventCount: retained.eventCount,
      retainedBytes: retained.bytes,
      fillPercent: fillPercentOf(retained, this.#bounds),
      eventCountMax: this.#bounds.eventCountMax,
      storedBytesMax: this.#bounds.storedBytesMax,
      uncutEventCount: state.last_seq - state.cut_through_seq,
      pendingBatchCount: this.#store.sql.pendingBatchCount.get() ?? 0,
      lastBatchSeq: state.last_batch_seq,
      oldestPendingBatchCreatedAt: this.#store.sql.oldestPendingCreatedAt.get(),
      chainFault: this.#fault,
    };
  }

  verify(): ChainVerification {
    this.#assertOpen();
    const result = verifyAll(this.#store, this.#state);
    if (!result.ok) this.#fault = { code: result.code, seq: result.seq };
    return result;
  }

  cutBatches(options: { readonly eventCountPerBatchMax?: number; readonly eventCountMin?: number } = {}): readonly BatchSummary[] {
    this.#assertWritable();
    const eventCountMax = options.eventCountPerBatchMax ?? JOURNAL_BATCH_EVENT_COUNT_DEFAULT;
    const eventCountMin = options.eventCountMin ?? 1;
    if (!Number.isSafeInteger(eventCountMax) || eventCountMax < 1 || eventCountMax > BATCH_EVENT_COUNT_MAX) throw new RangeError(`eventCountPerBatchMax must be 1..${BATCH_EVENT_COUNT_MAX}`);
    if (!Number.isSafeInteger(eventCountMin) || eventCountMin < 1 || eventCountMin > eventCountMax) throw new RangeError('eventCountMin must be 1..eventCountPerBatchMax');
    const cut: BatchSummary[] = [];
    for (let index = 0; index < JOURNAL_BATCH_CUT_COUNT_PER_CALL_MAX; index += 1) {
      if (this.#state.last_seq - this.#state.cut_through_seq < eventCountMin) break;
      const batch = this.#write('cutting a batch', () => cutOneBatch(this.#store, { state: this.#readState(), signer: this.#signer, createdAt: this.#now(), eventCountMax }));
      if (batch === undefined) break;
      cut.push(batch);
    }
    return cut;
  }

  pendingBatches(options: { readonly limit: number }): readonly PendingBatch[] {
    this.#assertOpen();
    assertLimit(options.limit, JOURNAL_READ_BATCH_COUNT_MAX, 'pendingBatches limit');
    return this.#store.sql.pendingBatches.all(options.limit).map(pendingOf);
  }

  acknowledgeBatch(input: { readonly batchSeq: number; readonly acknowledgement: BatchAcknowledgement; readonly reason?: string }): boolean {
    this.#assertOpen();
    return this.#write('acknowledging a batch', () => acknowledgeOne(this.#store, { batchSeq: input.batchSeq, acknowledgement: input.acknowledgement, reason: input.reason, at: this.#now() }));
  }

  batch(batchSeq: number): BatchSummary | undefined {
    this.#assertOpen();
    const row = this.#store.sql.batchSummary.get(batchSeq);
    return row === undefined ? undefined : summaryOf(row);
  }

  readEvents(options: { readonly fromSeq: number; readonly limit: number }): readonly JournalEvent[] {
    this.#assertOpen();
    assertLimit(options.limit, JOURNAL_READ_EVENT_COUNT_MAX, 'readEvents limit');
    return this.#store.sql.eventsFrom.all(options.fromSeq, options.limit).map((row) => {
      const event = decodeStoredEvent(row.body);
      if (event === undefined) throw new JournalError('database_corrupt', `stored event ${row.seq} cannot be read`);
      return event;
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

/**
 * Opens (or creates) the device journal in `dir`. Throws JournalError
 * `database_corrupt`, `journal_locked`, `schema_unsupported`,
 * `device_mismatch` or `io_failed`; a chain that does not verify at the tail
 * opens read-only in effect (state `chain_broken`, writes throw).
 */
export function openJournal(options: OpenJournalOptions): DeviceJournal {
  assertBound(options.deviceId, 1, 'deviceId');
  if (options.deviceId > DEVICE_ID_MAX) throw new RangeError(`deviceId must be ≤ ${DEVICE_ID_MAX}`);
  const bounds: JournalBounds = {
    eventCountMax: assertBound(options.eventCountMax ?? JOURNAL_EVENT_COUNT_MAX_DEFAULT, JOURNAL_EVENT_COUNT_MAX_MIN, 'eventCountMax'),
    storedBytesMax: assertBound(options.storedBytesMax ?? JOURNAL_STORED_BYTES_MAX_DEFAULT, JOURNAL_STORED_BYTES_MAX_MIN, 'storedBytesMax'),
  };
  const db = openDatabase({ dir: options.dir, deviceId: options.deviceId });
  try {
    const journal = new SqliteDeviceJournal({ db, signer: options.signer, bounds, now: options.now ?? (() => new Date()) });
    if (journal.status().deviceId !== options.deviceId) throw new JournalError('device_mismatch', 'the journal in this folder belongs to another device');
    return journal;
  } catch (error) {
    db.close();
    throw journalErrorFrom(error, 'reading the journal');
  }
}
