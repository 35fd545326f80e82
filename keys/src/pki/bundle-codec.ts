/**
 * Exact binary encoding of a key bundle's plaintext (inside AES-GCM):
 *   version u8 ‖ issuedAtMs u48le ‖ len u8 ‖ deviceId ‖ count u8 ‖
 *   count × (len u8 ‖ application ‖ keyNo u8 ‖ keyVersion u8 ‖ keyType u8 ‖ len u8 ‖ key)
 * Binary rather than JSON so the key bytes live only in Uint8Arrays that can
 * be zeroed (JavaScript strings cannot).
 */
import { CIPHERS, type CipherName } from '../blockcipher.js';
import { abytes, concatBytes, readUintLe, uintLe, zeroize } from '../bytes.js';
import { PkiError } from './errors.js';
import { isDeviceId } from './roles.js';

export interface BundleKey {
  /** Application name or AID label, e.g. 'transit' or 'F21030'. */
  readonly application: string;
  /** DESFire key number within the application (0..13). */
  readonly keyNo: number;
  readonly version: number;
  readonly keyType: CipherName;
  readonly key: Uint8Array;
}

export interface KeyBundle {
  readonly deviceId: string;
  readonly keys: readonly BundleKey[];
  readonly issuedAtMs: number;
}

export const BUNDLE_KEY_COUNT_MAX = 64;
export const BUNDLE_APPLICATION_LENGTH_MAX = 32;
/** DESFire: at most 14 keys per application (key numbers 0x0..0xD). */
export const DESFIRE_KEY_NO_MAX = 13;
const KEY_VERSION_MAX = 0xff;
const PLAINTEXT_VERSION = 1;
const U8 = 1;
const TIME_WIDTH_BYTES = 6;
const APPLICATION_RE = /^[A-Za-z0-9._-]+$/;

/** Wire codes of key types; never renumber. */
const KEY_TYPE_CODES: Readonly<Record<CipherName, number>> = { aes128: 1, des: 2, '2tdea': 3, '3tdea': 4 };

function keyTypeOf(code: number): CipherName | null {
  const entry = (Object.entries(KEY_TYPE_CODES) as [CipherName, number][]).find(([, c]) => c === code);
  return entry === undefined ? null : entry[0];
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}

export function encodeBundlePlaintext(bundle: KeyBundle): Uint8Array {
  if (!isDeviceId(bundle.deviceId)) throw new RangeError('deviceId is malformed');
  if (bundle.keys.length === 0 || bundle.keys.length > BUNDLE_KEY_COUNT_MAX) throw new RangeError(`a bundle holds 1..${BUNDLE_KEY_COUNT_MAX} keys`);
  const parts: Uint8Array[] = [
    uintLe(PLAINTEXT_VERSION, U8),
    uintLe(bundle.issuedAtMs, TIME_WIDTH_BYTES),
    uintLe(bundle.deviceId.length, U8),
    ascii(bundle.deviceId),
    uintLe(bundle.keys.length, U8),
  ];
  for (const k of bundle.keys) {
    if (k.application.length > BUNDLE_APPLICATION_LENGTH_MAX || !APPLICATION_RE.test(k.application)) {
      throw new RangeError(`application must be 1..${BUNDLE_APPLICATION_LENGTH_MAX} characters of [A-Za-z0-9._-]`);
    }
    if (!Number.isInteger(k.keyNo) || k.keyNo < 0 || k.keyNo > DESFIRE_KEY_NO_MAX) throw new RangeError(`keyNo must be 0..${DESFIRE_KEY_NO_MAX}`);
    if (!Number.isInteger(k.version) || k.version < 0 || k.version > KEY_VERSION_MAX) throw new RangeError('key version must be 0..255');
    abytes(k.key, CIPHERS[k.keyType].keyLengthBytes, `${k.keyType} key`);
    parts.push(
      uintLe(k.application.length, U8),
      ascii(k.application),
      uintLe(k.keyNo, U8),
      uintLe(k.version, U8),
      uintLe(KEY_TYPE_CODES[k.keyType], U8),
      uintLe(k.key.length, U8),
      k.key,
    );
  }
  return concatBytes(...parts);
}

/** Decodes; the caller zeroes `plaintext` afterwards (returned keys are copies). */
export function decodeBundlePlaintext(plaintext: Uint8Array): KeyBundle {
  const corrupt = (): PkiError => new PkiError('bundle_corrupt', 'key bundle plaintext is malformed');
  let offset = 0;
  const take = (lengthBytes: number): Uint8Array => {
    if (offset + lengthBytes > plaintext.length) throw corrupt();
    const part = plaintext.subarray(offset, offset + lengthBytes);
    offset += lengthBytes;
    return part;
  };
  const u8 = (): number => readUintLe(take(U8), 0, U8);
  const text = (): string => Buffer.from(take(u8())).toString('latin1');
  if (u8() !== PLAINTEXT_VERSION) throw corrupt();
  const issuedAtMs = readUintLe(take(TIME_WIDTH_BYTES), 0, TIME_WIDTH_BYTES);
  const deviceId = text();
  const count = u8();
  if (!isDeviceId(deviceId) || count === 0 || count > BUNDLE_KEY_COUNT_MAX) throw corrupt();
  const keys: BundleKey[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const application = text();
      const keyNo = u8();
      const version = u8();
      const keyType = keyTypeOf(u8());
      const key = Uint8Array.from(take(u8()));
      if (keyType === null || key.length !== CIPHERS[keyType].keyLengthBytes || keyNo > DESFIRE_KEY_NO_MAX || !APPLICATION_RE.test(application)) {
        zeroize(key);
        throw corrupt();
      }
      keys.push({ application, keyNo, version, keyType, key });
    }
    if (offset !== plaintext.length) throw corrupt();
  } catch (error) {
    for (const k of keys) zeroize(k.key);
    throw error;
  }
  return { deviceId, keys, issuedAtMs };
}
