/**
 * ChangeKey (0xC4) cryptograms, host builders and card parsers.
 * "Same key" = the key being changed is the authenticated one
 * (KeyNo & 0x0F == authenticated key number; libfreefare mifare_desfire_change_key).
 *
 * EV2 (MF2DLHX0 §10.2.3; AN12196 §5.16 Tables 25/26), sent in ordinary full mode:
 *   same   NewKey ‖ KeyVer
 *   other  (NewKey ⊕ OldKey) ‖ KeyVer ‖ CRC32(NewKey)
 * EV1 (libfreefare AS_NEW), zero-padded and enciphered, no extra CRC:
 *   KeyData = NewKey [⊕ OldKey] [‖ KeyVer for AES]
 *   same   KeyData ‖ CRC32(C4 ‖ KeyNo ‖ KeyData)
 *   other  KeyData ‖ CRC32(C4 ‖ KeyNo ‖ KeyData) ‖ CRC32(NewKey)
 * D40 (libfreefare AS_LEGACY), zero-padded, send-mode deciphered:
 *   same   KeyData ‖ CRC16(KeyData)
 *   other  KeyData ‖ CRC16(KeyData) ‖ CRC16(NewKey)
 * DES keys travel as 16 bytes (K ‖ K); DES/TDEA key versions live in the
 * parity bits, AES versions in KeyVer. CRC32 = JAMCRC, CRC16 = CRC_A, both LE.
 */
import { concatBytes, crc16Iso14443aBytes, crc32DesfireBytes, equalBytes, getDesKeyVersion, xorBytes, type CipherName } from '@onecard/keys';
import { Ins } from '../protocol/commands.js';
import type { SmScheme } from '../protocol/mode.js';
import { smFailure, type SmFailure } from './result.js';

const KEY_NO_MASK = 0x0f;
const KEY_VERSION_BYTES = 1;
const DES_KEY_BYTES = 8;

/** The key bytes ChangeKey carries: DES keys doubled to 16 bytes. */
export function changeKeyKeyBytes(cipher: CipherName, key: Uint8Array): Uint8Array {
  return cipher === 'des' && key.length === DES_KEY_BYTES ? concatBytes(key, key) : key.slice();
}

export function isSameKeyChange(options: { keyNo: number; authKeyNo: number }): boolean {
  return (options.keyNo & KEY_NO_MASK) === (options.authKeyNo & KEY_NO_MASK);
}

interface ChangeKeyInput {
  readonly scheme: SmScheme;
  /** The KeyNo header byte (at PICC level it carries the key type bits). */
  readonly keyNo: number;
  readonly authKeyNo: number;
  readonly newKeyCipher: CipherName;
  /** Current value of the key being changed; ignored for a same-key change. */
  readonly oldKey: Uint8Array | undefined;
}

function keyData(input: ChangeKeyInput & { newKey: Uint8Array; keyVersion: number }, sameKey: boolean): Uint8Array {
  let data = input.newKey;
  if (!sameKey) {
    if (input.oldKey === undefined) throw new TypeError('changing another key needs the old key');
    const old = new Uint8Array(data.length);
    old.set(input.oldKey.subarray(0, data.length));
    data = xorBytes(data, old);
  }
  const withVersion = input.scheme === 'ev2' || (input.scheme === 'ev1' && input.newKeyCipher === 'aes128');
  return withVersion ? concatBytes(data, Uint8Array.of(input.keyVersion)) : data;
}

function crcOf(scheme: SmScheme, data: Uint8Array): Uint8Array {
  return scheme === 'd40' ? crc16Iso14443aBytes(data) : crc32DesfireBytes(data);
}

/** Host: the plaintext to send with wrapPreformattedFull (EV2: with wrapCommand full; same bytes). */
export function changeKeyPlaintext(input: ChangeKeyInput & { newKey: Uint8Array; keyVersion: number }): Uint8Array {
  const newKey = changeKeyKeyBytes(input.newKeyCipher, input.newKey);
  const sameKey = isSameKeyChange(input);
  const data = keyData({ ...input, newKey }, sameKey);
  if (input.scheme === 'ev2') return sameKey ? data : concatBytes(data, crc32DesfireBytes(newKey));
  const dataCrc = input.scheme === 'd40' ? crcOf('d40', data) : crcOf('ev1', concatBytes(Uint8Array.of(Ins.ChangeKey, input.keyNo), data));
  return sameKey ? concatBytes(data, dataCrc) : concatBytes(data, dataCrc, crcOf(input.scheme, newKey));
}

/**
 * Card: recovers NewKey and its version from the deciphered plaintext
 * (EV2 without padding; EV1/D40 with their zero padding).
 */
export function parseChangeKeyPlaintext(
  input: ChangeKeyInput & { plaintext: Uint8Array; newKeyBytes: number },
): { ok: true; newKey: Uint8Array; keyVersion: number } | SmFailure {
  const { scheme, plaintext } = input;
  const sameKey = isSameKeyChange(input);
  const withVersion = scheme === 'ev2' || (scheme === 'ev1' && input.newKeyCipher === 'aes128');
  const dataBytes = input.newKeyBytes + (withVersion ? KEY_VERSION_BYTES : 0);
  const crcBytes = scheme === 'd40' ? 2 : 4;
  const usedBytes = dataBytes + (scheme === 'ev2' ? 0 : crcBytes) + (sameKey ? 0 : crcBytes);
  if (scheme === 'ev2' ? plaintext.length !== usedBytes : plaintext.length < usedBytes) return smFailure('length_error');
  if (plaintext.subarray(usedBytes).some((b) => b !== 0)) return smFailure('integrity_error');
  const data = plaintext.subarray(0, dataBytes);
  let newKey: Uint8Array = data.slice(0, input.newKeyBytes);
  if (!sameKey) {
    if (input.oldKey === undefined) throw new TypeError('changing another key needs the old key');
    const old = new Uint8Array(newKey.length);
    old.set(input.oldKey.subarray(0, newKey.length));
    newKey = xorBytes(newKey, old);
  }
  let at = dataBytes;
  if (scheme !== 'ev2') {
    const expected = scheme === 'd40' ? crcOf('d40', data) : crcOf('ev1', concatBytes(Uint8Array.of(Ins.ChangeKey, input.keyNo), data));
    if (!equalBytes(expected, plaintext.subarray(at, at + crcBytes))) return smFailure('integrity_error');
    at += crcBytes;
  }
  if (!sameKey && !equalBytes(crcOf(scheme, newKey), plaintext.subarray(at, at + crcBytes))) return smFailure('integrity_error');
  const keyVersion = withVersion ? (data[input.newKeyBytes] ?? 0) : getDesKeyVersion(newKey);
  return { ok: true, newKey, keyVersion };
}
