/**
 * Deny list documents: exact bytes (README.md), round trips, size, and
 * strict decoding of every malformed, truncated and hostile input.
 */
import { randomBytes } from 'node:crypto';
import { toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../codecs/bcd.js';
import { CARD_KEY_MAX, cardKeyOf, cardNumberOfKey } from './card-key.js';
import { DENY_LIST_ENTRY_COUNT_MAX, DENY_LIST_MAGIC, DENY_REASON_RADIX, LIST_HEADER_LENGTH_BYTES, VARINT_LENGTH_BYTES_MAX } from './codes.js';
import { EMPTY_DENY_ENTRIES, packCardKeys, packDenyEntries, unpackDenyEntries, type DenyEntry } from './deny-entries.js';
import { decodeDenyList, encodeDenyList, type DenyListDocument } from './deny-list.js';
import type { ListDecodeFailureCode } from './failure.js';

const ISSUED_AT = new Date('2026-12-04T00:00:00Z');
/** 2026-12-04T00:00:00Z − 2020-01-01T00:00:00Z = 2529 days · 86400 s = 218 505 600 s = 0x0d062180 (LE 80 21 06 0d). */
const ISSUED_AT_LE_HEX = '8021060d';
const card = (body: string): string => body + luhnCheckDigit(body);
const A = card('970400000000001'); // 9704000000000018
const B = card('970400000000002');
const C = card('970400000123456');
const FUZZ_CASE_COUNT = 3_000;
const SIZE_ENTRY_COUNT = 100_000;
const SIZE_CARD_RANGE = 100_000_000;
const SIZE_BYTES_PER_ENTRY_MAX = 3;

function full(entries: readonly DenyEntry[], version = 7): DenyListDocument {
  return { kind: 'full', version, baseVersion: 0, issuedAt: ISSUED_AT, entries: packDenyEntries(entries) };
}

function expectFailure(bytes: Uint8Array, code: ListDecodeFailureCode, field?: string): void {
  const decoded = decodeDenyList(bytes);
  expect(decoded.ok).toBe(false);
  if (decoded.ok) return;
  expect(decoded.code).toBe(code);
  if (field !== undefined) expect(decoded.field).toBe(field);
}

/** A full list header with `count`, then raw entry bytes. */
function rawFull(count: number, ...entryBytes: number[]): Uint8Array {
  const head = encodeDenyList({ kind: 'full', version: 1, baseVersion: 0, issuedAt: ISSUED_AT, entries: EMPTY_DENY_ENTRIES }).slice(0, LIST_HEADER_LENGTH_BYTES);
  const countLe = Uint8Array.of(count & 0xff, (count >>> 8) & 0xff, (count >>> 16) & 0xff, count >>> 24);
  return Uint8Array.from([...head, ...countLe, ...entryBytes]);
}

describe('card keys', () => {
  it('are the first 15 digits; the check digit is recomputed', () => {
    expect(A).toBe('9704000000000018');
    expect(cardKeyOf(A)).toBe(970_400_000_000_001);
    expect(cardNumberOfKey(970_400_000_000_001)).toBe(A);
    expect(cardNumberOfKey(0)).toBe('0000000000000000');
    expect(cardNumberOfKey(CARD_KEY_MAX)).toBe(card('999999999999999'));
  });

  it('refuse numbers that are not 16 Luhn-valid digits', () => {
    for (const bad of ['9704000000000017', '970400000000001', '97040000000000188', '97040000000000a8', '', ' 704000000000018']) expect(cardKeyOf(bad)).toBeUndefined();
    expect(() => cardNumberOfKey(CARD_KEY_MAX + 1)).toThrow(RangeError);
    expect(() => cardNumberOfKey(-1)).toThrow(RangeError);
  });
});

describe('encodeDenyList / decodeDenyList', () => {
  it('writes the exact bytes of README.md', () => {
    const bytes = encodeDenyList(full([{ cardNumber: B, reason: 'stolen' }, { cardNumber: A, reason: 'lost' }]));
    // magic OCDL · format 1 · kind full · version 7 · base 0 · issuedAt · count 2
    // entry A: gap = key + 1 = 970400000000002, ·8 + lost(1) = 7763200000000017 → LEB128
    // entry B: gap 1, ·8 + stolen(2) = 10 → 0a
    const gapA = (970_400_000_000_001 + 1) * DENY_REASON_RADIX + 1;
    let leb = '';
    for (let rest = gapA; ; rest = Math.floor(rest / 128)) {
      if (rest < 128) {
        leb += rest.toString(16).padStart(2, '0');
        break;
      }
      leb += ((rest % 128) | 0x80).toString(16).padStart(2, '0');
    }
    expect(toHex(bytes)).toBe('4f43444c' + '01' + '01' + '07000000' + '00000000' + ISSUED_AT_LE_HEX + '02000000' + leb + '0a');
  });

  it('round-trips a full list, sorted by card number', () => {
    const entries: DenyEntry[] = [{ cardNumber: C, reason: 'fraud_suspected' }, { cardNumber: A, reason: 'lost' }, { cardNumber: B, reason: 'replaced' }];
    const decoded = decodeDenyList(encodeDenyList(full(entries)));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok || decoded.value.kind !== 'full') return;
    expect(decoded.value.version).toBe(7);
    expect(decoded.value.issuedAt).toEqual(ISSUED_AT);
    expect([...unpackDenyEntries(decoded.value.entries)]).toEqual([entries[1], entries[2], entries[0]]);
  });

  it('round-trips a delta with adds and removes', () => {
    const document: DenyListDocument = { kind: 'delta', version: 9, baseVersion: 7, issuedAt: ISSUED_AT, adds: packDenyEntries([{ cardNumber: C, reason: 'blocked_by_issuer' }]), removes: packCardKeys([B, A]) };
    const decoded = decodeDenyList(encodeDenyList(document));
    expect(decoded).toEqual({ ok: true, value: document });
  });

  it('round-trips an empty full list and the largest card key', () => {
    const top = card('999999999999999');
    for (const entries of [[], [{ cardNumber: top, reason: 'lost' as const }]]) {
      const decoded = decodeDenyList(encodeDenyList(full(entries)));
      expect(decoded.ok && decoded.value.kind === 'full' ? [...unpackDenyEntries(decoded.value.entries)] : undefined).toEqual(entries);
    }
  });

  it(`keeps ${SIZE_ENTRY_COUNT.toLocaleString('en-US')} cards of a 10^8 range under ${SIZE_BYTES_PER_ENTRY_MAX} bytes each`, () => {
    const keys = new Float64Array(SIZE_ENTRY_COUNT);
    for (let i = 0; i < SIZE_ENTRY_COUNT; i++) keys[i] = 970_400_000_000_000 + Math.floor((i * SIZE_CARD_RANGE) / SIZE_ENTRY_COUNT) + (i % 7);
    const reasonCodes = new Uint8Array(SIZE_ENTRY_COUNT).fill(1);
    const bytes = encodeDenyList({ kind: 'full', version: 1, baseVersion: 0, issuedAt: ISSUED_AT, entries: { keys, reasonCodes } });
    expect(bytes.length).toBeLessThan(SIZE_ENTRY_COUNT * SIZE_BYTES_PER_ENTRY_MAX);
    const decoded = decodeDenyList(bytes);
    expect(decoded.ok && decoded.value.kind === 'full' ? decoded.value.entries.keys : undefined).toEqual(keys);
  });

  it('refuses to encode what it cannot carry', () => {
    expect(() => packDenyEntries([{ cardNumber: '9704000000000017', reason: 'lost' }])).toThrow(/entries\[0\]\.cardNumber/);
    expect(() => packDenyEntries([{ cardNumber: A, reason: 'lost' }, { cardNumber: A, reason: 'stolen' }])).toThrow(/twice/);
    expect(() => packCardKeys([A, A])).toThrow(/twice/);
    expect(() => encodeDenyList({ ...full([]), version: 0 })).toThrow(RangeError);
    expect(() => encodeDenyList({ kind: 'delta', version: 3, baseVersion: 3, issuedAt: ISSUED_AT, adds: EMPTY_DENY_ENTRIES, removes: new Float64Array(0) })).toThrow(/baseVersion/);
    expect(() => encodeDenyList({ kind: 'delta', version: 3, baseVersion: 2, issuedAt: ISSUED_AT, adds: packDenyEntries([{ cardNumber: A, reason: 'lost' }]), removes: packCardKeys([A]) })).toThrow(/same card/);
    expect(() => encodeDenyList({ ...full([]), issuedAt: new Date('2019-12-31T23:59:59Z') })).toThrow(/issuedAt/);
    expect(() => encodeDenyList({ kind: 'full', version: 1, baseVersion: 0, issuedAt: ISSUED_AT, entries: { keys: Float64Array.of(5, 4), reasonCodes: Uint8Array.of(1, 1) } })).toThrow(/ascending/);
  });
});

