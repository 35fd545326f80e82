/**
 * A minimal reader for tests of the emulator: sends wrapped native commands,
 * follows AF chaining both ways, authenticates with sm/'s host state
 * machines and applies host-side secure messaging. Not a host library (the
 * real one lives in card-os/src/host); it exists so emulator tests exercise
 * the card through its APDU interface only.
 */
import { concatBytes, type CipherName } from '@onecard/keys';
import { Ins, commandSpec, type CommunicationMode } from '../../protocol/commands.js';
import { NATIVE_COMMAND_FRAME_DATA_BYTES_MAX, parseNativeResponse, wrapNative } from '../../protocol/apdu.js';
import { resolveMode } from '../../protocol/mode.js';
import { DesfireStatus } from '../../protocol/status.js';
import { HostEv1Auth, type Ev1AuthMethod } from '../../sm/auth-ev1.js';
import { HostEv2Auth, type Ev2AuthMethod } from '../../sm/auth-ev2.js';
import type { SecureSession } from '../../sm/session.js';
import { Ev2Session } from '../../sm/session-ev2.js';
import type { VirtualCard } from '../../transport/types.js';

export interface Answer {
  readonly status: number;
  readonly data: Uint8Array;
}

/** Frames a test follows before giving up (a card that never stops chaining is a bug). */
export const READER_FRAME_COUNT_MAX = 512;

export class TestReader {
  readonly card: VirtualCard;
  session: SecureSession | null = null;

  constructor(card: VirtualCard) {
    this.card = card;
  }

  /** One wrapped APDU, one answer (no chaining). */
  frame(ins: number, data: Uint8Array = new Uint8Array(0)): Answer {
    const parsed = parseNativeResponse(this.card.process(wrapNative(ins, data)));
    if (!parsed.ok) throw new Error(`not a native answer: ${parsed.error}`);
    return parsed.value;
  }

  /** A whole native exchange: long commands go out in 55-byte frames, long answers are collected. */
  exchange(ins: number, message: Uint8Array = new Uint8Array(0)): Answer {
    let offset = Math.min(message.length, NATIVE_COMMAND_FRAME_DATA_BYTES_MAX);
    let answer = this.frame(ins, message.subarray(0, offset));
    let frames = 1;
    while (answer.status === DesfireStatus.ADDITIONAL_FRAME && offset < message.length && frames < READER_FRAME_COUNT_MAX) {
      const next = Math.min(message.length, offset + NATIVE_COMMAND_FRAME_DATA_BYTES_MAX);
      answer = this.frame(Ins.AdditionalFrame, message.subarray(offset, next));
      offset = next;
      frames++;
    }
    const parts: Uint8Array[] = [answer.data];
    while (answer.status === DesfireStatus.ADDITIONAL_FRAME && frames < READER_FRAME_COUNT_MAX) {
      answer = this.frame(Ins.AdditionalFrame);
      parts.push(answer.data);
      frames++;
    }
    return { status: answer.status, data: concatBytes(...parts) };
  }

  /**
   * A command with secure messaging when a session exists. `fileMode` is the
   * file's mode when the command's rule depends on it; `commandMode` forces a mode.
   */
  send(ins: number, options: { header?: Uint8Array; data?: Uint8Array; fileMode?: CommunicationMode; commandMode?: CommunicationMode } = {}): Answer {
    const header = options.header ?? new Uint8Array(0);
    const data = options.data ?? new Uint8Array(0);
    const session = this.session;
    const spec = commandSpec(ins);
    if (session === null || spec === undefined || session.ended) {
      this.session = null;
      return this.exchange(ins, concatBytes(header, data));
    }
    const fileMode = options.fileMode === undefined ? {} : { fileMode: options.fileMode };
    const commandMode = options.commandMode ?? resolveMode({ spec, scheme: session.scheme, direction: 'command', ...fileMode });
    const wrapped = session.wrapCommand({ ins, header, data, mode: commandMode });
    if (!wrapped.ok) throw new Error(`wrapCommand failed: ${wrapped.reason}`);
    const answer = this.exchange(ins, wrapped.body);
    const responseMode = resolveMode({ spec, scheme: session.scheme, direction: 'response', ...fileMode });
    const unwrapped = session.unwrapResponse({ status: answer.status, body: answer.data, mode: responseMode });
    if (!unwrapped.ok) {
      this.session = null;
      return { status: answer.status, data: new Uint8Array(0) };
    }
    return { status: answer.status, data: unwrapped.data };
  }

