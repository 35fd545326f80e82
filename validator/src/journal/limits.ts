/**
 * Every limit of the device journal, with its unit last. Relations between
 * them are asserted once, here, at import (assertions stay on in production)
 * and again in test/journal-limits.test.ts.
 */
import { BATCH_EVENT_COUNT_MAX } from '@onecard/card-os/profile';

/**
 * Default bound on events kept on the device. A city bus sees ~2,000 taps a
 * day, a school gate ~3,000: 200,000 events is more than 60 days offline.
 */
export const JOURNAL_EVENT_COUNT_MAX_DEFAULT: number = 200_000;
/**
 * Default bound on journal bytes (event JSON + batch envelopes, see
 * JournalStatus.storedBytes). SQLite pages and indexes add about 1.5× on disk.
 */
export const JOURNAL_STORED_BYTES_MAX_DEFAULT = 256 * 1024 * 1024;
/** Smallest bounds a caller may configure (tests use small ones). */
export const JOURNAL_EVENT_COUNT_MAX_MIN = 64;
export const JOURNAL_STORED_BYTES_MAX_MIN = 1024 * 1024;

/** Share of a bound held by un-acknowledged events at which the journal warns (long before full). */
export const JOURNAL_WARNING_PERCENT: number = 80;
/** Readers one validator drives at once, each with one tap in flight, each tap journaling at most two events (recovery + fare). */
export const JOURNAL_TAPS_IN_FLIGHT_MAX = 2;
export const JOURNAL_EVENTS_PER_TAP_MAX = 2;
/**
 * Room kept for taps already admitted: `checkCapacity()` refuses a new tap
 * while fewer than this many events fit, so a tap that was admitted before
 * touching the card can always be journaled after CommitTransaction.
 */
export const JOURNAL_TAP_RESERVE_EVENT_COUNT = JOURNAL_TAPS_IN_FLIGHT_MAX * JOURNAL_EVENTS_PER_TAP_MAX;

/** Largest canonical event JSON accepted (the schema's own maxima give ~3 KiB). */
export const JOURNAL_EVENT_BYTES_MAX = 8 * 1024;
/**
 * An event is counted twice at append: its row and its copy inside the batch
 * that will carry it (the envelope adds its own overhead when cut).
 */
export const JOURNAL_EVENT_COPY_COUNT = 2;
export const JOURNAL_TAP_RESERVE_BYTES = JOURNAL_TAP_RESERVE_EVENT_COUNT * JOURNAL_EVENT_BYTES_MAX * JOURNAL_EVENT_COPY_COUNT;

/** Events per batch cut by default: ~200 KiB envelopes, one HTTP request each. */
export const JOURNAL_BATCH_EVENT_COUNT_DEFAULT: number = 500;
/** Batches cut by one `cutBatches()` call (the rest waits for the next call). */
export const JOURNAL_BATCH_CUT_COUNT_PER_CALL_MAX = 64;
/** Acknowledged batches pruned by one append at most (bounds the latency of that tap). */
export const JOURNAL_PRUNE_BATCH_COUNT_PER_APPEND_MAX = 8;
/** Events checked by the tail verification at open. */
export const JOURNAL_TAIL_VERIFY_EVENT_COUNT = 256;
/** Rows read per page by `verify()` (bounded memory for any journal size). */
export const JOURNAL_VERIFY_PAGE_EVENT_COUNT = 2_000;
/**
 * Applied action ids remembered after their events are pruned, so an action
 * still on an old action list is never applied twice by this device.
 */
export const JOURNAL_APPLIED_ACTION_COUNT_MAX = 100_000;
/** Events one `readEvents()` call answers at most, and batches one `pendingBatches()` call. */
export const JOURNAL_READ_EVENT_COUNT_MAX = 10_000;
export const JOURNAL_READ_BATCH_COUNT_MAX = 1_000;
/** SQLite busy timeout: a second process on the same file fails fast with `journal_locked`. */
export const JOURNAL_BUSY_TIMEOUT_MS = 200;

function assertLimit(condition: boolean, what: string): void {
  if (!condition) throw new Error(`assertion failed: journal limits: ${what}`);
}

assertLimit(JOURNAL_BATCH_EVENT_COUNT_DEFAULT <= BATCH_EVENT_COUNT_MAX, 'default batch fits the contract maximum');
/** The warning must come well before full: the reserve takes at most half of the share above the warning. */
const RESERVE_PERCENT_MAX = (100 - JOURNAL_WARNING_PERCENT) / 2;
assertLimit(JOURNAL_TAP_RESERVE_EVENT_COUNT * 100 <= RESERVE_PERCENT_MAX * JOURNAL_EVENT_COUNT_MAX_MIN, 'reserve is a small part of the smallest bound');
assertLimit(JOURNAL_TAP_RESERVE_BYTES * 100 <= RESERVE_PERCENT_MAX * JOURNAL_STORED_BYTES_MAX_MIN, 'byte reserve is a small part of the smallest bound');
assertLimit(JOURNAL_WARNING_PERCENT > 0 && JOURNAL_WARNING_PERCENT < 100, 'warning is below full');
assertLimit(JOURNAL_EVENT_COUNT_MAX_DEFAULT >= JOURNAL_EVENT_COUNT_MAX_MIN && JOURNAL_STORED_BYTES_MAX_DEFAULT >= JOURNAL_STORED_BYTES_MAX_MIN, 'defaults above minima');
assertLimit(JOURNAL_EVENT_COUNT_MAX_DEFAULT * JOURNAL_EVENT_BYTES_MAX / 8 <= JOURNAL_STORED_BYTES_MAX_DEFAULT, 'default bytes hold the default count of typical (1 KiB) events');
