/**
 * EV1 secure messaging (MF2DLHX0 §9.1.2 "EV1 secure messaging";
 * libfreefare AS_NEW): one running IV (zero after authentication) shared by
 * CMAC and CBC, for 2TDEA/3TDEA/AES sessions (ISO 0x1A and AES 0xAA).
 *   command plain  CMAC(Cmd ‖ header ‖ data) only moves the IV
 *   command mac    header ‖ data ‖ CMAC[0..8)
 *   command full   header ‖ E(data ‖ CRC32(Cmd ‖ header ‖ data) ‖ 00…)
 *   answer plain/mac  data ‖ CMAC(data ‖ status)[0..8)
 *   answer full       E(data ‖ CRC32(data ‖ status) ‖ 00…)
 * A full-mode command without data (ReadData) is handled as plain, as
 * libfreefare does; a full-mode answer is always enciphered.
 * CMAC is the full block (16 bytes AES, 8 bytes TDEA); the next IV is it.
 */
import { CIPHERS, cbcDecrypt, cbcEncrypt, cmacWithIv, concatBytes, crc32DesfireBytes, equalBytes, lastBlock, zeroize, type CipherName } from '@onecard/keys';
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

export const EV1_MAC_BYTES = 8;
export const CRC32_BYTES = 4;

export class Ev1Session extends BaseSession {
  readonly scheme = 'ev1' as const;
  readonly cipher: CipherName;
  readonly #key: Uint8Array;
  #iv: Uint8Array;

  constructor(options: { role: SessionRole; keyNo: number; cipher: CipherName; sessionKey: Uint8Array }) {
    super({ role: options.role, keyNo: options.keyNo });
    this.cipher = options.cipher;
    if (options.sessionKey.length !== CIPHERS[options.cipher].keyLengthBytes) throw new RangeError('session key length does not match cipher');
    this.#key = options.sessionKey.slice();
    this.#iv = new Uint8Array(CIPHERS[options.cipher].blockSizeBytes);
  }

