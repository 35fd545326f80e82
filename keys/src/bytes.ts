/**
 * Byte helpers shared by every workspace. Inputs are checked and the checked
 * value is returned (noble style: `abytes(key, 16, 'key')`).
 * Error messages name the parameter and the expected length, never the value.
 */
import { timingSafeEqual } from 'node:crypto';

export type Bytes = Uint8Array;

/** Asserts `value` is a Uint8Array (of one of `lengthsBytes`, when given) and returns it. */
export function abytes(value: unknown, lengthsBytes: number | readonly number[] | undefined, name: string): Bytes {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (lengthsBytes !== undefined) {
    const allowed = typeof lengthsBytes === 'number' ? [lengthsBytes] : lengthsBytes;
    if (!allowed.includes(value.length)) {
      throw new RangeError(`${name} must be ${allowed.join(' or ')} bytes, got ${value.length}`);
    }
  }
  return value;
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Parses hex (whitespace allowed between bytes). Throws on odd length or a non-hex character. */
export function fromHex(hex: string): Bytes {
  const clean = hex.replace(/\s+/g, '');
  if (!HEX_RE.test(clean)) throw new SyntaxError('invalid hex string');
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Lower-case hex, no separators. */
export function toHex(bytes: Bytes): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function concatBytes(...parts: readonly Bytes[]): Bytes {
  let totalBytes = 0;
  for (const p of parts) totalBytes += p.length;
  const out = new Uint8Array(totalBytes);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Constant-time equality (for MACs, cryptograms). Different lengths compare unequal. */
export function equalBytes(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

export function xorBytes(a: Bytes, b: Bytes): Bytes {
  if (a.length !== b.length) throw new RangeError('xorBytes needs equal lengths');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/** Overwrites secret material in place. */
export function zeroize(...secrets: Bytes[]): void {
  for (const s of secrets) s.fill(0);
}

/** Rotates left by `countBytes` (DESFire RndA'/RndB'). */
export function rotateLeft(bytes: Bytes, countBytes = 1): Bytes {
  const n = bytes.length;
  if (n === 0) return new Uint8Array(0);
  const k = ((countBytes % n) + n) % n;
  return concatBytes(bytes.subarray(k), bytes.subarray(0, k));
}

export function rotateRight(bytes: Bytes, countBytes = 1): Bytes {
  return rotateLeft(bytes, -countBytes);
}

/** Little-endian unsigned integer of `widthBytes` (1..6). */
export function uintLe(value: number, widthBytes: number): Bytes {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** (8 * widthBytes)) {
    throw new RangeError(`value does not fit in ${widthBytes} bytes`);
  }
  const out = new Uint8Array(widthBytes);
  let v = value;
  for (let i = 0; i < widthBytes; i++) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export function readUintLe(bytes: Bytes, offset: number, widthBytes: number): number {
  if (offset < 0 || offset + widthBytes > bytes.length) throw new RangeError('read past end of buffer');
  let v = 0;
  for (let i = widthBytes - 1; i >= 0; i--) v = v * 256 + (bytes[offset + i] ?? 0);
  return v;
}
