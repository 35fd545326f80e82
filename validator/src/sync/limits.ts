/** Every limit of the sync agent, unit last; relations asserted once here and in test/sync-limits.test.ts. */
import { ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX } from '@onecard/keys';
import { JOURNAL_READ_BATCH_COUNT_MAX } from '../journal/index.js';

/** Pause between rounds when all is well. */
export const SYNC_INTERVAL_MS_DEFAULT = 30_000;
/** One HTTP request, headers and body, from start to the last byte. */
export const SYNC_REQUEST_TIMEOUT_MS_DEFAULT = 20_000;
/** First retry after a failed round waits about this long (equal jitter: ½ to 1×). */
export const SYNC_BACKOFF_BASE_MS = 2_000;
/** No wait between retries exceeds this, however long the device is offline. */
export const SYNC_BACKOFF_MS_MAX = 10 * 60_000;
/** Doublings stop here (2^9 × 2 s > 10 min already); keeps the arithmetic small. */
export const SYNC_BACKOFF_EXPONENT_MAX = 16;
/** Batches uploaded by one round; the next round starts at once when more wait. */
export const SYNC_UPLOAD_BATCH_COUNT_PER_ROUND_MAX: number = 50;
/** JSON answers (upload results, errors) larger than this are a protocol violation. */
export const SYNC_ANSWER_BYTES_MAX = 64 * 1024;
/** A list envelope (a full deny list of millions of entries) may be this large. */
export const SYNC_LIST_ENVELOPE_BYTES_MAX = ENVELOPE_PAYLOAD_LENGTH_BYTES_MAX + 1024;

function assertLimit(condition: boolean, what: string): void {
  if (!condition) throw new Error(`assertion failed: sync limits: ${what}`);
}

assertLimit(SYNC_BACKOFF_BASE_MS < SYNC_BACKOFF_MS_MAX, 'backoff grows before it is capped');
assertLimit(SYNC_BACKOFF_BASE_MS * 2 ** SYNC_BACKOFF_EXPONENT_MAX >= SYNC_BACKOFF_MS_MAX, 'the exponent cap does not stop growth below the wait cap');
assertLimit(SYNC_REQUEST_TIMEOUT_MS_DEFAULT < SYNC_BACKOFF_MS_MAX, 'a request ends before the longest wait');
assertLimit(SYNC_ANSWER_BYTES_MAX < SYNC_LIST_ENVELOPE_BYTES_MAX, 'answers are small, lists are large');
assertLimit(SYNC_UPLOAD_BATCH_COUNT_PER_ROUND_MAX < JOURNAL_READ_BATCH_COUNT_MAX, 'one round reads its batches in one call');
