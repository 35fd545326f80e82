/**
 * The host (terminal) side of a DESFire card: one authenticated session at a
 * time, every command through the scheme's secure-messaging pipeline, the
 * card's status as a typed value. Nothing is retried: a failed command is
 * reported and the caller decides (a validator may re-tap; a personaliser
 * re-runs its idempotent plan).
 *
 * Session rules mirror the card (MF2DLHX0 §9.1): SelectApplication, any
 * error status and any integrity failure end the session; a failed
 * authentication leaves none.
 */
import { concatBytes, type CipherName } from '@onecard/keys';
import { commandSpec, type CommunicationMode, type InsCode } from '../protocol/commands.js';
import { resolveMode } from '../protocol/mode.js';
import { DesfireStatus, isSuccessStatus } from '../protocol/status.js';
import {
  HostEv1Auth,
  HostEv2Auth,
  cardStatusFailure,
  type Ev1AuthMethod,
  type Ev2AuthMethod,
  type SecureSession,
  type SmFailure,
} from '../sm/index.js';
import { Ev2Session } from '../sm/session-ev2.js';
import { secureRandom, type RandomSource } from '../random.js';
import type { CardChannel } from '../transport/types.js';
import { HostError } from './errors.js';
import { transceiveNative } from './transceive.js';

export type CardResult<T> = { readonly ok: true; readonly value: T } | SmFailure;
export type AuthMethod = Ev1AuthMethod | Ev2AuthMethod;

export interface AuthenticateOptions {
  readonly method: AuthMethod;
  readonly keyNo: number;
  readonly key: Uint8Array;
  /** Cipher of the key; AES for 'aes', 'ev2-first' and 'ev2-non-first'. */
  readonly keyType: CipherName;
}

export interface ExecOptions {
  readonly ins: InsCode;
  /** CmdHeader: MACed, never encrypted (FileNo ‖ Offset ‖ Length …). */
  readonly header?: Uint8Array;
  /** Command data: encrypted in full mode. */
  readonly data?: Uint8Array;
  /** The file's communication mode, for commands whose mode follows the file. */
  readonly fileMode?: CommunicationMode;
  /** EV1/D40 full-mode answers: the plain length when known (avoids a CRC search). */
  readonly plainLengthBytes?: number;
}

export class DesfireClient {
  readonly #channel: CardChannel;
  readonly #random: RandomSource;
  #session: SecureSession | undefined;

  constructor(channel: CardChannel, options: { random?: RandomSource } = {}) {
    this.#channel = channel;
    this.#random = options.random ?? secureRandom;
  }

  get channel(): CardChannel {
    return this.#channel;
  }

  /** The current session, if authenticated (for TI / key number). */
  get session(): SecureSession | undefined {
    return this.#session?.ended === false ? this.#session : undefined;
  }

  /** Drops the host's session (the card drops its own on select/auth/error). */
  endSession(): void {
    this.#session?.end();
    this.#session = undefined;
  }

  async authenticate(options: AuthenticateOptions): Promise<CardResult<{ keyNo: number }>> {
    const previous = this.session;
    this.endSession();
    const { method, keyNo, key, keyType } = options;
    if (method === 'ev2-first' || method === 'ev2-non-first') {
      if (keyType !== 'aes128') throw new HostError('invalid_argument', 'EV2 authentication takes AES keys');
      const ti = method === 'ev2-non-first' && previous instanceof Ev2Session ? previous.ti : undefined;
      if (method === 'ev2-non-first' && ti === undefined) throw new HostError('not_authenticated', 'EV2 NonFirst needs an EV2 session');
      const auth = new HostEv2Auth({ method, keyNo, key, ...(ti === undefined ? {} : { ti }) });
      return this.#handshake(auth, 16);
    }
    const auth = new HostEv1Auth({ method, keyNo, key, keyType });
    return this.#handshake(auth, keyType === 'aes128' || keyType === '3tdea' ? 16 : 8);
  }

