import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ed25519KeyPairFromSeed, encodeEnvelope, decodeEnvelope } from '@onecard/keys';
import { GENESIS_HASH_HEX, canonicalJson, chainHash, checkChain, sealEvent } from './chain.js';
import { decodeBatch, signBatch } from './batch.js';
import type { JournalEvent, JournalEventBody } from './event.js';

const SEED = new Uint8Array(32).fill(7);
const keyPair = ed25519KeyPairFromSeed(SEED);
const signer = { keyId: 'device-4711', secretKey: keyPair.secretKey };

function body(seq: number, overrides: Partial<JournalEventBody> = {}): JournalEventBody {
  return { v: 1, deviceId: 4711, seq, at: '2026-12-04T01:02:03.456Z', kind: 'fare', application: 'transit', cardNumber: '9704000000000018', amountVnd: 8000, balanceBeforeVnd: 50_000, balanceAfterVnd: 42_000, tmc: seq + 10, ...overrides };
}

function chainOf(count: number): JournalEvent[] {
  const events: JournalEvent[] = [];
  let prev = GENESIS_HASH_HEX;
  for (let seq = 1; seq <= count; seq += 1) {
    const event = sealEvent(prev, body(seq));
    events.push(event);
    prev = event.hash;
  }
  return events;
}

describe('canonical JSON', () => {
  it('sorts keys, drops undefined members and has no whitespace (RFC 8785 for these shapes)', () => {
    expect(canonicalJson({ b: 1, a: 'x', c: undefined, d: { z: 1, y: 'é' } })).toBe('{"a":"x","b":1,"d":{"y":"é","z":1}}');
  });
  it('refuses non-integers', () => {
    expect(() => canonicalJson({ a: 1.5 })).toThrow(RangeError);
  });
});

describe('hash chain', () => {
  it('is SHA-256 over the domain, the previous hash and the canonical body', () => {
    const b = body(1);
    const expected = createHash('sha256').update('OneCard-Journal-v1\u0000').update(Buffer.alloc(32)).update(canonicalJson(b)).digest('hex');
    expect(chainHash(GENESIS_HASH_HEX, b)).toBe(expected);
  });
  it('detects tampering, removal and reordering at the first bad index', () => {
    const events = chainOf(5);
    expect(checkChain(events, { prevHashHex: GENESIS_HASH_HEX })).toEqual({ ok: true });
    const tampered = events.map((e, i) => (i === 2 ? { ...e, amountVnd: 1 } : e));
    expect(checkChain(tampered)).toEqual({ ok: false, index: 2, code: 'hash_mismatch' });
    expect(checkChain([events[0], events[2]] as JournalEvent[])).toEqual({ ok: false, index: 1, code: 'seq_not_contiguous' });
    expect(checkChain(events.slice(1), { prevHashHex: GENESIS_HASH_HEX })).toEqual({ ok: false, index: 0, code: 'prev_hash_mismatch' });
  });
});

describe('signed batches', () => {
  it('round-trips and verifies with the device key', () => {
    const events = chainOf(3);
    const bytes = signBatch({ deviceId: 4711, batchSeq: 1, createdAt: new Date('2026-12-04T02:00:00.000Z'), events, signer });
    const decoded = decodeBatch(bytes, { publicKey: keyPair.publicKey });
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(decoded.batch.events).toEqual(events);
  });
  it('gives the same bytes for the same batch (a re-send is recognisable)', () => {
    const events = chainOf(2);
    const input = { deviceId: 4711, batchSeq: 9, createdAt: new Date(0), events, signer };
    expect(Buffer.from(signBatch(input)).equals(Buffer.from(signBatch(input)))).toBe(true);
  });
  it('answers typed failures for another key, tampered payload, truncation and garbage', () => {
    const bytes = signBatch({ deviceId: 4711, batchSeq: 1, createdAt: new Date(0), events: chainOf(2), signer });
    const other = ed25519KeyPairFromSeed(new Uint8Array(32).fill(8));
    expect(decodeBatch(bytes, { publicKey: other.publicKey })).toMatchObject({ ok: false, code: 'signature_invalid' });
    const envelope = decodeEnvelope(bytes);
    const flipped = Uint8Array.from(envelope.payload);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    expect(decodeBatch(encodeEnvelope({ ...envelope, payload: flipped }), { publicKey: keyPair.publicKey })).toMatchObject({ ok: false, code: 'signature_invalid' });
    for (const cut of [0, 1, 5, bytes.length - 1]) {
      expect(decodeBatch(bytes.subarray(0, cut), { publicKey: keyPair.publicKey })).toMatchObject({ ok: false, code: 'envelope_malformed' });
    }
  });
  it('refuses a correctly signed batch whose content breaks the rules', () => {
    const events = chainOf(2);
    const broken = [events[0], { ...(events[1] as JournalEvent), amountVnd: 1 }] as JournalEvent[];
    expect(() => signBatch({ deviceId: 4711, batchSeq: 1, createdAt: new Date(0), events: broken, signer })).toThrow(/do not chain/);
    const unknownField = sealEvent(GENESIS_HASH_HEX, { ...body(1), uid: '04aabbccddeeff' } as unknown as JournalEventBody);
    expect(() => signBatch({ deviceId: 4711, batchSeq: 1, createdAt: new Date(0), events: [unknownField], signer })).toThrow();
  });
});
