/**
 * The secure-messaging session both sides hold after authentication, and
 * the base every scheme's pipeline shares (one pipeline per scheme, driven
 * by the communication mode; libfreefare mifare_cryto_preprocess_data /
 * postprocess_data). Secure messaging works on whole logical messages:
 * the caller splits the wrapped bytes into 0xAF frames after wrapping and
 * joins frames before unwrapping (MF2DLHX0 §9.2; the MAC/CRC cover the
 * complete data and the final status).
 *
 * Host uses wrapCommand → unwrapResponse; card uses unwrapCommand →
 * wrapResponse. Any integrity failure or error status ends the session
 * and zeroizes its keys (MF2DLHX0 §9.1: an error resets authentication).
 */
import type { CommunicationMode, HeaderLength } from '../protocol/commands.js';
import type { SmScheme } from '../protocol/mode.js';
import { isSuccessStatus } from '../protocol/status.js';
import { cardStatusFailure, smFailure, type SmFailure } from './result.js';

export type SessionRole = 'host' | 'card';

export interface WrapCommandInput {
  readonly ins: number;
  readonly header: Uint8Array;
  readonly data: Uint8Array;
  readonly mode: CommunicationMode;
}
export interface UnwrapCommandInput {
  readonly ins: number;
  readonly header: Uint8Array;
  /** Everything after the header: data ‖ MAC, or ciphertext ‖ MAC. */
  readonly body: Uint8Array;
  readonly mode: CommunicationMode;
  /** EV1/D40 full mode: the plain data length when the header fixes it (else CRC search). */
  readonly plainLengthBytes?: number;
}
export interface WrapResponseInput {
  readonly status: number;
  readonly data: Uint8Array;
  readonly mode: CommunicationMode;
}
export interface UnwrapResponseInput {
  readonly status: number;
  /** All response data (frames joined), without SW1 SW2. */
  readonly body: Uint8Array;
  readonly mode: CommunicationMode;
  readonly plainLengthBytes?: number;
}

export type WrapCommandResult = { readonly ok: true; readonly body: Uint8Array } | SmFailure;
export type UnwrapCommandResult = { readonly ok: true; readonly header: Uint8Array; readonly data: Uint8Array } | SmFailure;
export type UnwrapResponseResult = { readonly ok: true; readonly data: Uint8Array } | SmFailure;

export interface SecureSession {
  readonly scheme: SmScheme;
  readonly role: SessionRole;
  /** Key number the session was authenticated with. */
  readonly keyNo: number;
  readonly ended: boolean;
  /** Bytes of MAC a command in `mode` carries after its data (to split 'all'-header commands). */
  commandTrailerBytes(mode: CommunicationMode): number;
  /**
   * Bytes `wrapCommand` produces for a CmdHeader of `headerLengthBytes` and
   * `dataLengthBytes` of plain data in `mode` (header ‖ wrapped data ‖ MAC):
   * how long a chained command is on the wire (MF2DLHX0 §9.2).
   */
  commandWireLengthBytes(options: { mode: CommunicationMode; headerLengthBytes: number; dataLengthBytes: number }): number;
  /** Splits the bytes after INS into CmdHeader and the rest; undefined when too short. */
  splitCommand(options: { headerLengthBytes: HeaderLength; message: Uint8Array; mode: CommunicationMode }): { header: Uint8Array; body: Uint8Array } | undefined;
  wrapCommand(input: WrapCommandInput): WrapCommandResult;
  unwrapResponse(input: UnwrapResponseInput): UnwrapResponseResult;
  unwrapCommand(input: UnwrapCommandInput): UnwrapCommandResult;
  /** Response data for `status` (empty, and the session ended, for an error status). */
  wrapResponse(input: WrapResponseInput): Uint8Array;
  /**
   * Full-mode command whose plaintext already carries its own checks
   * (ChangeKey cryptograms, libfreefare NO_CRC): EV1/D40 zero-pad and
   * encipher without adding a CRC; EV2 is ordinary full mode.
   */
  wrapPreformattedFull(input: { ins: number; header: Uint8Array; plaintext: Uint8Array }): WrapCommandResult;
  /** Card side of `wrapPreformattedFull`: the deciphered plaintext (EV1/D40: with its zero padding). */
  unwrapPreformattedFull(input: { ins: number; header: Uint8Array; body: Uint8Array }): PreformattedResult;
  /** Ends the session and zeroizes its keys. Idempotent. */
  end(): void;
}

