/**
 * Idempotent requests as Stripe keeps them (docs.stripe.com/api/idempotent_requests):
 * the first reply to a key is stored with a fingerprint of the request; the
 * same key with the same request replays it, with another request it is an
 * `idempotency_error`. Keys expire after 24 hours; replies to requests that
 * failed validation are not stored.
 */
import { createHash } from 'node:crypto';
import type { FakeReply } from './fake-errors.js';
import type { FormObject, FormValue } from './form-body.js';

export const IDEMPOTENCY_KEY_LENGTH_MAX = 255;
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_ENTRY_COUNT_MAX = 10_000;

interface StoredReply {
  readonly fingerprint: string;
  readonly reply: FakeReply;
  readonly storedAtMs: number;
}

export type IdempotencyLookup =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'replay'; readonly reply: FakeReply }
  | { readonly kind: 'mismatch' };

export interface IdempotencyStore {
  lookup(key: string, fingerprint: string): IdempotencyLookup;
  store(key: string, fingerprint: string, reply: FakeReply): void;
}

function canonical(value: FormValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${(value as readonly FormValue[]).map(canonical).join(',')}]`;
  const object = value as FormObject;
  const keys = Object.keys(object).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(object[key] ?? '')}`).join(',')}}`;
}

/** Fingerprint of one request: method, path and parameters in a canonical order. */
export function requestFingerprint(method: string, path: string, params: FormObject): string {
  return createHash('sha256').update(`${method} ${path}\n${canonical(params)}`).digest('hex');
}

export function createIdempotencyStore(nowMs: () => number): IdempotencyStore {
  const entries = new Map<string, StoredReply>();
  const prune = (): void => {
    const oldestAllowedMs = nowMs() - IDEMPOTENCY_TTL_MS;
    for (const [key, entry] of entries) {
      if (entry.storedAtMs >= oldestAllowedMs && entries.size <= IDEMPOTENCY_ENTRY_COUNT_MAX) break;
      entries.delete(key);
    }
  };
  return {
    lookup(key, fingerprint) {
      prune();
      const entry = entries.get(key);
      if (entry === undefined) return { kind: 'fresh' };
      return entry.fingerprint === fingerprint ? { kind: 'replay', reply: entry.reply } : { kind: 'mismatch' };
    },
    store(key, fingerprint, reply) {
      entries.set(key, { fingerprint, reply, storedAtMs: nowMs() });
      prune();
    },
  };
}
