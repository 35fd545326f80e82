/**
 * ChangeKey cryptograms through live sessions, card side parsing what the
 * host built, for every scheme; EV2 byte layout is pinned by the AN12196
 * Table 26 vector in vectors.test.ts.
 */
import { CIPHERS, concatBytes, crc32DesfireBytes, fromHex, setDesKeyVersion, toHex, type CipherName } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../protocol/commands.js';
import type { SmScheme } from '../protocol/mode.js';
import type { Ev1AuthMethod } from './auth-ev1.js';
import { changeKeyKeyBytes, changeKeyPlaintext, parseChangeKeyPlaintext } from './change-key.js';
import type { SecureSession } from './session.js';
import { ev1Pair, ev2Pair, rnd } from './test-helpers.js';

const AUTH_KEY_NO = 1;

function pair(method: Ev1AuthMethod | 'ev2', keyType: CipherName): { host: SecureSession; card: SecureSession; key: Uint8Array } {
  if (method === 'ev2') return ev2Pair();
  const p = ev1Pair({ method, keyType, keyNo: AUTH_KEY_NO });
  if (!p.ok) throw new Error(p.reason);
  return p;
}

const CASES: readonly { method: Ev1AuthMethod | 'ev2'; scheme: SmScheme; keyType: CipherName; newKeyCipher: CipherName }[] = [
  { method: 'legacy', scheme: 'd40', keyType: 'des', newKeyCipher: 'des' },
  { method: 'legacy', scheme: 'd40', keyType: '2tdea', newKeyCipher: '2tdea' },
  { method: 'iso', scheme: 'ev1', keyType: '2tdea', newKeyCipher: '2tdea' },
  { method: 'iso', scheme: 'ev1', keyType: '3tdea', newKeyCipher: '3tdea' },
  { method: 'aes', scheme: 'ev1', keyType: 'aes128', newKeyCipher: 'aes128' },
  { method: 'ev2', scheme: 'ev2', keyType: 'aes128', newKeyCipher: 'aes128' },
];

describe.each(CASES)('ChangeKey over $scheme ($newKeyCipher)', ({ method, scheme, keyType, newKeyCipher }) => {
  for (const target of ['same', 'other'] as const) {
    it(`changes the ${target} key and the card recovers key and version`, () => {
      const { host, card } = pair(method, keyType);
      const keyNo = target === 'same' ? host.keyNo : (host.keyNo + 1) & 0x0f;
      const isAes = newKeyCipher === 'aes128';
      const version = 0x5a;
      const raw = rnd(CIPHERS[newKeyCipher].keyLengthBytes);
      const newKey = isAes ? raw : setDesKeyVersion(raw, version);
      const oldKey = changeKeyKeyBytes(newKeyCipher, rnd(CIPHERS[newKeyCipher].keyLengthBytes));
      const header = Uint8Array.of(keyNo);
      const plaintext = changeKeyPlaintext({ scheme, keyNo, authKeyNo: host.keyNo, newKeyCipher, oldKey, newKey, keyVersion: version });
      const wrapped = host.wrapPreformattedFull({ ins: Ins.ChangeKey, header, plaintext });
      if (!wrapped.ok) throw new Error(wrapped.reason);
      const atCard = card.unwrapPreformattedFull({ ins: Ins.ChangeKey, header, body: wrapped.body.subarray(1) });
      if (!atCard.ok) throw new Error(atCard.reason);
      const newKeyBytes = changeKeyKeyBytes(newKeyCipher, newKey).length;
      const parsed = parseChangeKeyPlaintext({ scheme, keyNo, authKeyNo: card.keyNo, newKeyCipher, oldKey, plaintext: atCard.plaintext, newKeyBytes });
      expect(parsed.ok && toHex(parsed.newKey)).toBe(toHex(changeKeyKeyBytes(newKeyCipher, newKey)));
      expect(parsed.ok && parsed.keyVersion).toBe(version);

      // EV2 same-key cryptograms carry no CRC: the session MAC protects them.
      if (scheme === 'ev2' && target === 'same') {
        host.end();
        card.end();
        return;
      }
      const tampered = atCard.plaintext.slice();
      tampered[0] = (tampered[0] ?? 0) ^ 0x10;
      expect(parseChangeKeyPlaintext({ scheme, keyNo, authKeyNo: card.keyNo, newKeyCipher, oldKey, plaintext: tampered, newKeyBytes }))
        .toMatchObject({ ok: false, reason: 'integrity_error' });
      host.end();
      card.end();
    });
  }
});

describe('ChangeKey layouts', () => {
  it('EV1 same-key cryptogram is NewKey ‖ KeyVer ‖ CRC32(C4 ‖ KeyNo ‖ NewKey ‖ KeyVer) (libfreefare)', () => {
    const newKey = fromHex('00112233445566778899AABBCCDDEEFF');
    const p = changeKeyPlaintext({ scheme: 'ev1', keyNo: 0, authKeyNo: 0, newKeyCipher: 'aes128', oldKey: undefined, newKey, keyVersion: 0x10 });
    const body = concatBytes(newKey, Uint8Array.of(0x10));
    expect(toHex(p)).toBe(toHex(concatBytes(body, crc32DesfireBytes(concatBytes(Uint8Array.of(0xc4, 0x00), body)))));
  });
  it('EV2 other-key cryptogram XORs with the old key and appends CRC32(NewKey)', () => {
    const newKey = fromHex('F3847D627727ED3BC9C4CC050489B966');
    const oldKey = fromHex('0102030405060708090A0B0C0D0E0F10');
    const p = changeKeyPlaintext({ scheme: 'ev2', keyNo: 2, authKeyNo: 0, newKeyCipher: 'aes128', oldKey, newKey, keyVersion: 1 });
    expect(toHex(p)).toBe('f2867e667221ea33c0cec7090987b676' + '01' + '789dfadc');
  });
  it('D40 doubles DES keys to 16 bytes', () => {
    expect(changeKeyKeyBytes('des', fromHex('0011223344556677'))).toHaveLength(16);
  });
});
