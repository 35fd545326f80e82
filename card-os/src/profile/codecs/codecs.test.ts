/**
 * Every record codec: round trip, the exact bytes of each layout's header
 * (PROFILE.md §5 tables), and strict decoding: wrong length, unwritten,
 * future version, unknown codes, non-zero reserved bytes and random bytes
 * are typed errors, never exceptions or guesses.
 */
import { randomBytes } from 'node:crypto';
import { toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { attendanceCodec } from './attendance.js';
import { luhnCheckDigit, luhnValid } from './bcd.js';
import { canteenEventCodec } from './canteen-event.js';
import { credentialCodec, employeeCodec } from './civil.js';
import { emergencyCodec, insuranceCodec, visitCodec } from './health.js';
import { identityCodec } from './identity.js';
import { libraryLoansCodec } from './library-loans.js';
import type { RecordCodec } from './result.js';
import { studentRecordCodec } from './student-record.js';
import { transitEntitlementsCodec } from './transit-entitlements.js';
import { initialFareState, transitFareStateCodec } from './transit-fare-state.js';
import { tripCodec } from './transit-trip.js';

const AT = new Date('2025-09-02T00:15:00Z');
/** Seconds from 2020-01-01T00:00:00Z to AT, as stored (LE hex below). */
const AT_EPOCH_SECONDS = 178_935_300;
const FUZZ_RECORD_COUNT = 2_000;

interface Sample {
  readonly codec: RecordCodec<unknown>;
  readonly value: unknown;
  /** Hex of the first bytes of the encoding, checked against PROFILE.md. */
  readonly headHex: string;
  /** Byte offset of a field holding a code (made unknown in a test), or undefined. */
  readonly codeOffset: number | undefined;
  /** Byte offset of a reserved byte, or undefined when the layout has none. */
  readonly reservedOffset: number | undefined;
}

const SAMPLES: readonly Sample[] = [
  {
    codec: identityCodec,
    value: { profileVersion: 1, cardNumber: '9704000000000018', issuerCode: 1, issuedOn: '2025-09-01', expiresOn: '2030-08-31', categories: [{ category: 'pupil', validFrom: '2025-09-01', validUntil: '2026-08-31' }] },
    // version 01, profile 01, BCD card number, issuer 0100, issued day 2070 = 0x0816, expiry 3895 = 0x0f37, 1 category: pupil (02) from 0x0816 until day 2434 = 0x0982
    headHex: '0101' + '9704000000000018' + '0100' + '1608' + '370f' + '01' + '02' + '1608' + '8209',
    codeOffset: 17,
    reservedOffset: 31,
  },
  {
    codec: transitEntitlementsCodec,
    value: { fareCategory: 'pupil', fareCategoryValidFrom: '2025-09-01', fareCategoryValidUntil: '2026-08-31', contracts: [{ kind: 'monthly-single-route', tariff: 'concession', routeId: 32, validFrom: '2025-09-01', validUntil: '2025-09-30', pricePaidVnd: 55_000, saleId: 700_001 }] },
    headHex: '01' + '02' + '1608' + '8209' + '01' + '00' + '01' + '02' + '2000' + '1608' + '3308' + 'd8d60000' + '61ae0a00',
    codeOffset: 1,
    reservedOffset: 7,
  },
  { codec: transitFareStateCodec, value: { ...initialFareState('2025-09-01'), journeyStartedAt: AT, lastTapAt: AT, lastRouteId: 32, transfersUsed: 1, capDaySpentVnd: 7_000, capMonthSpentVnd: 14_000 }, headHex: '02' + '01' + '0456aa0a', codeOffset: undefined, reservedOffset: 31 },
  {
    codec: transitFareStateCodec,
    value: { ...initialFareState('2025-09-01'), lastTapAt: AT, actions: { lastSeq: 5, claimTmc: 9 } },
    // version 02 … marker at offset 24: action seq 5 (u24), claim TMC 9 (u32), 1 reserved byte
    headHex: '02' + '00' + '00000000' + '0456aa0a',
    codeOffset: undefined,
    reservedOffset: 31,
  },
  { codec: tripCodec, value: { event: 'fare', transactionNo: 7, at: AT, deviceId: 4242, routeId: 32, amountVnd: 7_000, balanceAfterVnd: 43_000, contractSlot: undefined }, headHex: '01' + '02' + '07000000' + '0456aa0a' + '92100000' + '2000' + '581b0000' + 'f8a70000' + 'ff', codeOffset: 1, reservedOffset: 31 },
  { codec: studentRecordCodec, value: { level: 'lower-secondary', schoolCode: 1_010_203, studentId: '0123456789', grade: 7, validUntil: '2026-08-31' }, headHex: '01' + '03' + '1b6a0f00' + '30313233343536373839' + '0000' + '07', codeOffset: 1, reservedOffset: 31 },
  { codec: attendanceCodec, value: { direction: 'in', at: AT, siteCode: 1_010_203, gateNo: 1 }, headHex: '01' + '01' + '0456aa0a' + '1b6a0f00' + '0100', codeOffset: 1, reservedOffset: 15 },
  { codec: libraryLoansCodec, value: { loans: [{ itemId: 123_456, libraryCode: 3, dueOn: '2025-09-30' }] }, headHex: '01' + '01' + '40e20100' + '0300' + '3308', codeOffset: undefined, reservedOffset: 63 },
  { codec: canteenEventCodec, value: { event: 'purchase', transactionNo: 3, at: AT, amountVnd: 25_000, balanceAfterVnd: 75_000 }, headHex: '01' + '02' + '03000000' + '0456aa0a' + 'a86100' + 'f82401', codeOffset: 1, reservedOffset: undefined },
  { codec: employeeCodec, value: { agencyCode: 17, employeeId: 'HN0001234', validUntil: '2030-08-31' }, headHex: '01' + '11000000' + '484e30303031323334000000' + '370f', codeOffset: undefined, reservedOffset: 31 },
  { codec: credentialCodec, value: { credentialSerial: 2, loginAccount: 'nguyen.van.an', validUntil: '2030-08-31' }, headHex: '01' + '0200' + '6e677579656e2e76616e2e616e', codeOffset: undefined, reservedOffset: 31 },
  { codec: insuranceCodec, value: { insuranceNumber: 'HS4010123456789', registeredFacility: '01001', validFrom: '2025-01-01', validUntil: '2025-12-31' }, headHex: '01' + '485334303130313233343536373839' + '3031303031', codeOffset: undefined, reservedOffset: 31 },
  {
    codec: emergencyCodec,
    value: { bloodGroup: 'O+', allergies: ['penicillin', 'seafood'], chronicConditions: ['J45.9', 'I10'], contact: { relation: 'parent', phone: '0912345678' }, updatedOn: '2025-09-01' },
    // O+ = 02, allergies bits 0 and 7 = 0x0081, 2 conditions "J459" "I10\0"
    headHex: '01' + '02' + '8100' + '02' + '4a343539' + '49313000',
    codeOffset: 1,
    reservedOffset: 63,
  },
  { codec: visitCodec, value: { visitType: 'outpatient', on: '2025-09-02', facility: '01001', reason: 'J06.9' }, headHex: '01' + '01' + '1708' + '3031303031' + '4a303639', codeOffset: 1, reservedOffset: 15 },
];

describe.each(SAMPLES)('$codec.name', ({ codec, value, headHex, codeOffset, reservedOffset }) => {
  it('round-trips and has the documented layout', () => {
    const bytes = codec.encode(value);
    expect(bytes).toHaveLength(codec.lengthBytes);
    expect(toHex(bytes).startsWith(headHex)).toBe(true);
    expect(codec.decode(bytes)).toEqual({ ok: true, value });
  });

  it('refuses wrong lengths, unwritten records, version 0 and future versions', () => {
    const bytes = codec.encode(value);
    expect(codec.decode(bytes.subarray(1))).toEqual({ ok: false, code: 'malformed', field: 'length' });
    expect(codec.decode(Uint8Array.of(...bytes, 0))).toEqual({ ok: false, code: 'malformed', field: 'length' });
    expect(codec.decode(new Uint8Array(codec.lengthBytes))).toEqual({ ok: false, code: 'empty', field: 'version' });
    const zeroVersion = bytes.slice();
    zeroVersion[0] = 0;
    expect(codec.decode(zeroVersion)).toEqual({ ok: false, code: 'malformed', field: 'version' });
    const future = bytes.slice();
    future[0] = codec.version + 1;
    expect(codec.decode(future)).toEqual({ ok: false, code: 'unsupported_version', field: 'version' });
  });

  it('refuses unknown codes and non-zero reserved bytes', () => {
    const bytes = codec.encode(value);
    if (codeOffset !== undefined) {
      const unknown = bytes.slice();
      unknown[codeOffset] = 0xee;
      expect(codec.decode(unknown)).toMatchObject({ ok: false, code: 'malformed' });
    }
    if (reservedOffset !== undefined) {
      const reserved = bytes.slice();
      reserved[reservedOffset] = 1;
      expect(codec.decode(reserved)).toMatchObject({ ok: false, code: 'malformed' });
    }
  });

  it(`never throws on ${FUZZ_RECORD_COUNT} random records and never accepts one that does not re-encode to itself`, () => {
    for (let i = 0; i < FUZZ_RECORD_COUNT; i++) {
      const bytes = randomBytes(codec.lengthBytes);
      bytes[0] = codec.version;
      const decoded = codec.decode(bytes);
      if (decoded.ok) expect(toHex(codec.encode(decoded.value))).toBe(toHex(bytes));
      else expect(['malformed', 'unsupported_version', 'empty']).toContain(decoded.code);
    }
  });
});

describe('field rules', () => {
  it('card numbers carry a Luhn check digit', () => {
    expect(luhnCheckDigit('970400000000001')).toBe('8');
    expect(luhnValid('9704000000000018')).toBe(true);
    const sample = SAMPLES[0];
    if (sample === undefined) throw new Error('no sample');
    const bytes = sample.codec.encode(sample.value);
    bytes[9] = 0x19; // last digits 19: check digit wrong
    expect(sample.codec.decode(bytes)).toEqual({ ok: false, code: 'malformed', field: 'cardNumber' });
    bytes[9] = 0x1a; // not a decimal digit
    expect(sample.codec.decode(bytes)).toEqual({ ok: false, code: 'malformed', field: 'cardNumber' });
  });

  it('text fields are zero padded and match their pattern', () => {
    const bytes = studentRecordCodec.encode({ level: 'primary', schoolCode: 1, studentId: 'AB12', grade: 3, validUntil: '2026-05-31' });
    const gap = bytes.slice();
    gap[12] = 0x43; // a character after the padding started (text at 6..9, padding from 10)
    expect(studentRecordCodec.decode(gap)).toEqual({ ok: false, code: 'malformed', field: 'studentId' });
    const lower = bytes.slice();
    lower[6] = 0x61; // 'a'
    expect(studentRecordCodec.decode(lower)).toEqual({ ok: false, code: 'malformed', field: 'studentId' });
  });

  it('counts beyond the layout, inverted validity and unknown allergy bits are malformed', () => {
    const e = transitEntitlementsCodec.encode({ fareCategory: 'adult', fareCategoryValidFrom: '2025-01-01', fareCategoryValidUntil: '2025-12-31', contracts: [] });
    const tooMany = e.slice();
    tooMany[6] = 4;
    expect(transitEntitlementsCodec.decode(tooMany)).toEqual({ ok: false, code: 'malformed', field: 'contractCount' });
    const inverted = e.slice();
    inverted[5] = 0x00; // until before from
    inverted[4] = 0x00;
    expect(transitEntitlementsCodec.decode(inverted)).toEqual({ ok: false, code: 'malformed', field: 'fareCategoryValidUntil' });
    const emergency = emergencyCodec.encode({ bloodGroup: 'unknown', allergies: [], chronicConditions: [], contact: undefined, updatedOn: '2025-01-01' });
    emergency[3] = 0x80; // bit 15
    expect(emergencyCodec.decode(emergency)).toEqual({ ok: false, code: 'malformed', field: 'allergies' });
  });

  it('encoding refuses values the layout cannot hold, naming the field', () => {
    expect(() => tripCodec.encode({ event: 'fare', transactionNo: 1, at: new Date('2019-12-31T00:00:00Z'), deviceId: 1, routeId: 1, amountVnd: 1, balanceAfterVnd: 0, contractSlot: undefined })).toThrow(/at must lie after/);
    expect(() => canteenEventCodec.encode({ event: 'top-up', transactionNo: 1, at: AT, amountVnd: 20_000_000, balanceAfterVnd: 0 })).toThrow(/amountVnd/);
    expect(() => identityCodec.encode({ profileVersion: 1, cardNumber: '9704000000000019', issuerCode: 1, issuedOn: '2025-01-01', expiresOn: '2026-01-01', categories: [] })).toThrow(/cardNumber/);
  });

  it('stores instants as seconds since 2020-01-01T00:00:00Z', () => {
    const bytes = attendanceCodec.encode({ direction: 'out', at: AT, siteCode: 1, gateNo: 2 });
    expect(new DataView(bytes.buffer).getUint32(2, true)).toBe(AT_EPOCH_SECONDS);
  });
});

describe('transit.fare-state versions (PROFILE.md §12)', () => {
  const state = { ...initialFareState('2025-09-01'), lastTapAt: AT, lastRouteId: 32, capDaySpentVnd: 7_000 };

  it('stores the action marker at offset 24 (seq u24, claim TMC u32)', () => {
    const bytes = transitFareStateCodec.encode({ ...state, actions: { lastSeq: 0x01_02_03, claimTmc: 0x0a_0b_0c_0d } });
    expect(toHex(bytes.subarray(24))).toBe('030201' + '0d0c0b0a' + '00');
  });

  it('decodes a version 1 record (8 reserved bytes) as "no action applied"', () => {
    const v1 = transitFareStateCodec.encode(state);
    v1[0] = 1;
    expect(transitFareStateCodec.decode(v1)).toEqual({ ok: true, value: state });
    expect(transitFareStateCodec.decode(v1)).not.toHaveProperty('value.actions');
    const v1Reserved = v1.slice();
    v1Reserved[26] = 1;
    expect(transitFareStateCodec.decode(v1Reserved)).toEqual({ ok: false, code: 'malformed', field: 'reserved' });
  });

  it('writes version 2 and refuses a claim that names no action', () => {
    expect(transitFareStateCodec.encode(state)[0]).toBe(2);
    expect(() => transitFareStateCodec.encode({ ...state, actions: { lastSeq: 0, claimTmc: 3 } })).toThrow(RangeError);
    const bytes = transitFareStateCodec.encode(state);
    bytes[27] = 3;
    expect(transitFareStateCodec.decode(bytes)).toEqual({ ok: false, code: 'malformed', field: 'actionClaimTmc' });
  });
});
