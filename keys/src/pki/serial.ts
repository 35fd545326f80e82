/**
 * Certificate serial numbers (RFC 5280 §4.1.2.2): positive, at most 20
 * octets, unique per CA, and unpredictable (CA/B BR §7.1 asks ≥ 64 random
 * bits). Ours: 16 bytes, first byte in 0x40..0x7f, so the DER INTEGER is
 * positive, minimal and always 16 bytes — 126 random bits.
 */
import { randomBytes } from 'node:crypto';

export const SERIAL_LENGTH_BYTES = 16;
const SERIAL_FIXED_BITS = 2;
export const SERIAL_RANDOM_BITS = SERIAL_LENGTH_BYTES * 8 - SERIAL_FIXED_BITS;
export const SERIAL_RANDOM_BITS_MIN = 64;
/** RFC 5280 §4.1.2.2. */
export const SERIAL_LENGTH_BYTES_MAX = 20;

const FIRST_BYTE_RANDOM_MASK = 0x3f;
const FIRST_BYTE_FIXED_BITS = 0x40;

export function randomSerialHex(): string {
  const bytes = randomBytes(SERIAL_LENGTH_BYTES);
  bytes[0] = ((bytes[0] ?? 0) & FIRST_BYTE_RANDOM_MASK) | FIRST_BYTE_FIXED_BITS;
  return bytes.toString('hex');
}

const SERIAL_HEX_RE = /^[0-9a-f]+$/;

/**
 * Canonical form used everywhere serials are compared: lower case, no leading
 * zero octets. Returns null for anything that is not a positive serial.
 */
export function normalizeSerialHex(serialHex: string): string | null {
  let hex = serialHex.trim().toLowerCase();
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (!SERIAL_HEX_RE.test(hex) || hex.length > SERIAL_LENGTH_BYTES_MAX * 2 + 2) return null;
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  if (/^0+$/.test(hex)) return null;
  return hex;
}
