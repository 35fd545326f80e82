/**
 * Field-by-field reading and writing of profile records (PROFILE.md §2):
 * integers little-endian (as DESFire's own fields), text as zero-padded
 * ASCII, dates as day numbers, instants as epoch seconds, reserved bytes zero.
 *
 * FieldReader never throws: the first failure sticks (with the field name)
 * and later reads return zero values, so a decoder reads its whole layout and
 * asks `result()` once. FieldWriter throws RangeError naming the field:
 * encoding a value the layout cannot hold is a programmer error (inputs are
 * validated before they reach a codec).
 */
import { civilDateOf, dayNumberOf, epochSecondsOf, instantOf, type CivilDate } from '../layout/epoch.js';
import type { RecordDecodeErrorCode, RecordDecodeResult } from './result.js';
import type { CodeTable } from './codes.js';

export const VERSION_OFFSET = 0;
const U16_MAX = 0xffff;
const U24_MAX = 0xff_ffff;
const U32_MAX = 0xffff_ffff;
const ASCII_PAD = 0x00;

function allZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

export class FieldReader {
  readonly #bytes: Uint8Array;
  #offset = 0;
  #failure: { code: RecordDecodeErrorCode; field: string } | undefined;

  /**
   * Checks length, emptiness and version before any field is read:
   * byte 0 is the record version; an all-zero record is `empty`.
   */
  constructor(bytes: Uint8Array, layout: { lengthBytes: number; version: number }) {
    this.#bytes = bytes;
    if (!(bytes instanceof Uint8Array) || bytes.length !== layout.lengthBytes) this.#failure = { code: 'malformed', field: 'length' };
    else if (allZero(bytes)) this.#failure = { code: 'empty', field: 'version' };
    else if (bytes[VERSION_OFFSET] === 0) this.#failure = { code: 'malformed', field: 'version' };
    else if (bytes[VERSION_OFFSET] !== layout.version) this.#failure = { code: 'unsupported_version', field: 'version' };
    this.#offset = VERSION_OFFSET + 1;
  }

  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Marks the record malformed at `field` (the first failure wins). */
  fail(field: string): void {
    this.#failure ??= { code: 'malformed', field };
  }

  #take(lengthBytes: number, field: string): Uint8Array {
    if (this.#failure !== undefined) return new Uint8Array(lengthBytes);
    if (this.#offset + lengthBytes > this.#bytes.length) {
      this.fail(field);
      return new Uint8Array(lengthBytes);
    }
    const out = this.#bytes.subarray(this.#offset, this.#offset + lengthBytes);
    this.#offset += lengthBytes;
    return out;
  }

