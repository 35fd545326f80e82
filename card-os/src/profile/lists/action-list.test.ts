/**
 * Action list documents: exact entry bytes (README.md), round trips of every
 * action kind, and strict decoding of malformed, truncated and fuzzed input.
 */
import { randomBytes } from 'node:crypto';
import { toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../codecs/bcd.js';
import type { TransitContract } from '../codecs/transit-entitlements.js';
import { AUTOLOAD_AMOUNT_VND_MAX, type ActionListEntry } from './action-entry.js';
import { decodeActionList, encodeActionList, sortActionEntries, type ActionListDocument } from './action-list.js';
import { LIST_HEADER_LENGTH_BYTES } from './codes.js';
import { decodeContract, encodeContract } from './contract-bytes.js';
import type { ListDecodeFailureCode } from './failure.js';

const ISSUED_AT = new Date('2026-12-04T00:00:00Z');
const FROM = new Date('2026-12-04T01:00:00Z');
const UNTIL = new Date('2026-12-11T01:00:00Z');
const card = (body: string): string => body + luhnCheckDigit(body);
const A = card('970400000000001'); // 9704000000000018
const B = card('970400000000002');
const FUZZ_CASE_COUNT = 3_000;
const CONTRACT: TransitContract = { kind: 'monthly-single-route', tariff: 'concession', routeId: 32, validFrom: '2026-12-01', validUntil: '2026-12-31', pricePaidVnd: 55_000, saleId: 700_001 };

const autoload: ActionListEntry = { actionId: 'topup-1001', cardNumber: A, seq: 1, validFrom: FROM, expiresAt: UNTIL, kind: 'autoload', application: 'transit', amountVnd: 100_000 };
const pass: ActionListEntry = { actionId: 'pass-77', cardNumber: A, seq: 2, validFrom: FROM, expiresAt: UNTIL, kind: 'load-contract', application: 'transit', contract: CONTRACT };
const unblock: ActionListEntry = { actionId: 'unblock-5', cardNumber: B, seq: 1, validFrom: FROM, expiresAt: UNTIL, kind: 'unblock', application: 'canteen' };
const canteen: ActionListEntry = { actionId: 'canteen-9', cardNumber: B, seq: 2, validFrom: FROM, expiresAt: UNTIL, kind: 'autoload', application: 'canteen', amountVnd: 50_000 };

const fullOf = (entries: readonly ActionListEntry[]): ActionListDocument => ({ kind: 'full', version: 3, baseVersion: 0, issuedAt: ISSUED_AT, entries });

function expectFailure(bytes: Uint8Array, code: ListDecodeFailureCode, field?: string): void {
  const decoded = decodeActionList(bytes);
  expect(decoded.ok).toBe(false);
  if (decoded.ok) return;
  expect(decoded.code).toBe(code);
  if (field !== undefined) expect(decoded.field).toBe(field);
}

/** Offsets inside the first entry of a one-entry full list (README.md "Action entries"). */
const ENTRY = LIST_HEADER_LENGTH_BYTES + 4;
const ID_LENGTH = ENTRY + 12;
const afterId = (entry: ActionListEntry): number => ID_LENGTH + 1 + entry.actionId.length;

function patch(bytes: Uint8Array, offset: number, ...values: number[]): Uint8Array {
  const copy = bytes.slice();
  copy.set(values, offset);
  return copy;
}

describe('encodeActionList / decodeActionList', () => {
  it('writes the exact bytes of README.md', () => {
    const bytes = encodeActionList(fullOf([autoload]));
    // FROM = 218 509 200 s = 0x0d062f90, UNTIL = FROM + 7 days = 219 114 000 s = 0x0d0f6a10
    expect(toHex(bytes)).toBe(
      '4f43414c' + '01' + '01' + '03000000' + '00000000' + '8021060d' + '01000000' +
        '9704000000000018' + '01000000' + '0a' + toHex(new TextEncoder().encode('topup-1001')) + '01' + '02' + '902f060d' + '106a0f0d' + 'a0860100',
    );
  });

  it('round-trips every action kind in a full list and a delta', () => {
    const entries = sortActionEntries([unblock, pass, canteen, autoload]);
    expect(decodeActionList(encodeActionList(fullOf(entries)))).toEqual({ ok: true, value: fullOf(entries) });
    const delta: ActionListDocument = { kind: 'delta', version: 5, baseVersion: 3, issuedAt: ISSUED_AT, adds: [pass], removes: ['canteen-9', 'topup-1001'] };
    expect(decodeActionList(encodeActionList(delta))).toEqual({ ok: true, value: delta });
  });

  it('carries a contract as the transit.entitlements contract slot', () => {
    // PROFILE.md §5.2 contract: kind 01 · tariff 02 · route 2000 · from day 2526 (0x09de) · until day 2556 (0x09fc) · 55 000 VND · sale 700 001
    expect(toHex(encodeContract(CONTRACT))).toBe('01' + '02' + '2000' + 'de09' + 'fc09' + 'd8d60000' + '61ae0a00');
    expect(decodeContract(encodeContract(CONTRACT))).toEqual({ ok: true, value: CONTRACT });
    expect(decodeContract(new Uint8Array(16))).toEqual({ ok: false, field: 'contractKind' });
    expect(decodeContract(new Uint8Array(15))).toEqual({ ok: false, field: 'length' });
  });

  it('refuses to encode what it cannot carry', () => {
    expect(() => encodeActionList(fullOf([pass, autoload]))).toThrow(/entries_unsorted/);
    expect(() => encodeActionList(fullOf([autoload, { ...pass, actionId: autoload.actionId }]))).toThrow(/entry_duplicate/);
    expect(() => encodeActionList(fullOf([{ ...autoload, cardNumber: '9704000000000017' }]))).toThrow(/cardNumber/);
    expect(() => encodeActionList(fullOf([{ ...autoload, amountVnd: AUTOLOAD_AMOUNT_VND_MAX.transit + 1 }]))).toThrow(/amountVnd/);
    expect(() => encodeActionList(fullOf([{ ...canteen, amountVnd: AUTOLOAD_AMOUNT_VND_MAX.canteen + 1 }]))).toThrow(/amountVnd/);
    expect(() => encodeActionList(fullOf([{ ...autoload, amountVnd: 0 }]))).toThrow(/amountVnd/);
    expect(() => encodeActionList(fullOf([{ ...autoload, expiresAt: FROM }]))).toThrow(/expiresAt/);
    expect(() => encodeActionList(fullOf([{ ...autoload, actionId: 'Top Up' }]))).toThrow(/actionId/);
    expect(() => encodeActionList(fullOf([{ ...autoload, seq: 0 }]))).toThrow(/seq/);
    expect(() => encodeActionList(fullOf([{ ...pass, contract: { ...CONTRACT, routeId: 0 } }]))).toThrow(/routeId/);
    expect(() => encodeActionList({ kind: 'delta', version: 5, baseVersion: 4, issuedAt: ISSUED_AT, adds: [autoload], removes: [autoload.actionId] })).toThrow(/entry_conflict/);
    expect(() => encodeActionList({ kind: 'delta', version: 5, baseVersion: 4, issuedAt: ISSUED_AT, adds: [], removes: ['b', 'a'] })).toThrow(/entries_unsorted/);
  });
});

describe('decodeActionList refuses hostile bytes with a typed failure', () => {
  const one = encodeActionList(fullOf([autoload]));
  const two = encodeActionList(fullOf([autoload, pass]));
  const delta = encodeActionList({ kind: 'delta', version: 5, baseVersion: 3, issuedAt: ISSUED_AT, adds: [pass], removes: ['a-1', 'b-2'] });

  it('every truncation', () => {
    for (const bytes of [one, two, delta]) for (let length = 0; length < bytes.length; length++) expectFailure(bytes.subarray(0, length), 'truncated');
  });

  it('card numbers: bad check digit, bad BCD nibble', () => {
    expectFailure(patch(one, ENTRY + 7, 0x17), 'card_number_invalid', 'entries[0].cardNumber');
    expectFailure(patch(one, ENTRY + 7, 0x1a), 'card_number_invalid', 'entries[0].cardNumber');
    expectFailure(patch(one, ENTRY + 7, 0x1f), 'card_number_invalid', 'entries[0].cardNumber');
  });

  it('fields out of range', () => {
    expectFailure(patch(one, ENTRY + 8, 0, 0, 0, 0), 'malformed', 'entries[0].seq');
    expectFailure(patch(one, ID_LENGTH, 0), 'malformed', 'entries[0].actionId');
    expectFailure(patch(one, ID_LENGTH, 65), 'malformed', 'entries[0].actionId');
    expectFailure(patch(one, ID_LENGTH + 1, 0x41), 'malformed', 'entries[0].actionId'); // 'A'
    const k = afterId(autoload);
    expectFailure(patch(one, k, 4), 'malformed', 'entries[0].kind');
    expectFailure(patch(one, k + 1, 7), 'malformed', 'entries[0].application');
    expectFailure(patch(one, k + 1, 6), 'malformed', 'entries[0].application'); // autoload to health
    expectFailure(patch(one, k + 6, 0x90, 0x2f, 0x06, 0x0d), 'malformed', 'entries[0].expiresAt'); // expiresAt = validFrom
    expectFailure(patch(one, k + 10, 0, 0, 0, 0), 'malformed', 'entries[0].amountVnd');
    expectFailure(patch(one, k + 10, 0x81, 0x84, 0x1e, 0x00), 'malformed', 'entries[0].amountVnd'); // 2 000 001 VND
    const p = afterId(pass);
    const passOnly = encodeActionList(fullOf([pass]));
    expectFailure(patch(passOnly, p + 1, 4), 'malformed', 'entries[0].application'); // a pass for the canteen
    expectFailure(patch(passOnly, p + 10, 9), 'malformed', 'entries[0].contract.contractKind');
  });

  it('order: unsorted, duplicate seq, duplicate action id', () => {
    const swapped = Uint8Array.from([...one.subarray(0, ENTRY - 4), 2, 0, 0, 0, ...two.subarray(one.length), ...one.subarray(ENTRY)]);
    expectFailure(swapped, 'entries_unsorted', 'entries[1]');
    const sameSeq = encodeActionList(fullOf([autoload, pass]));
    expectFailure(patch(sameSeq, one.length + 8, 1), 'entry_duplicate', 'entries[1].seq');
    const sameId = encodeActionList(fullOf([autoload, { ...pass, actionId: 'topup-1002' }]));
    const idAt = sameId.indexOf(0x32, one.length + 12 + 9); // last char of the second id
    expectFailure(patch(sameId, idAt, 0x31), 'entry_duplicate', 'entries[1].actionId');
  });

  it('deltas: removes unsorted, duplicate, conflicting with an add', () => {
    const removesAt = delta.length - 2 * 4;
    expectFailure(patch(delta, removesAt + 1, 0x63), 'entries_unsorted', 'removes[1]'); // 'c-1', 'b-2'
    expectFailure(patch(delta, removesAt + 1, 0x62, 0x2d, 0x32), 'entry_duplicate', 'removes[1]'); // 'b-2', 'b-2'
    const conflict = encodeActionList({ kind: 'delta', version: 5, baseVersion: 3, issuedAt: ISSUED_AT, adds: [pass], removes: ['pass-76'] });
    expectFailure(patch(conflict, conflict.length - 1, 0x37), 'entry_conflict', 'adds[0].actionId');
  });

  it('counts and trailing bytes', () => {
    expectFailure(patch(one, LIST_HEADER_LENGTH_BYTES, 2), 'truncated', 'entries.count');
    expectFailure(patch(one, LIST_HEADER_LENGTH_BYTES, 0x41, 0x42, 0x0f, 0x00), 'too_many_entries', 'entries.count');
    expectFailure(Uint8Array.from([...one, 0]), 'trailing_bytes', 'end');
    expectFailure(patch(one, 3, 0x4c - 8), 'bad_magic'); // "OCDL": a deny list is not an action list
  });

  it(`${FUZZ_CASE_COUNT} random and mutated inputs: never throws, fails only with known codes, accepts only canonical bytes`, () => {
    const known: ListDecodeFailureCode[] = ['truncated', 'bad_magic', 'unsupported_version', 'malformed', 'bad_base_version', 'entries_unsorted', 'entry_duplicate', 'entry_conflict', 'card_number_invalid', 'too_many_entries', 'trailing_bytes'];
    const seeds = [one, two, delta];
    let acceptedCount = 0;
    for (let i = 0; i < FUZZ_CASE_COUNT; i++) {
      const seed = seeds[i % seeds.length] ?? one;
      let bytes: Uint8Array;
      if (i % 4 === 0) bytes = Uint8Array.from(randomBytes(i % 96));
      else {
        bytes = seed.slice();
        for (let f = 0; f < 1 + (i % 3); f++) {
          const at = randomBytes(2).readUInt16LE() % bytes.length;
          bytes[at] = randomBytes(1)[0] ?? 0;
        }
      }
      const decoded = decodeActionList(bytes);
      if (decoded.ok) {
        acceptedCount++;
        expect(encodeActionList(decoded.value)).toEqual(bytes);
      } else expect(known).toContain(decoded.code);
    }
    expect(acceptedCount).toBeGreaterThan(0); // mutations of header fields stay valid: the canonical check ran
  });
});