  /** Preformatted full-mode command (ChangeKey). */
  sendPreformatted(ins: number, options: { header: Uint8Array; plaintext: Uint8Array; sameKey: boolean }): Answer {
    const session = this.session;
    if (session === null) throw new Error('no session');
    const wrapped = session.wrapPreformattedFull({ ins, header: options.header, plaintext: options.plaintext });
    if (!wrapped.ok) throw new Error(`wrapPreformattedFull failed: ${wrapped.reason}`);
    const answer = this.exchange(ins, wrapped.body);
    if (options.sameKey || answer.status !== DesfireStatus.OPERATION_OK) {
      session.end();
      this.session = null;
      return answer;
    }
    const unwrapped = session.unwrapResponse({ status: answer.status, body: answer.data, mode: resolveMode({ spec: commandSpecOrThrow(ins), scheme: session.scheme, direction: 'response' }) });
    if (!unwrapped.ok) throw new Error(`unwrapResponse failed: ${unwrapped.reason}`);
    return { status: answer.status, data: unwrapped.data };
  }

  authenticateEv1(options: { method: Ev1AuthMethod; keyNo: number; key: Uint8Array; keyType: CipherName; rndA: Uint8Array }): Answer {
    this.session = null;
    const host = new HostEv1Auth({ method: options.method, keyNo: options.keyNo, key: options.key, keyType: options.keyType });
    const command = host.command();
    const challenge = this.frame(command.ins, command.data);
    if (challenge.status !== DesfireStatus.ADDITIONAL_FRAME) return challenge;
    const reply = host.answerChallenge({ status: challenge.status, body: challenge.data, rndA: options.rndA });
    if (!reply.ok) throw new Error(`answerChallenge failed: ${reply.reason}`);
    const final = this.frame(reply.ins, reply.data);
    if (final.status !== DesfireStatus.OPERATION_OK) return final;
    const finished = host.finish({ status: final.status, body: final.data });
    if (!finished.ok) throw new Error(`host finish failed: ${finished.reason}`);
    this.session = finished.session;
    return final;
  }

  authenticateEv2(options: { method: Ev2AuthMethod; keyNo: number; key: Uint8Array; rndA: Uint8Array }): Answer {
    const ti = this.session instanceof Ev2Session ? this.session.ti : undefined;
    this.session = null;
    const host = new HostEv2Auth({ method: options.method, keyNo: options.keyNo, key: options.key, ...(ti === undefined ? {} : { ti }) });
    const command = host.command();
    const challenge = this.frame(command.ins, command.data);
    if (challenge.status !== DesfireStatus.ADDITIONAL_FRAME) return challenge;
    const reply = host.answerChallenge({ status: challenge.status, body: challenge.data, rndA: options.rndA });
    if (!reply.ok) throw new Error(`answerChallenge failed: ${reply.reason}`);
    const final = this.frame(reply.ins, reply.data);
    if (final.status !== DesfireStatus.OPERATION_OK) return final;
    const finished = host.finish({ status: final.status, body: final.data });
    if (!finished.ok) throw new Error(`host finish failed: ${finished.reason}`);
    this.session = finished.session;
    return final;
  }
}

function commandSpecOrThrow(ins: number): NonNullable<ReturnType<typeof commandSpec>> {
  const spec = commandSpec(ins);
  if (spec === undefined) throw new Error('unknown INS');
  return spec;
}
