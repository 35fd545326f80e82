/**
 * Exponential backoff with "equal jitter": after n consecutive failed rounds
 * the wait is uniformly in [cap/2, cap) with cap = min(max, base × 2^(n−1)),
 * so devices that lost the network together do not come back together, and
 * no wait is ever zero or longer than SYNC_BACKOFF_MS_MAX.
 */
import { SYNC_BACKOFF_BASE_MS, SYNC_BACKOFF_EXPONENT_MAX, SYNC_BACKOFF_MS_MAX } from './limits.js';

/** `random` answers in [0, 1) like Math.random (tests inject a fixed one). */
export function backoffMs(input: { readonly failureCount: number; readonly random: () => number; readonly baseMs?: number; readonly waitMsMax?: number }): number {
  if (!Number.isSafeInteger(input.failureCount) || input.failureCount < 1) throw new RangeError('failureCount must be ≥ 1');
  const baseMs = input.baseMs ?? SYNC_BACKOFF_BASE_MS;
  const waitMsMax = input.waitMsMax ?? SYNC_BACKOFF_MS_MAX;
  const exponent = Math.min(input.failureCount - 1, SYNC_BACKOFF_EXPONENT_MAX);
  const capMs = Math.min(waitMsMax, baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(input.random(), 0), 1);
  return Math.floor(capMs / 2 + (jitter * capMs) / 2);
}

const MS_PER_S = 1_000;
const DELTA_SECONDS_PATTERN = /^\d{1,9}$/;
/** IMF-fixdate, e.g. "Fri, 04 Dec 2026 02:00:30 GMT" (the form RFC 9110 §5.6.7 requires senders to use). */
const HTTP_DATE_PATTERN = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * A `Retry-After` header (RFC 9110 §10.2.3: delta-seconds or an HTTP-date)
 * as a wait from `nowMs`, capped at `waitMsMax`; undefined when absent or
 * unreadable (the backoff alone then decides).
 */
export function retryAfterMs(input: { readonly header: string | null; readonly nowMs: number; readonly waitMsMax?: number }): number | undefined {
  const waitMsMax = input.waitMsMax ?? SYNC_BACKOFF_MS_MAX;
  const text = input.header?.trim();
  if (text === undefined || text === '') return undefined;
  if (DELTA_SECONDS_PATTERN.test(text)) return Math.min(Number(text) * MS_PER_S, waitMsMax);
  const atMs = HTTP_DATE_PATTERN.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(atMs)) return undefined;
  return Math.min(Math.max(atMs - input.nowMs, 0), waitMsMax);
}
