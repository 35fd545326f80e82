/**
 * The per-device hash chain over journal events:
 *   hash = SHA-256( "OneCard-Journal-v1" 0x00 ‖ prevHash (32 bytes) ‖ canonical(body) )
 * canonical(body) is the UTF-8 JSON of the body with its keys in code-point
 * order and no whitespace (values are strings, integers and one flat record,
 * so this is exactly RFC 8785 JCS for them). A device's first event has
 * prevHash = 32 zero bytes. Any change, insertion, removal or reordering of
 * an event breaks every hash after it.
 */
import { createHash } from 'node:crypto';
import { HASH_HEX_LENGTH_CHARS, type JournalEvent, type JournalEventBody } from './event.js';

export const GENESIS_HASH_HEX = '0'.repeat(HASH_HEX_LENGTH_CHARS);
const CHAIN_DOMAIN = Buffer.from('OneCard-Journal-v1\u0000', 'utf8');

type CanonicalValue = string | number | boolean | null | readonly CanonicalValue[] | { readonly [key: string]: CanonicalValue | undefined };

/** JSON with sorted keys, undefined members dropped (RFC 8785 for the value shapes events use). */
export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError('canonical JSON carries integers only');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${(value as readonly CanonicalValue[]).map(canonicalJson).join(',')}]`;
  const record = value as { readonly [key: string]: CanonicalValue | undefined };
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key] as CanonicalValue)}`).join(',')}}`;
}

export function bodyOf(event: JournalEvent): JournalEventBody {
  const body: Partial<JournalEvent> = { ...event };
  delete body.prevHash;
  delete body.hash;
  return body as JournalEventBody;
}

export function chainHash(prevHashHex: string, body: JournalEventBody): string {
  if (prevHashHex.length !== HASH_HEX_LENGTH_CHARS) throw new RangeError('prevHash must be 32 bytes of hex');
  return createHash('sha256').update(CHAIN_DOMAIN).update(Buffer.from(prevHashHex, 'hex')).update(canonicalJson(body), 'utf8').digest('hex');
}

/** Seals a body onto the chain: the event a journal stores. */
export function sealEvent(prevHashHex: string, body: JournalEventBody): JournalEvent {
  return { ...body, prevHash: prevHashHex, hash: chainHash(prevHashHex, body) };
}

export type ChainCheck = { readonly ok: true } | { readonly ok: false; readonly index: number; readonly code: 'hash_mismatch' | 'prev_hash_mismatch' | 'seq_not_contiguous' | 'device_mismatch' };

/**
 * Checks that `events` are one contiguous piece of one device's chain, the
 * first linking to `prevHashHex` when given. Answers the first bad index.
 */
export function checkChain(events: readonly JournalEvent[], options: { readonly prevHashHex?: string } = {}): ChainCheck {
  let prev = options.prevHashHex;
  const first = events[0];
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index] as JournalEvent;
    if (first !== undefined && event.deviceId !== first.deviceId) return { ok: false, index, code: 'device_mismatch' };
    if (first !== undefined && event.seq !== first.seq + index) return { ok: false, index, code: 'seq_not_contiguous' };
    if (prev !== undefined && event.prevHash !== prev) return { ok: false, index, code: 'prev_hash_mismatch' };
    if (chainHash(event.prevHash, bodyOf(event)) !== event.hash) return { ok: false, index, code: 'hash_mismatch' };
    prev = event.hash;
  }
  return { ok: true };
}
