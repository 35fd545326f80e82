/**
 * ISO/IEC 7816-4 wrapping of native DESFire commands (MF2DLHX0 §9.1 "ISO/IEC
 * 7816-4 communication frame"; AN12343 §2): a native command INS ‖ data goes
 * as 90 INS 00 00 [Lc data] 00 and the answer data ‖ status as data ‖ 91 status.
 *
 * Frame sizes. DESFire EV1/EV2 announce FSCI = 5 in their ATS (06 75 77 81 02 80),
 * i.e. 64-byte ISO/IEC 14443-4 frames (ISO/IEC 14443-4 §5.2.3). Minus PCB,
 * optional CID and CRC, a card returns at most 59 data bytes before its
 * status per native frame and asks for the rest with 0xAF (MF2DLHX0 §9.2;
 * ReadData answers 59-byte chunks). A reader sends at most 55 data bytes in
 * one wrapped APDU frame (64 − PCB − CRC(2) − CLA INS P1 P2 Lc Le), the value
 * proxmark3 (MAX_DESFIRE_FRAME_SIZE 60 − 5) uses. Wrapped APDUs are short
 * APDUs (Lc ≤ 255); extended length is not supported by DESFire EV2.
 */
import { concatBytes } from '@onecard/keys';
import { NATIVE_SW1 } from './status.js';

export const FRAME_SIZE_BYTES_MAX = 64;
export const NATIVE_RESPONSE_FRAME_DATA_BYTES_MAX = 59;
export const NATIVE_COMMAND_FRAME_DATA_BYTES_MAX = 55;
export const SHORT_APDU_DATA_BYTES_MAX = 255;
/** CLA of a wrapped native command (MF2DLHX0 §9.1). */
export const NATIVE_WRAP_CLA = 0x90;
/** CLA of ISO/IEC 7816-4 inter-industry commands (ISOSelectFile …). */
export const ISO_CLA = 0x00;
const APDU_HEADER_BYTES = 4; // CLA INS P1 P2
const SW_BYTES = 2;
const EXTENDED_LENGTH_MARKER = 0x00;

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  /** Ne: expected response length (256 when Le = 00); undefined when Le absent. */
  readonly le: number | undefined;
}

export type ApduParseError =
  | 'apdu_too_short'
  | 'lc_inconsistent'
  | 'extended_length_unsupported';

export type ParseResult<T, E extends string> = { ok: true; value: T } | { ok: false; error: E };

/** 90 INS 00 00 [Lc data] 00. */
export function wrapNative(ins: number, data: Uint8Array): Uint8Array {
  if (!Number.isInteger(ins) || ins < 0 || ins > 0xff) throw new RangeError('ins must be one byte');
  if (data.length > SHORT_APDU_DATA_BYTES_MAX) throw new RangeError(`data exceeds ${SHORT_APDU_DATA_BYTES_MAX} bytes`);
  const head = Uint8Array.of(NATIVE_WRAP_CLA, ins, 0x00, 0x00);
  const le = Uint8Array.of(0x00);
  if (data.length === 0) return concatBytes(head, le);
  return concatBytes(head, Uint8Array.of(data.length), data, le);
}

/**
 * ISO/IEC 7816-4 §5.1 cases 1-4, short form only. An APDU whose body starts
 * with 00 and is longer than one byte would be extended length: rejected.
 */
export function parseCommandApdu(bytes: Uint8Array): ParseResult<CommandApdu, ApduParseError> {
  if (bytes.length < APDU_HEADER_BYTES) return { ok: false, error: 'apdu_too_short' };
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = bytes;
  const body = bytes.subarray(APDU_HEADER_BYTES);
  const head = { cla, ins, p1, p2 };
  if (body.length === 0) return { ok: true, value: { ...head, data: new Uint8Array(0), le: undefined } };
  const first = body[0] ?? 0;
  if (body.length === 1) return { ok: true, value: { ...head, data: new Uint8Array(0), le: first === 0 ? 256 : first } };
  if (first === EXTENDED_LENGTH_MARKER) {
    // Lc = 00 then Le: not ISO 7816-4, but AN12196 §5.x prints GetCardUID as
    // 90 51 00 00 00 00 and some readers send it; read as "no data, Le".
    if (body.length === 2) {
      const leByte = body[1] ?? 0;
      return { ok: true, value: { ...head, data: new Uint8Array(0), le: leByte === 0 ? 256 : leByte } };
    }
    return { ok: false, error: 'extended_length_unsupported' };
  }
  const lc = first;
  if (body.length === 1 + lc) return { ok: true, value: { ...head, data: body.slice(1), le: undefined } };
  if (body.length === 2 + lc) {
    const leByte = body[1 + lc] ?? 0;
    return { ok: true, value: { ...head, data: body.slice(1, 1 + lc), le: leByte === 0 ? 256 : leByte } };
  }
  return { ok: false, error: 'lc_inconsistent' };
}

/** data ‖ 91 status. */
export function nativeResponse(data: Uint8Array, status: number): Uint8Array {
  if (!Number.isInteger(status) || status < 0 || status > 0xff) throw new RangeError('status must be one byte');
  return concatBytes(data, Uint8Array.of(NATIVE_SW1, status));
}

/** data ‖ SW1 SW2 for an ISO-class answer. */
export function isoResponse(data: Uint8Array, statusWord: number): Uint8Array {
  if (!Number.isInteger(statusWord) || statusWord < 0 || statusWord > 0xffff) throw new RangeError('status word must be two bytes');
  return concatBytes(data, Uint8Array.of(statusWord >> 8, statusWord & 0xff));
}

export interface NativeResponse {
  readonly data: Uint8Array;
  readonly status: number;
}

export type ResponseParseError = 'response_too_short' | 'not_native_sw1';

export function parseNativeResponse(bytes: Uint8Array): ParseResult<NativeResponse, ResponseParseError> {
  if (bytes.length < SW_BYTES) return { ok: false, error: 'response_too_short' };
  const sw1 = bytes[bytes.length - 2];
  const sw2 = bytes[bytes.length - 1] ?? 0;
  if (sw1 !== NATIVE_SW1) return { ok: false, error: 'not_native_sw1' };
  return { ok: true, value: { data: bytes.slice(0, bytes.length - SW_BYTES), status: sw2 } };
}

/** SW1 SW2 as one number and the data before it (ISO answers). */
export function splitStatusWord(bytes: Uint8Array): ParseResult<{ data: Uint8Array; statusWord: number }, 'response_too_short'> {
  if (bytes.length < SW_BYTES) return { ok: false, error: 'response_too_short' };
  const statusWord = ((bytes[bytes.length - 2] ?? 0) << 8) | (bytes[bytes.length - 1] ?? 0);
  return { ok: true, value: { data: bytes.slice(0, bytes.length - SW_BYTES), statusWord } };
}

/** Splits a native command's data into frames: the first goes with INS, the rest with 0xAF. */
export function splitFrames(data: Uint8Array, frameDataBytesMax: number): Uint8Array[] {
  if (!Number.isInteger(frameDataBytesMax) || frameDataBytesMax <= 0) throw new RangeError('frameDataBytesMax must be positive');
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += frameDataBytesMax) {
    frames.push(data.slice(offset, offset + frameDataBytesMax));
  }
  return frames.length === 0 ? [new Uint8Array(0)] : frames;
}