  async #handshake(auth: HostEv1Auth | HostEv2Auth, rndBytes: number): Promise<CardResult<{ keyNo: number }>> {
    const first = auth.command();
    const challenge = await transceiveNative(this.#channel, { ins: first.ins, data: first.data, responseChaining: 'stop' });
    if (challenge.status !== DesfireStatus.ADDITIONAL_FRAME) return cardStatusFailure(challenge.status);
    const step = auth.answerChallenge({ status: challenge.status, body: challenge.data, rndA: this.#random(rndBytes) });
    if (!step.ok) return step;
    const final = await transceiveNative(this.#channel, { ins: step.ins, data: step.data, responseChaining: 'stop' });
    if (!isSuccessStatus(final.status)) return cardStatusFailure(final.status);
    const done = auth.finish({ status: final.status, body: final.data });
    if (!done.ok) return done;
    this.#session = done.session;
    return { ok: true, value: { keyNo: done.session.keyNo } };
  }

  /**
   * Runs one command through the session's pipeline (or plain, with no
   * session) and returns the plain answer data. AF frames are followed: only
   * handshakes stop at AF, and they do not come through here.
   */
  async exec(options: ExecOptions): Promise<CardResult<Uint8Array>> {
    return (await this.#exec(options)).result;
  }

  /**
   * Like exec, but returns the plain data split as the card framed it (one
   * entry per AF frame, GetDFNames). Valid for plain and MAC answers only:
   * secure messaging then only strips a trailer from the last frame.
   */
  async execFramed(options: ExecOptions): Promise<CardResult<Uint8Array[]>> {
    const { result, frameLengthsBytes } = await this.#exec(options);
    if (!result.ok) return result;
    const frames: Uint8Array[] = [];
    let offset = 0;
    for (const lengthBytes of frameLengthsBytes) {
      const end = Math.min(offset + lengthBytes, result.value.length);
      if (end > offset) frames.push(result.value.slice(offset, end));
      offset = end;
    }
    return { ok: true, value: frames };
  }

  async #exec(options: ExecOptions): Promise<{ result: CardResult<Uint8Array>; frameLengthsBytes: readonly number[] }> {
    const spec = commandSpec(options.ins);
    if (spec === undefined) throw new HostError('invalid_argument', 'unknown instruction');
    const header = options.header ?? new Uint8Array(0);
    const data = options.data ?? new Uint8Array(0);
    const session = this.session;
    if (session === undefined) {
      const answer = await transceiveNative(this.#channel, { ins: options.ins, data: concatBytes(header, data), responseChaining: 'follow' });
      const result: CardResult<Uint8Array> = isSuccessStatus(answer.status) ? { ok: true, value: answer.data } : cardStatusFailure(answer.status);
      return { result, frameLengthsBytes: answer.frameLengthsBytes };
    }
    const modeOf = (direction: 'command' | 'response'): CommunicationMode =>
      resolveMode({ spec, scheme: session.scheme, direction, ...(options.fileMode === undefined ? {} : { fileMode: options.fileMode }) });
    const wrapped = session.wrapCommand({ ins: options.ins, header, data, mode: modeOf('command') });
    if (!wrapped.ok) return { result: this.#fail(wrapped), frameLengthsBytes: [] };
    const answer = await transceiveNative(this.#channel, { ins: options.ins, data: wrapped.body, responseChaining: 'follow' });
    const plain = session.unwrapResponse({
      status: answer.status,
      body: answer.data,
      mode: modeOf('response'),
      ...(options.plainLengthBytes === undefined ? {} : { plainLengthBytes: options.plainLengthBytes }),
    });
    return { result: plain.ok ? { ok: true, value: plain.data } : this.#fail(plain), frameLengthsBytes: answer.frameLengthsBytes };
  }

  /** Sends a full-mode command whose plaintext carries its own checks (ChangeKey). */
  /**
   * `responseMode: 'session-ended'`: the command ends the session and the card
   * answers outside secure messaging (ChangeKey of the authenticated key:
   * status only, no MAC in any scheme, MF2DLHX0 §10.5.1). The session is ended here.
   */
  async execPreformatted(options: { ins: InsCode; header: Uint8Array; plaintext: Uint8Array; responseMode: CommunicationMode | 'session-ended' }): Promise<CardResult<Uint8Array>> {
    const session = this.session;
    if (session === undefined) throw new HostError('not_authenticated', 'command needs an authenticated session');
    const wrapped = session.wrapPreformattedFull({ ins: options.ins, header: options.header, plaintext: options.plaintext });
    if (!wrapped.ok) return this.#fail(wrapped);
    const answer = await transceiveNative(this.#channel, { ins: options.ins, data: wrapped.body, responseChaining: 'stop' });
    if (options.responseMode === 'session-ended') {
      this.endSession();
      if (!isSuccessStatus(answer.status)) return cardStatusFailure(answer.status);
      if (answer.data.length !== 0) throw new HostError('malformed_response', 'the answer of a session-ending command carries data');
      return { ok: true, value: answer.data };
    }
    const plain = session.unwrapResponse({ status: answer.status, body: answer.data, mode: options.responseMode });
    return plain.ok ? { ok: true, value: plain.data } : this.#fail(plain);
  }

  /** Sends a command outside secure messaging and ends any session (SelectApplication). */
  async execUnauthenticated(options: { ins: InsCode; data: Uint8Array }): Promise<CardResult<Uint8Array>> {
    this.endSession();
    const answer = await transceiveNative(this.#channel, { ins: options.ins, data: options.data, responseChaining: 'follow' });
    return isSuccessStatus(answer.status) ? { ok: true, value: answer.data } : cardStatusFailure(answer.status);
  }

  #fail(failure: SmFailure): SmFailure {
    this.endSession();
    return failure;
  }
}