  get #blockSizeBytes(): number {
    return CIPHERS[this.cipher].blockSizeBytes;
  }

  commandTrailerBytes(mode: CommunicationMode): number {
    return mode === 'mac' ? EV1_MAC_BYTES : 0;
  }

  /** full with data: header ‖ E(data ‖ CRC32 ‖ 00…); mac: header ‖ data ‖ CMAC[0..8); otherwise header ‖ data. */
  commandWireLengthBytes(options: { mode: CommunicationMode; headerLengthBytes: number; dataLengthBytes: number }): number {
    const { mode, headerLengthBytes, dataLengthBytes } = options;
    if (mode === 'full' && dataLengthBytes > 0) return headerLengthBytes + zeroPaddedLengthBytes(dataLengthBytes + CRC32_BYTES, this.#blockSizeBytes);
    return headerLengthBytes + dataLengthBytes + this.commandTrailerBytes(mode);
  }

  protected zeroizeKeys(): void {
    zeroize(this.#key, this.#iv);
  }

  #cmac(message: Uint8Array): Uint8Array {
    const mac = cmacWithIv({ cipher: this.cipher, key: this.#key, iv: this.#iv, message });
    this.#iv = mac;
    return mac.slice(0, EV1_MAC_BYTES);
  }

  #encrypt(plain: Uint8Array): Uint8Array {
    const ciphertext = cbcEncrypt({ cipher: this.cipher, key: this.#key, iv: this.#iv, data: zeroPad(plain, this.#blockSizeBytes) });
    this.#iv = lastBlock(this.cipher, ciphertext);
    return ciphertext;
  }

  #decrypt(ciphertext: Uint8Array): Uint8Array | undefined {
    if (ciphertext.length === 0 || ciphertext.length % this.#blockSizeBytes !== 0) return undefined;
    const padded = cbcDecrypt({ cipher: this.cipher, key: this.#key, iv: this.#iv, data: ciphertext });
    this.#iv = lastBlock(this.cipher, ciphertext);
    return padded;
  }

  protected doWrapCommand(input: WrapCommandInput): WrapCommandResult {
    const { ins, header, data, mode } = input;
    const message = concatBytes(Uint8Array.of(ins), header, data);
    if (mode === 'full' && data.length > 0) {
      return { ok: true, body: concatBytes(header, this.#encrypt(concatBytes(data, crc32DesfireBytes(message)))) };
    }
    const mac = this.#cmac(message);
    return { ok: true, body: mode === 'mac' ? concatBytes(header, data, mac) : concatBytes(header, data) };
  }

  protected doUnwrapCommand(input: UnwrapCommandInput): UnwrapCommandResult {
    const { ins, header, body, mode } = input;
    if (mode === 'full' && body.length > 0) {
      const padded = this.#decrypt(body);
      if (padded === undefined) return this.fail('length_error');
      const data = findCrcFrame({
        padded,
        blockSizeBytes: this.#blockSizeBytes,
        crcLengthBytes: CRC32_BYTES,
        crcOf: (candidate) => crc32DesfireBytes(concatBytes(Uint8Array.of(ins), header, candidate)),
        knownLengthBytes: input.plainLengthBytes,
      });
      return data === undefined ? this.fail('integrity_error') : { ok: true, header, data };
    }
    if (mode !== 'mac') {
      this.#cmac(concatBytes(Uint8Array.of(ins), header, body));
      return { ok: true, header, data: body.slice() };
    }
    if (body.length < EV1_MAC_BYTES) return this.fail('length_error');
    const data = body.slice(0, body.length - EV1_MAC_BYTES);
    const expected = this.#cmac(concatBytes(Uint8Array.of(ins), header, data));
    if (!equalBytes(expected, body.subarray(body.length - EV1_MAC_BYTES))) return this.fail('integrity_error');
    return { ok: true, header, data };
  }

  protected doWrapPreformatted(input: { ins: number; header: Uint8Array; plaintext: Uint8Array }): WrapCommandResult {
    return { ok: true, body: concatBytes(input.header, this.#encrypt(input.plaintext)) };
  }

  protected doUnwrapPreformatted(input: { ins: number; header: Uint8Array; body: Uint8Array }): PreformattedResult {
    const plaintext = this.#decrypt(input.body);
    return plaintext === undefined ? this.fail('length_error') : { ok: true, plaintext };
  }

  protected doWrapResponse(input: WrapResponseInput): Uint8Array {
    const { status, data, mode } = input;
    const statusByte = Uint8Array.of(status);
    if (mode === 'full') {
      return this.#encrypt(concatBytes(data, crc32DesfireBytes(concatBytes(data, statusByte))));
    }
    return concatBytes(data, this.#cmac(concatBytes(data, statusByte)));
  }

  protected doUnwrapResponse(input: UnwrapResponseInput): UnwrapResponseResult {
    const { status, body, mode } = input;
    const statusByte = Uint8Array.of(status);
    if (mode === 'full') {
      const padded = this.#decrypt(body);
      if (padded === undefined) return this.fail('length_error');
      const data = findCrcFrame({
        padded,
        blockSizeBytes: this.#blockSizeBytes,
        crcLengthBytes: CRC32_BYTES,
        crcOf: (candidate) => crc32DesfireBytes(concatBytes(candidate, statusByte)),
        knownLengthBytes: input.plainLengthBytes,
      });
      return data === undefined ? this.fail('integrity_error') : { ok: true, data };
    }
    if (body.length < EV1_MAC_BYTES) return this.fail('length_error');
    const data = body.slice(0, body.length - EV1_MAC_BYTES);
    const expected = this.#cmac(concatBytes(data, statusByte));
    if (!equalBytes(expected, body.subarray(body.length - EV1_MAC_BYTES))) return this.fail('integrity_error');
    return { ok: true, data };
  }
}
