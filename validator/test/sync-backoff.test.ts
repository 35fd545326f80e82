import { describe, expect, it } from 'vitest';
import { readUploadAnswer } from '../src/sync/upload-answer.js';
import { SYNC_ANSWER_BYTES_MAX, SYNC_BACKOFF_BASE_MS, SYNC_BACKOFF_EXPONENT_MAX, SYNC_BACKOFF_MS_MAX, SYNC_LIST_ENVELOPE_BYTES_MAX, SYNC_REQUEST_TIMEOUT_MS_DEFAULT, backoffMs, createSyncAgent, retryAfterMs } from '../src/sync/index.js';

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('sync backoff', () => {
  it('doubles from the base, jitters between half and all of the cap, and never exceeds the maximum', () => {
    expect(backoffMs({ failureCount: 1, random: () => 0 })).toBe(SYNC_BACKOFF_BASE_MS / 2);
    expect(backoffMs({ failureCount: 1, random: () => 0.999_999 })).toBeLessThan(SYNC_BACKOFF_BASE_MS);
    expect(backoffMs({ failureCount: 3, random: () => 0 })).toBe(SYNC_BACKOFF_BASE_MS * 2);
    for (const failureCount of [10, 100, 10_000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffMs({ failureCount, random: () => 0.999_999 })).toBeLessThanOrEqual(SYNC_BACKOFF_MS_MAX);
      expect(backoffMs({ failureCount, random: () => 0 })).toBe(SYNC_BACKOFF_MS_MAX / 2);
    }
    expect(backoffMs({ failureCount: 4, random: () => 2 })).toBe(SYNC_BACKOFF_BASE_MS * 8);
    expect(() => backoffMs({ failureCount: 0, random: () => 0 })).toThrow(RangeError);
  });

  it('keeps its limits in order', () => {
    expect(SYNC_BACKOFF_BASE_MS).toBeLessThan(SYNC_BACKOFF_MS_MAX);
    expect(SYNC_BACKOFF_BASE_MS * 2 ** SYNC_BACKOFF_EXPONENT_MAX).toBeGreaterThanOrEqual(SYNC_BACKOFF_MS_MAX);
    expect(SYNC_REQUEST_TIMEOUT_MS_DEFAULT).toBeLessThan(SYNC_BACKOFF_MS_MAX);
    expect(SYNC_ANSWER_BYTES_MAX).toBeLessThan(SYNC_LIST_ENVELOPE_BYTES_MAX);
  });
});

describe('Retry-After', () => {
  const nowMs = Date.parse('2026-12-04T02:00:00.000Z');
  it('reads delta-seconds and HTTP-dates, capped, and ignores junk', () => {
    expect(retryAfterMs({ header: '120', nowMs })).toBe(120_000);
    expect(retryAfterMs({ header: '999999999', nowMs })).toBe(SYNC_BACKOFF_MS_MAX);
    expect(retryAfterMs({ header: 'Fri, 04 Dec 2026 02:00:30 GMT', nowMs })).toBe(30_000);
    expect(retryAfterMs({ header: 'Fri, 04 Dec 2026 01:00:00 GMT', nowMs })).toBe(0);
    expect(retryAfterMs({ header: null, nowMs })).toBeUndefined();
    expect(retryAfterMs({ header: '-5', nowMs })).toBeUndefined();
    expect(retryAfterMs({ header: 'soon', nowMs })).toBeUndefined();
  });
});

describe('upload answers', () => {
  const read = (status: number, body: unknown) => readUploadAnswer({ status, body: bytes(body), batchSeq: 7 });

  it('maps the protocol answers that mean done', () => {
    expect(read(200, { status: 'accepted', batchSeq: 7, eventCount: 3 })).toEqual({ done: true, acknowledgement: 'accepted', reason: undefined });
    expect(read(200, { status: 'duplicate', batchSeq: 7 })).toEqual({ done: true, acknowledgement: 'duplicate', reason: undefined });
    expect(read(202, { status: 'quarantined', batchSeq: 7, reason: 'chain_broken' })).toEqual({ done: true, acknowledgement: 'quarantined', reason: 'chain_broken' });
    expect(read(409, { error: { code: 'batch_conflict', message: 'x' } })).toEqual({ done: true, acknowledgement: 'conflict', reason: 'batch_conflict' });
  });

  it('keeps the batch pending on everything else, with a stable code', () => {
    expect(read(200, { status: 'accepted', batchSeq: 8, eventCount: 3 })).toEqual({ done: false, code: 'protocol_violation' });
    expect(read(200, 'not json {')).toEqual({ done: false, code: 'protocol_violation' });
    expect(read(200, { status: 'applied', batchSeq: 7 })).toEqual({ done: false, code: 'protocol_violation' });
    expect(read(202, { status: 'accepted', batchSeq: 7 })).toEqual({ done: false, code: 'protocol_violation' });
    expect(read(409, { error: { code: 'other' } })).toEqual({ done: false, code: 'protocol_violation' });
    expect(read(401, { error: { code: 'device_unknown' } })).toEqual({ done: false, code: 'device_unknown' });
    expect(read(403, { error: { code: 'certificate_expired' } })).toEqual({ done: false, code: 'certificate_expired' });
    expect(read(403, 'nope')).toEqual({ done: false, code: 'unauthorized' });
    expect(read(400, {})).toEqual({ done: false, code: 'envelope_malformed' });
    expect(read(413, {})).toEqual({ done: false, code: 'batch_too_large' });
    expect(read(429, {})).toEqual({ done: false, code: 'rate_limited' });
    expect(read(503, {})).toEqual({ done: false, code: 'server_error' });
    expect(read(302, {})).toEqual({ done: false, code: 'protocol_violation' });
    expect(readUploadAnswer({ status: 200, body: Uint8Array.of(0xff, 0xfe), batchSeq: 7 })).toEqual({ done: false, code: 'protocol_violation' });
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => createSyncAgent({ journal: undefined as never, deviceId: 1, baseUrl: 'ftp://x' })).toThrow(RangeError);
  });
});
