import { concatBytes, crc16Iso14443aBytes, crc32DesfireBytes, fromHex, toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { DesfireStatus } from '../protocol/status.js';
import { USER_ATS_LENGTH_BYTES_MAX, parseUserAtsPlaintext, userAtsPlaintext } from './user-ats.js';

const ATS = fromHex('067577810280');

describe('SetConfiguration option 02 framing (libfreefare mifare_desfire_set_ats, proxmark3 DesfireSetConfiguration)', () => {
  it('host plaintext: D40 ATS ‖ CRC16(ATS) ‖ 80, EV1 ATS ‖ CRC32(5C 02 ATS) ‖ 80, EV2 the ATS alone', () => {
    expect(toHex(userAtsPlaintext({ scheme: 'd40', ats: ATS }))).toBe(`067577810280${toHex(crc16Iso14443aBytes(ATS))}80`);
    expect(toHex(crc16Iso14443aBytes(ATS))).toBe('02f0'); // the CRC seen in a real libfreefare trace against our card
    expect(toHex(userAtsPlaintext({ scheme: 'ev1', ats: ATS }))).toBe(`067577810280${toHex(crc32DesfireBytes(fromHex('5c02067577810280')))}80`);
    expect(userAtsPlaintext({ scheme: 'ev2', ats: ATS })).toEqual(ATS);
  });

  it('card parser: round-trips every scheme with the padding the session leaves', () => {
    expect(parseUserAtsPlaintext({ scheme: 'd40', plaintext: concatBytes(userAtsPlaintext({ scheme: 'd40', ats: ATS }), new Uint8Array(7)) })).toEqual({ ok: true, ats: ATS });
    expect(parseUserAtsPlaintext({ scheme: 'ev1', plaintext: concatBytes(userAtsPlaintext({ scheme: 'ev1', ats: ATS }), new Uint8Array(5)) })).toEqual({ ok: true, ats: ATS });
    expect(parseUserAtsPlaintext({ scheme: 'ev2', plaintext: ATS })).toEqual({ ok: true, ats: ATS });
  });

  it('card parser: statuses for malformed data, never a throw', () => {
    const status = (scheme: 'd40' | 'ev1' | 'ev2', plaintext: Uint8Array): number | undefined => {
      const r = parseUserAtsPlaintext({ scheme, plaintext });
      return r.ok ? undefined : r.status;
    };
    expect(status('d40', new Uint8Array(0))).toBe(DesfireStatus.LENGTH_ERROR);
    expect(status('d40', fromHex('00'))).toBe(DesfireStatus.LENGTH_ERROR);
    expect(status('ev1', Uint8Array.of(USER_ATS_LENGTH_BYTES_MAX + 1, ...new Uint8Array(40)))).toBe(DesfireStatus.LENGTH_ERROR);
    expect(status('d40', concatBytes(ATS, crc16Iso14443aBytes(ATS)))).toBe(DesfireStatus.LENGTH_ERROR); // no room for the 80
    expect(status('d40', concatBytes(ATS, crc16Iso14443aBytes(ATS), fromHex('00')))).toBe(DesfireStatus.INTEGRITY_ERROR);
    expect(status('ev1', concatBytes(userAtsPlaintext({ scheme: 'd40', ats: ATS }), new Uint8Array(7)))).toBe(DesfireStatus.INTEGRITY_ERROR);
    expect(status('ev2', concatBytes(ATS, fromHex('80')))).toBe(DesfireStatus.LENGTH_ERROR);
    expect(status('ev2', ATS.subarray(0, 5))).toBe(DesfireStatus.LENGTH_ERROR);
  });
});
