/**
 * D40 (native DESFire, AuthenticateLegacy 0x0A) secure messaging
 * (MF2DLHX0 §9.1.1 "D40 secure messaging"; libfreefare AS_LEGACY):
 * DES or 2TDEA session key, the IV is zero for every message, and the card
 * only ever enciphers, so the reader deciphers what it sends.
 *   mac   data ‖ MAC, MAC = first 4 bytes of the last block of
 *         DES-CBC-encipher(data ‖ 00…) with a zero IV (over the data only)
 *   full  command: header ‖ Dsend(data ‖ CRC16(data) ‖ 00…)  (legacyCbc send+decipher)
 *         answer:  Esend(data ‖ CRC16(data) ‖ 00…)            (ordinary CBC)
 * Plain messages carry nothing: D40 has no running IV to keep.
 */
import { CIPHERS, cbcEncrypt, concatBytes, crc16Iso14443aBytes, equalBytes, lastBlock, legacyCbc, zeroize } from '@onecard/keys';
import type { CommunicationMode } from '../protocol/commands.js';
import { findCrcFrame, zeroPad, zeroPaddedLengthBytes } from './crc-frame.js';
import {
  BaseSession,
  type PreformattedResult,
  type SessionRole,
  type UnwrapCommandInput,
  type UnwrapCommandResult,
  type UnwrapResponseInput,
  type UnwrapResponseResult,
  type WrapCommandInput,
  type WrapCommandResult,
  type WrapResponseInput,
} from './session.js';

export type D40Cipher = 'des' | '2tdea';
export const D40_MAC_BYTES = 4;
export const CRC16_BYTES = 2;
const BLOCK_BYTES = CIPHERS.des.blockSizeBytes;

export class D40Session extends BaseSession {
  readonly scheme = 'd40' as const;
  readonly cipher: D40Cipher;
  readonly #key: Uint8Array;

  constructor(options: { role: SessionRole; keyNo: number; cipher: D40Cipher; sessionKey: Uint8Array }) {
    super({ role: options.role, keyNo: options.keyNo });
    if (options.sessionKey.length !== CIPHERS[options.cipher].keyLengthBytes) throw new RangeError('session key length does not match cipher');
    this.cipher = options.cipher;
    this.#key = options.sessionKey.slice();
  }

  commandTrailerBytes(mode: CommunicationMode): number {
    return mode === 'mac' ? D40_MAC_BYTES : 0;
  }

  /** full with data: header ‖ D(data ‖ CRC16 ‖ 00…); mac: header ‖ data ‖ MAC(4); otherwise header ‖ data. */
  commandWireLengthBytes(options: { mode: CommunicationMode; headerLengthBytes: number; dataLengthBytes: number }): number {
    const { mode, headerLengthBytes, dataLengthBytes } = options;
    if (mode === 'full' && dataLengthBytes > 0) return headerLengthBytes + zeroPaddedLengthBytes(dataLengthBytes + CRC16_BYTES, BLOCK_BYTES);
    return headerLengthBytes + dataLengthBytes + this.commandTrailerBytes(mode);
  }

  protected zeroizeKeys(): void {
    zeroize(this.#key);
  }

  #mac(data: Uint8Array): Uint8Array {
    const iv = new Uint8Array(BLOCK_BYTES);
    const ciphertext = cbcEncrypt({ cipher: this.cipher, key: this.#key, iv, data: zeroPad(data, BLOCK_BYTES) });
    return lastBlock(this.cipher, ciphertext).slice(0, D40_MAC_BYTES);
  }

  #frame(data: Uint8Array): Uint8Array {
    return zeroPad(concatBytes(data, crc16Iso14443aBytes(data)), BLOCK_BYTES);
  }

  #unframe(padded: Uint8Array, knownLengthBytes: number | undefined): Uint8Array | undefined {
    return findCrcFrame({ padded, blockSizeBytes: BLOCK_BYTES, crcLengthBytes: CRC16_BYTES, crcOf: crc16Iso14443aBytes, knownLengthBytes });
  }

  #cbc(data: Uint8Array, direction: 'send' | 'receive', operation: 'encipher' | 'decipher'): Uint8Array {
    return legacyCbc({ cipher: this.cipher, key: this.#key, iv: new Uint8Array(BLOCK_BYTES), data, direction, operation }).output;
  }

  protected doWrapCommand(input: WrapCommandInput): WrapCommandResult {
    const { header, data, mode } = input;
    if (mode === 'mac') return { ok: true, body: concatBytes(header, data, this.#mac(data)) };
    if (mode === 'full' && data.length > 0) return { ok: true, body: concatBytes(header, this.#cbc(this.#frame(data), 'send', 'decipher')) };
    return { ok: true, body: concatBytes(header, data) };
  }

  protected doUnwrapCommand(input: UnwrapCommandInput): UnwrapCommandResult {
    const { header, body, mode } = input;
    if (mode === 'mac') {
      if (body.length < D40_MAC_BYTES) return this.fail('length_error');
      const data = body.slice(0, body.length - D40_MAC_BYTES);
      if (!equalBytes(this.#mac(data), body.subarray(body.length - D40_MAC_BYTES))) return this.fail('integrity_error');
      return { ok: true, header, data };
    }
    if (mode === 'full' && body.length > 0) {
      if (body.length % BLOCK_BYTES !== 0) return this.fail('length_error');
      // The card recovers what the reader deciphered by enciphering (receive mode).
      const data = this.#unframe(this.#cbc(body, 'receive', 'encipher'), input.plainLengthBytes);
      return data === undefined ? this.fail('integrity_error') : { ok: true, header, data };
    }
    return { ok: true, header, data: body.slice() };
  }

  protected doWrapPreformatted(input: { ins: number; header: Uint8Array; plaintext: Uint8Array }): WrapCommandResult {
    return { ok: true, body: concatBytes(input.header, this.#cbc(zeroPad(input.plaintext, BLOCK_BYTES), 'send', 'decipher')) };
  }

  protected doUnwrapPreformatted(input: { ins: number; header: Uint8Array; body: Uint8Array }): PreformattedResult {
    if (input.body.length === 0 || input.body.length % BLOCK_BYTES !== 0) return this.fail('length_error');
    return { ok: true, plaintext: this.#cbc(input.body, 'receive', 'encipher') };
  }

  protected doWrapResponse(input: WrapResponseInput): Uint8Array {
    const { data, mode } = input;
    if (mode === 'mac') return concatBytes(data, this.#mac(data));
    if (mode === 'full') return this.#cbc(this.#frame(data), 'send', 'encipher');
    return data.slice();
  }

  protected doUnwrapResponse(input: UnwrapResponseInput): UnwrapResponseResult {
    const { body, mode } = input;
    if (mode === 'mac') {
      if (body.length < D40_MAC_BYTES) return this.fail('length_error');
      const data = body.slice(0, body.length - D40_MAC_BYTES);
      if (!equalBytes(this.#mac(data), body.subarray(body.length - D40_MAC_BYTES))) return this.fail('integrity_error');
      return { ok: true, data };
    }
    if (mode === 'full') {
      if (body.length === 0 || body.length % BLOCK_BYTES !== 0) return this.fail('length_error');
      const data = this.#unframe(this.#cbc(body, 'receive', 'decipher'), input.plainLengthBytes);
      return data === undefined ? this.fail('integrity_error') : { ok: true, data };
    }
    return { ok: true, data: body.slice() };
  }
}
