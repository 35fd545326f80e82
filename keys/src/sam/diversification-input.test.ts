import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import { AN10922_AES_INPUT_LENGTH_BYTES_MAX, AN10922_TDEA_INPUT_LENGTH_BYTES_MAX } from '../an10922.js';
import { SYSTEM_IDENTIFIER_LENGTH_BYTES_MAX } from '../store/store-document.js';
import { AID_LENGTH_BYTES, buildDiversificationInput, CARD_UID_LENGTH_BYTES } from './diversification-input.js';

// AN10922 §2.2.1 / §2.4.1 example inputs (see keys/test-vectors/primitives.json).
const UID = fromHex('04782E21801D80');
const AID_ON_WIRE = '3042f5';
const AID = 0xf5_42_30;
const NXP_ABU = new TextEncoder().encode('NXP Abu');

describe('buildDiversificationInput', () => {
  it('is UID ‖ AID (LSB first) ‖ system identifier for AES, as in AN10922 §2.2.1', () => {
    const input = buildDiversificationInput({ uid: UID, aid: AID, systemIdentifier: NXP_ABU, keyType: 'aes128' });
    expect(toHex(input)).toBe(`04782e21801d80${AID_ON_WIRE}4e585020416275`);
  });

  it('keeps the first 15 bytes for TDEA, which is the AN10922 §2.4.1 example input', () => {
    for (const keyType of ['2tdea', '3tdea'] as const) {
      const input = buildDiversificationInput({ uid: UID, aid: AID, systemIdentifier: NXP_ABU, keyType });
      expect(toHex(input)).toBe(`04782e21801d80${AID_ON_WIRE}4e58502041`);
    }
  });

  it('refuses UIDs of the wrong length, AIDs out of range and oversized system identifiers', () => {
    const base = { aid: AID, systemIdentifier: NXP_ABU, keyType: 'aes128' } as const;
    expect(() => buildDiversificationInput({ ...base, uid: UID.subarray(0, 4) })).toThrow(expect.objectContaining({ code: 'invalid_uid' }));
    expect(() => buildDiversificationInput({ ...base, uid: new Uint8Array(10) })).toThrow(expect.objectContaining({ code: 'invalid_uid' }));
    expect(() => buildDiversificationInput({ ...base, uid: UID, aid: 0x1_00_00_00 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => buildDiversificationInput({ ...base, uid: UID, aid: -1 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => buildDiversificationInput({ ...base, uid: UID, systemIdentifier: new Uint8Array(22) })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => buildDiversificationInput({ ...base, uid: UID, systemIdentifier: new Uint8Array(0) })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('limits relate: the longest system identifier fills the AES input exactly; TDEA keeps at least UID ‖ AID', () => {
    expect(CARD_UID_LENGTH_BYTES + AID_LENGTH_BYTES + SYSTEM_IDENTIFIER_LENGTH_BYTES_MAX).toBe(AN10922_AES_INPUT_LENGTH_BYTES_MAX);
    expect(CARD_UID_LENGTH_BYTES + AID_LENGTH_BYTES).toBeLessThan(AN10922_TDEA_INPUT_LENGTH_BYTES_MAX);
  });
});
