/**
 * Reading and writing list documents: little-endian integers, unsigned
 * LEB128 varints (canonical: shortest form only), length-prefixed ASCII.
 *
 * ByteReader never throws: the first failure sticks and later reads return
 * zero values, so a decoder may read on and ask `failure` when it needs to.
 * ByteWriter throws RangeError naming the field (a programmer error: the
 * encoder's input is checked before).
 */
import { listFailure, type ListDecodeFailure, type ListDecodeFailureCode } from './failure.js';
import { VARINT_LENGTH_BYTES_MAX } from './codes.js';

const BYTE_RADIX = 256;
const VARINT_PAYLOAD_RADIX = 128;
const VARINT_CONTINUE_BIT = 0x80;
const VARINT_PAYLOAD_MASK = 0x7f;
const U32_MAX = 0xffff_ffff;
const U32_LENGTH_BYTES = 4;
const WRITER_INITIAL_CAPACITY_BYTES = 256;

export class ByteReader {
  readonly #bytes: Uint8Array;
  #offset = 0;
  #failure: ListDecodeFailure | undefined;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** The first failure so far (a method, not a getter: type narrowing must not outlive a read). */
  failure(): ListDecodeFailure | undefined {
    return this.#failure;
  }

  get remainingBytes(): number {
    return this.#bytes.length - this.#offset;
  }

  /** Records a failure (the first one wins). */
  fail(code: ListDecodeFailureCode, field: string): void {
    this.#failure ??= listFailure(code, field);
  }

  #take(lengthBytes: number, field: string): Uint8Array | undefined {
    if (this.#failure !== undefined) return undefined;
    if (lengthBytes > this.remainingBytes) {
      this.fail('truncated', field);
      return undefined;
    }
    const part = this.#bytes.subarray(this.#offset, this.#offset + lengthBytes);
    this.#offset += lengthBytes;
    return part;
  }

  u8(field: string): number {
    return this.#take(1, field)?.[0] ?? 0;
  }

  u32(field: string): number {
    const b = this.#take(U32_LENGTH_BYTES, field);
    if (b === undefined) return 0;
    let value = 0;
    for (let i = U32_LENGTH_BYTES - 1; i >= 0; i--) value = value * BYTE_RADIX + (b[i] ?? 0);
    return value;
  }

  bytes(lengthBytes: number, field: string): Uint8Array {
    return this.#take(lengthBytes, field) ?? new Uint8Array(lengthBytes);
  }

  /** A canonical unsigned LEB128 of at most VARINT_LENGTH_BYTES_MAX bytes (the shortest form only). */
  varint(field: string): number {
    if (this.#failure !== undefined) return 0;
    const bytes = this.#bytes;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < VARINT_LENGTH_BYTES_MAX; i++) {
      const byte = bytes[this.#offset + i];
      if (byte === undefined) {
        this.fail('truncated', field);
        return 0;
      }
      value += (byte & VARINT_PAYLOAD_MASK) * scale;
      if ((byte & VARINT_CONTINUE_BIT) === 0) {
        // Not the shortest form, or beyond what a number holds exactly: both malformed.
        if ((byte === 0 && i > 0) || value > Number.MAX_SAFE_INTEGER) break;
        this.#offset += i + 1;
        return value;
      }
      scale *= VARINT_PAYLOAD_RADIX;
    }
    this.fail('malformed', field);
    return 0;
  }

  /** Length u8 then that many ASCII bytes matching `pattern` (1..lengthBytesMax). */
  shortAscii(field: string, options: { readonly lengthBytesMax: number; readonly pattern: RegExp }): string {
    const lengthBytes = this.u8(field);
    if (this.#failure !== undefined) return '';
    if (lengthBytes === 0 || lengthBytes > options.lengthBytesMax) {
      this.fail('malformed', field);
      return '';
    }
    const b = this.bytes(lengthBytes, field);
    let text = '';
    for (const byte of b) text += String.fromCharCode(byte);
    if (this.failure() === undefined && !options.pattern.test(text)) this.fail('malformed', field);
    return text;
  }

  /** Fails with `trailing_bytes` unless every byte was read. */
  expectEnd(): void {
    if (this.#failure === undefined && this.#offset !== this.#bytes.length) this.fail('trailing_bytes', 'end');
  }
}

export class ByteWriter {
  #bytes: Uint8Array;
  #offset = 0;

  constructor(options: { readonly capacityBytes?: number } = {}) {
    this.#bytes = new Uint8Array(Math.max(options.capacityBytes ?? WRITER_INITIAL_CAPACITY_BYTES, 1));
  }

  #reserve(lengthBytes: number): void {
    if (this.#offset + lengthBytes <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < this.#offset + lengthBytes) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#bytes.subarray(0, this.#offset));
    this.#bytes = grown;
  }

  u8(value: number, field: string): this {
    if (!Number.isInteger(value) || value < 0 || value > BYTE_RADIX - 1) throw new RangeError(`${field} must be an integer 0..255`);
    this.#reserve(1);
    this.#bytes[this.#offset++] = value;
    return this;
  }

  u32(value: number, field: string): this {
    if (!Number.isInteger(value) || value < 0 || value > U32_MAX) throw new RangeError(`${field} must be an integer 0..${U32_MAX}`);
    this.#reserve(U32_LENGTH_BYTES);
    let rest = value;
    for (let i = 0; i < U32_LENGTH_BYTES; i++) {
      this.#bytes[this.#offset++] = rest % BYTE_RADIX;
      rest = Math.floor(rest / BYTE_RADIX);
    }
    return this;
  }

  bytes(value: Uint8Array): this {
    this.#reserve(value.length);
    this.#bytes.set(value, this.#offset);
    this.#offset += value.length;
    return this;
  }

  varint(value: number, field: string): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${field} must be a non-negative safe integer`);
    this.#reserve(VARINT_LENGTH_BYTES_MAX);
    let rest = value;
    while (rest >= VARINT_PAYLOAD_RADIX) {
      this.#bytes[this.#offset++] = (rest % VARINT_PAYLOAD_RADIX) | VARINT_CONTINUE_BIT;
      rest = Math.floor(rest / VARINT_PAYLOAD_RADIX);
    }
    this.#bytes[this.#offset++] = rest;
    return this;
  }

  shortAscii(text: string, field: string, options: { readonly lengthBytesMax: number; readonly pattern: RegExp }): this {
    if (text.length === 0 || text.length > options.lengthBytesMax || !options.pattern.test(text)) throw new RangeError(`${field} does not match its pattern`);
    this.u8(text.length, field);
    for (let i = 0; i < text.length; i++) this.u8(text.charCodeAt(i), field);
    return this;
  }

  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#offset);
  }
}