describe('decodeDenyList refuses hostile bytes with a typed failure', () => {
  const valid = encodeDenyList(full([{ cardNumber: A, reason: 'lost' }, { cardNumber: C, reason: 'stolen' }]));
  const delta = encodeDenyList({ kind: 'delta', version: 9, baseVersion: 8, issuedAt: ISSUED_AT, adds: packDenyEntries([{ cardNumber: A, reason: 'lost' }]), removes: packCardKeys([C]) });

  it('every truncation of a full list and of a delta', () => {
    for (const bytes of [valid, delta]) {
      for (let length = 0; length < bytes.length; length++) expectFailure(bytes.subarray(0, length), 'truncated');
    }
  });

  it('header faults', () => {
    const patched = (offset: number, value: number): Uint8Array => {
      const copy = valid.slice();
      copy[offset] = value;
      return copy;
    };
    expectFailure(patched(0, 0x58), 'bad_magic', 'header.magic');
    const actionMagic = valid.slice();
    actionMagic.set([0x4f, 0x43, 0x41, 0x4c]);
    expectFailure(actionMagic, 'bad_magic');
    expectFailure(patched(DENY_LIST_MAGIC.length, 2), 'unsupported_version', 'header.formatVersion');
    expectFailure(patched(5, 3), 'malformed', 'header.kind');
    expectFailure(patched(5, 0), 'malformed', 'header.kind');
    const versionZero = valid.slice();
    versionZero.fill(0, 6, 10);
    expectFailure(versionZero, 'malformed', 'header.version');
    expectFailure(patched(10, 1), 'bad_base_version', 'header.baseVersion');
    const issuedZero = valid.slice();
    issuedZero.fill(0, 14, 18);
    expectFailure(issuedZero, 'malformed', 'header.issuedAt');
    const deltaBaseTooHigh = delta.slice();
    deltaBaseTooHigh[10] = 9;
    expectFailure(deltaBaseTooHigh, 'bad_base_version');
    const deltaBaseZero = delta.slice();
    deltaBaseZero[10] = 0;
    expectFailure(deltaBaseZero, 'bad_base_version');
  });

  it('entry faults: duplicate, unknown reason, key beyond 15 digits, non-canonical and overlong varints', () => {
    expect(decodeDenyList(rawFull(2, 0x09, 0x09)).ok).toBe(true); // keys 0 and 1, lost
    expectFailure(rawFull(2, 0x09, 0x01), 'entry_duplicate', 'entries[1]'); // gap 0
    expectFailure(rawFull(1, 0x08), 'malformed', 'entries[0].reason'); // reason 0
    expectFailure(rawFull(1, 0x0e), 'malformed', 'entries[0].reason'); // reason 6
    expectFailure(rawFull(1, 0x89, 0x00), 'malformed', 'entries[0]'); // 0x09 padded with a zero group
    expectFailure(rawFull(1, ...new Array<number>(VARINT_LENGTH_BYTES_MAX).fill(0xff)), 'malformed', 'entries[0]');
    expectFailure(rawFull(1, ...new Array<number>(VARINT_LENGTH_BYTES_MAX - 1).fill(0xff), 0x7f), 'malformed', 'entries[0]'); // 2^56 − 1: not exact as a number
    // gap (10^15 + 1) → key 10^15, one past the largest card key
    const tooBig = (CARD_KEY_MAX + 2) * DENY_REASON_RADIX + 1;
    const leb: number[] = [];
    for (let rest = tooBig; ; rest = Math.floor(rest / 128)) {
      if (rest < 128) {
        leb.push(rest);
        break;
      }
      leb.push((rest % 128) | 0x80);
    }
    expectFailure(rawFull(1, ...leb), 'card_number_invalid', 'entries[0]');
  });

  it('counts that the bytes cannot hold, counts beyond the maximum, trailing bytes', () => {
    expectFailure(rawFull(1_000, 0x09), 'truncated', 'entries.count');
    expectFailure(rawFull(DENY_LIST_ENTRY_COUNT_MAX + 1), 'too_many_entries', 'entries.count');
    expectFailure(rawFull(0xffff_ffff), 'too_many_entries');
    expectFailure(Uint8Array.from([...valid, 0]), 'trailing_bytes', 'end');
  });

  it('a delta adding and removing the same card', () => {
    const bytes = Uint8Array.from([...delta.subarray(0, LIST_HEADER_LENGTH_BYTES), 1, 0, 0, 0, 0x09, 1, 0, 0, 0, 0x01]);
    expectFailure(bytes, 'entry_conflict', 'adds[0]');
  });

  it('not bytes at all', () => {
    expectFailure('OCDL' as unknown as Uint8Array, 'malformed', 'bytes');
  });

  it(`${FUZZ_CASE_COUNT} random and mutated inputs: never throws, fails only with known codes, accepts only canonical bytes`, () => {
    const known: ListDecodeFailureCode[] = ['truncated', 'bad_magic', 'unsupported_version', 'malformed', 'bad_base_version', 'entry_duplicate', 'entry_conflict', 'card_number_invalid', 'too_many_entries', 'trailing_bytes'];
    const seeds = [valid, delta];
    let acceptedCount = 0;
    for (let i = 0; i < FUZZ_CASE_COUNT; i++) {
      const seed = seeds[i % seeds.length] ?? valid;
      let bytes: Uint8Array;
      if (i % 3 === 0) bytes = Uint8Array.from(randomBytes(i % 64));
      else {
        bytes = seed.slice();
        const flips = 1 + (i % 4);
        for (let f = 0; f < flips; f++) {
          const at = randomBytes(2).readUInt16LE() % bytes.length;
          bytes[at] = (bytes[at] ?? 0) ^ (1 << (i % 8));
        }
      }
      const decoded = decodeDenyList(bytes);
      // Whatever is accepted is the one canonical encoding of its document (validators keep full lists as received).
      if (decoded.ok) {
        acceptedCount++;
        expect(encodeDenyList(decoded.value)).toEqual(bytes);
      } else expect(known).toContain(decoded.code);
    }
    expect(acceptedCount).toBeGreaterThan(0); // mutations of header fields stay valid: the canonical check ran
  });
});
