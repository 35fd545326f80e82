/**
 * EV2 secure messaging (AN12343 §4; MF2DLHX0 §9.1.3-9.1.5; AN12196 §5.3-5.4):
 *   plain  nothing added; CmdCtr still advances per command/response pair
 *   mac    CmdHeader ‖ Data ‖ MACt            answer: Data ‖ MACt
 *   full   CmdHeader ‖ E(Data ‖ 80 00…) ‖ MACt  answer: E(Data ‖ 80 00…) ‖ MACt
 * Without data, full mode is MAC only (GetCardUID command, WriteData answer).
 * The MAC is checked before anything is decrypted.
 */
import { concatBytes, equalBytes, zeroize } from '@onecard/keys';
import type { CommunicationMode } from '../protocol/commands.js';
import {
  EV2_CMD_CTR_MAX,
  EV2_MACT_BYTES,
  ev2CommandMacInput,
  ev2ComputeIv,
  ev2ComputeMac,
  ev2Decrypt,
  ev2Encrypt,
  ev2PaddedLengthBytes,
  ev2ResponseMacInput,
} from './ev2-crypto.js';
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

export interface Ev2SessionState {
  readonly keyNo: number;
  readonly sesAuthEncKey: Uint8Array;
  readonly sesAuthMacKey: Uint8Array;
  readonly ti: Uint8Array;
  readonly cmdCtr: number;
}

export class Ev2Session extends BaseSession {
  readonly scheme = 'ev2' as const;
  readonly #encKey: Uint8Array;
  readonly #macKey: Uint8Array;
  readonly #ti: Uint8Array;
  #cmdCtr: number;

  constructor(options: Ev2SessionState & { role: SessionRole }) {
    super({ role: options.role, keyNo: options.keyNo });
    this.#encKey = options.sesAuthEncKey.slice();
    this.#macKey = options.sesAuthMacKey.slice();
    this.#ti = options.ti.slice();
    this.#cmdCtr = options.cmdCtr;
  }

  /** Transaction Identifier (kept by AuthenticateEV2NonFirst). */
  get ti(): Uint8Array {
    return this.#ti.slice();
  }

  get cmdCtr(): number {
    return this.#cmdCtr;
  }

  commandTrailerBytes(mode: CommunicationMode): number {
    return mode === 'plain' ? 0 : EV2_MACT_BYTES;
  }

  /** plain: header ‖ data; mac: + MACt; full: header ‖ E(data ‖ 80 00…) ‖ MACt (no data: MACt only). */
  commandWireLengthBytes(options: { mode: CommunicationMode; headerLengthBytes: number; dataLengthBytes: number }): number {
    const { mode, headerLengthBytes, dataLengthBytes } = options;
    const wrappedDataBytes = mode === 'full' && dataLengthBytes > 0 ? ev2PaddedLengthBytes(dataLengthBytes) : dataLengthBytes;
    return headerLengthBytes + wrappedDataBytes + this.commandTrailerBytes(mode);
  }

  protected zeroizeKeys(): void {
    zeroize(this.#encKey, this.#macKey);
  }

  #macT(macInput: Uint8Array): Uint8Array {
    return ev2ComputeMac({ sesAuthMacKey: this.#macKey, macInput }).macT;
  }

  #iv(direction: 'command' | 'response'): Uint8Array {
    const cmdCtr = direction === 'command' ? this.#cmdCtr : this.#cmdCtr + 1;
    return ev2ComputeIv({ sesAuthEncKey: this.#encKey, ti: this.#ti, cmdCtr, direction });
  }

  protected doWrapCommand(input: WrapCommandInput): WrapCommandResult {
    if (this.#cmdCtr >= EV2_CMD_CTR_MAX) return this.fail('command_counter_exhausted');
    const { ins, header, mode } = input;
    if (mode === 'plain') return { ok: true, body: concatBytes(header, input.data) };
    const data = mode === 'full' && input.data.length > 0
      ? ev2Encrypt({ sesAuthEncKey: this.#encKey, iv: this.#iv('command'), plaintext: input.data })
      : input.data;
    const macT = this.#macT(ev2CommandMacInput({ ins, cmdCtr: this.#cmdCtr, ti: this.#ti, header, data }));
    return { ok: true, body: concatBytes(header, data, macT) };
  }

  protected doUnwrapCommand(input: UnwrapCommandInput): UnwrapCommandResult {
    if (this.#cmdCtr >= EV2_CMD_CTR_MAX) return this.fail('command_counter_exhausted');
    const { ins, header, body, mode } = input;
    if (mode === 'plain') return { ok: true, header, data: body };
    if (body.length < EV2_MACT_BYTES) return this.fail('length_error');
    const data = body.subarray(0, body.length - EV2_MACT_BYTES);
    const macT = body.subarray(body.length - EV2_MACT_BYTES);
    const expected = this.#macT(ev2CommandMacInput({ ins, cmdCtr: this.#cmdCtr, ti: this.#ti, header, data }));
    if (!equalBytes(expected, macT)) return this.fail('integrity_error');
    if (mode === 'mac' || data.length === 0) return { ok: true, header, data: data.slice() };
    const plain = ev2Decrypt({ sesAuthEncKey: this.#encKey, iv: this.#iv('command'), ciphertext: data });
    if (plain === undefined) return this.fail('integrity_error');
    return { ok: true, header, data: plain.plaintext };
  }

  protected doWrapPreformatted(input: { ins: number; header: Uint8Array; plaintext: Uint8Array }): WrapCommandResult {
    return this.doWrapCommand({ ins: input.ins, header: input.header, data: input.plaintext, mode: 'full' });
  }

  protected doUnwrapPreformatted(input: { ins: number; header: Uint8Array; body: Uint8Array }): PreformattedResult {
    const result = this.doUnwrapCommand({ ...input, mode: 'full' });
    return result.ok ? { ok: true, plaintext: result.data } : result;
  }

  protected doWrapResponse(input: WrapResponseInput): Uint8Array {
    const { status, mode } = input;
    let body: Uint8Array;
    if (mode === 'plain') {
      body = input.data.slice();
    } else {
      const data = mode === 'full' && input.data.length > 0
        ? ev2Encrypt({ sesAuthEncKey: this.#encKey, iv: this.#iv('response'), plaintext: input.data })
        : input.data;
      body = concatBytes(data, this.#macT(ev2ResponseMacInput({ status, cmdCtr: this.#cmdCtr + 1, ti: this.#ti, data })));
    }
    this.#cmdCtr += 1;
    return body;
  }

  protected doUnwrapResponse(input: UnwrapResponseInput): UnwrapResponseResult {
    const { status, body, mode } = input;
    if (mode === 'plain') {
      this.#cmdCtr += 1;
      return { ok: true, data: body.slice() };
    }
    if (body.length < EV2_MACT_BYTES) return this.fail('length_error');
    const data = body.subarray(0, body.length - EV2_MACT_BYTES);
    const macT = body.subarray(body.length - EV2_MACT_BYTES);
    const expected = this.#macT(ev2ResponseMacInput({ status, cmdCtr: this.#cmdCtr + 1, ti: this.#ti, data }));
    if (!equalBytes(expected, macT)) return this.fail('integrity_error');
    let plain: Uint8Array = data.slice();
    if (mode === 'full' && data.length > 0) {
      const decrypted = ev2Decrypt({ sesAuthEncKey: this.#encKey, iv: this.#iv('response'), ciphertext: data });
      if (decrypted === undefined) return this.fail('integrity_error');
      plain = decrypted.plaintext;
    }
    this.#cmdCtr += 1;
    return { ok: true, data: plain };
  }
}