  #uint(lengthBytes: number, field: string): number {
    const b = this.#take(lengthBytes, field);
    let value = 0;
    for (let i = lengthBytes - 1; i >= 0; i--) value = value * 256 + (b[i] ?? 0);
    return value;
  }

  u8(field: string, range: { min?: number; max?: number } = {}): number {
    return this.#ranged(this.#uint(1, field), field, range);
  }

  u16(field: string, range: { min?: number; max?: number } = {}): number {
    return this.#ranged(this.#uint(2, field), field, range);
  }

  u24(field: string, range: { min?: number; max?: number } = {}): number {
    return this.#ranged(this.#uint(3, field), field, range);
  }

  u32(field: string, range: { min?: number; max?: number } = {}): number {
    return this.#ranged(this.#uint(4, field), field, range);
  }

  #ranged(value: number, field: string, range: { min?: number; max?: number }): number {
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) this.fail(field);
    return value;
  }

  /** A code from `table`; an unknown code (including 0) fails the field. */
  code<T extends string>(field: string, table: CodeTable<T>): T {
    const raw = this.#uint(1, field);
    const name = table.nameOf(raw);
    if (name === undefined) {
      this.fail(field);
      return table.names[0] as T;
    }
    return name;
  }

  raw(lengthBytes: number, field: string): Uint8Array {
    return this.#take(lengthBytes, field).slice();
  }

  /** Zero-padded ASCII: characters up to the first 00, zeros after it, the text matching `pattern`. */
  ascii(lengthBytes: number, field: string, pattern: RegExp): string {
    const b = this.#take(lengthBytes, field);
    const end = b.indexOf(ASCII_PAD);
    const textBytes = end === -1 ? b : b.subarray(0, end);
    if (end !== -1 && !allZero(b.subarray(end))) this.fail(field);
    let text = '';
    for (const byte of textBytes) text += String.fromCharCode(byte);
    if (this.#failure === undefined && !pattern.test(text)) this.fail(field);
    return text;
  }

  date(field: string): CivilDate {
    return civilDateOf(this.#uint(2, field));
  }

  /** An instant; 0 means "none" and reads as undefined. */
  optionalInstant(field: string): Date | undefined {
    const seconds = this.#uint(4, field);
    return seconds === 0 ? undefined : instantOf(seconds);
  }

  instant(field: string): Date {
    const seconds = this.#uint(4, field);
    if (seconds === 0) this.fail(field);
    return instantOf(seconds);
  }

  reserved(lengthBytes: number): void {
    if (!allZero(this.#take(lengthBytes, 'reserved'))) this.fail('reserved');
  }

  /** The decoded value, or the first failure. All bytes must have been consumed. */
  result<T>(build: () => T): RecordDecodeResult<T> {
    if (this.#failure === undefined && this.#offset !== this.#bytes.length) this.fail('length');
    if (this.#failure !== undefined) return { ok: false, ...this.#failure };
    return { ok: true, value: build() };
  }
}

export class FieldWriter {
  readonly #bytes: Uint8Array;
  #offset = 0;

  constructor(layout: { lengthBytes: number; version: number }) {
    this.#bytes = new Uint8Array(layout.lengthBytes);
    this.u8(layout.version, 'version');
  }

  #uint(value: number, lengthBytes: number, max: number, field: string): this {
    if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${field} must be an integer 0..${max}`);
    if (this.#offset + lengthBytes > this.#bytes.length) throw new RangeError(`${field} does not fit the record`);
    let rest = value;
    for (let i = 0; i < lengthBytes; i++) {
      this.#bytes[this.#offset + i] = rest % 256;
      rest = Math.floor(rest / 256);
    }
    this.#offset += lengthBytes;
    return this;
  }

  u8(value: number, field: string): this {
    return this.#uint(value, 1, 0xff, field);
  }

  u16(value: number, field: string): this {
    return this.#uint(value, 2, U16_MAX, field);
  }

  u24(value: number, field: string): this {
    return this.#uint(value, 3, U24_MAX, field);
  }

  u32(value: number, field: string): this {
    return this.#uint(value, 4, U32_MAX, field);
  }

  code<T extends string>(name: T, field: string, table: CodeTable<T>): this {
    return this.u8(table.codeOf(name), field);
  }

  raw(bytes: Uint8Array, lengthBytes: number, field: string): this {
    if (bytes.length !== lengthBytes) throw new RangeError(`${field} must be ${lengthBytes} bytes`);
    this.#bytes.set(bytes, this.#offset);
    this.#offset += lengthBytes;
    return this;
  }

  ascii(text: string, lengthBytes: number, field: string, pattern: RegExp): this {
    if (!pattern.test(text) || text.length > lengthBytes) throw new RangeError(`${field} does not match its layout`);
    const bytes = new Uint8Array(lengthBytes);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return this.raw(bytes, lengthBytes, field);
  }

  date(date: CivilDate, field: string): this {
    const day = dayNumberOf(date);
    if (day === undefined) throw new RangeError(`${field} must be a date 2020-01-01 .. 2199-06-06`);
    return this.u16(day, field);
  }

  optionalInstant(at: Date | undefined, field: string): this {
    if (at === undefined) return this.u32(0, field);
    return this.instant(at, field);
  }

  instant(at: Date, field: string): this {
    const seconds = epochSecondsOf(at);
    if (seconds === undefined || seconds === 0) throw new RangeError(`${field} must lie after 2020-01-01T00:00:00Z and before 2156`);
    return this.u32(seconds, field);
  }

  reserved(lengthBytes: number): this {
    this.#offset += lengthBytes;
    return this;
  }

  finish(): Uint8Array {
    if (this.#offset !== this.#bytes.length) throw new RangeError('record layout and encoder disagree on the length');
    return this.#bytes;
  }
}