export type PreformattedResult = { readonly ok: true; readonly plaintext: Uint8Array } | SmFailure;

export abstract class BaseSession implements SecureSession {
  abstract readonly scheme: SmScheme;
  readonly role: SessionRole;
  readonly keyNo: number;
  #ended = false;

  protected constructor(options: { role: SessionRole; keyNo: number }) {
    this.role = options.role;
    this.keyNo = options.keyNo;
  }

  get ended(): boolean {
    return this.#ended;
  }

  abstract commandTrailerBytes(mode: CommunicationMode): number;
  abstract commandWireLengthBytes(options: { mode: CommunicationMode; headerLengthBytes: number; dataLengthBytes: number }): number;
  protected abstract zeroizeKeys(): void;
  protected abstract doWrapCommand(input: WrapCommandInput): WrapCommandResult;
  protected abstract doUnwrapResponse(input: UnwrapResponseInput): UnwrapResponseResult;
  protected abstract doUnwrapCommand(input: UnwrapCommandInput): UnwrapCommandResult;
  protected abstract doWrapResponse(input: WrapResponseInput): Uint8Array;
  protected abstract doWrapPreformatted(input: { ins: number; header: Uint8Array; plaintext: Uint8Array }): WrapCommandResult;
  protected abstract doUnwrapPreformatted(input: { ins: number; header: Uint8Array; body: Uint8Array }): PreformattedResult;

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.zeroizeKeys();
  }

  splitCommand(options: { headerLengthBytes: HeaderLength; message: Uint8Array; mode: CommunicationMode }): { header: Uint8Array; body: Uint8Array } | undefined {
    const { message } = options;
    const headerBytes = options.headerLengthBytes === 'all' ? message.length - this.commandTrailerBytes(options.mode) : options.headerLengthBytes;
    if (headerBytes < 0 || headerBytes > message.length) return undefined;
    return { header: message.slice(0, headerBytes), body: message.slice(headerBytes) };
  }

  wrapCommand(input: WrapCommandInput): WrapCommandResult {
    this.expectRole('host');
    if (this.#ended) return smFailure('session_ended');
    return this.doWrapCommand(input);
  }

  unwrapResponse(input: UnwrapResponseInput): UnwrapResponseResult {
    this.expectRole('host');
    if (this.#ended) return smFailure('session_ended');
    if (!isSuccessStatus(input.status)) {
      this.end();
      return cardStatusFailure(input.status);
    }
    const result = this.doUnwrapResponse(input);
    if (!result.ok) this.end();
    return result;
  }

  unwrapCommand(input: UnwrapCommandInput): UnwrapCommandResult {
    this.expectRole('card');
    if (this.#ended) return smFailure('session_ended');
    const result = this.doUnwrapCommand(input);
    if (!result.ok) this.end();
    return result;
  }

  wrapResponse(input: WrapResponseInput): Uint8Array {
    this.expectRole('card');
    if (this.#ended) throw new Error('wrapResponse on an ended session');
    if (!isSuccessStatus(input.status)) {
      this.end();
      return new Uint8Array(0);
    }
    return this.doWrapResponse(input);
  }

  wrapPreformattedFull(input: { ins: number; header: Uint8Array; plaintext: Uint8Array }): WrapCommandResult {
    this.expectRole('host');
    if (this.#ended) return smFailure('session_ended');
    return this.doWrapPreformatted(input);
  }

  unwrapPreformattedFull(input: { ins: number; header: Uint8Array; body: Uint8Array }): PreformattedResult {
    this.expectRole('card');
    if (this.#ended) return smFailure('session_ended');
    const result = this.doUnwrapPreformatted(input);
    if (!result.ok) this.end();
    return result;
  }

  /** Ends the session and returns the failure value (for subclasses). */
  protected fail(reason: 'integrity_error' | 'length_error' | 'command_counter_exhausted'): SmFailure {
    this.end();
    return smFailure(reason);
  }

  private expectRole(role: SessionRole): void {
    if (this.role !== role) throw new Error(`this session belongs to the ${this.role} side`);
  }
}
