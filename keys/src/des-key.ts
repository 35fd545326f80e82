/**
 * DESFire keeps the version of a DES/TDEA key in the parity (least
 * significant) bits of its first 8 bytes, most significant version bit in
 * byte 0 (MF2DLHX0 data sheet; libfreefare mifare_desfire_key_set_version).
 * For 2TDEA/3TDEA keys bytes 8..15 carry the inverted bits, so that K1 ≠ K2
 * and the key never degenerates to single DES.
 */
import { abytes } from './bytes.js';

const VERSION_BITS = 8;

export function getDesKeyVersion(key: Uint8Array): number {
  abytes(key, [8, 16, 24], 'DES key');
  let version = 0;
  for (let i = 0; i < VERSION_BITS; i++) version = (version << 1) | ((key[i] ?? 0) & 1);
  return version;
}

/** Returns a copy of `key` with `version` in its parity bits. */
export function setDesKeyVersion(key: Uint8Array, version: number): Uint8Array {
  abytes(key, [8, 16, 24], 'DES key');
  if (!Number.isInteger(version) || version < 0 || version > 0xff) throw new RangeError('key version must be 0..255');
  const out = key.slice();
  for (let i = 0; i < VERSION_BITS; i++) {
    const bit = (version >> (VERSION_BITS - 1 - i)) & 1;
    out[i] = ((out[i] ?? 0) & 0xfe) | bit;
    if (out.length >= 16) out[i + 8] = ((out[i + 8] ?? 0) & 0xfe) | (bit ^ 1);
  }
  return out;
}

/** Clears the parity/version bits: compares DES key material modulo versions. */
export function stripDesKeyVersion(key: Uint8Array): Uint8Array {
  return key.map((b) => b & 0xfe);
}
