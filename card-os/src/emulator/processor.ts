/**
 * The native command processor: AF chaining, secure messaging around the
 * handlers, and the one error policy.
 *
 * Error policy (AN12343 §3; MF2DLHX0 §9.1; libfreefare test "reading records
 * from an empty file would abort the transaction"): any status other than
 * OPERATION_OK, NO_CHANGES or ADDITIONAL_FRAME is answered without data or
 * MAC, ends the authentication and drops the pending transaction.
 * Chaining: a command other than AF while the card waits for AF frames ends
 * the chain with COMMAND_ABORTED; an AF with nothing to continue is an
 * ILLEGAL_COMMAND_CODE.
 * Transaction MAC: a successful command's TMI entry is collected here, on
 * plain data, before the answer is secure-messaged (transaction-mac-recorder.ts).
 */
import { concatBytes } from '@onecard/keys';
import { Ins, commandSpec, type CommandSpec } from '../protocol/commands.js';
import { resolveMode } from '../protocol/mode.js';
import { DesfireStatus, isSuccessStatus } from '../protocol/status.js';
import { handlerFor } from './dispatch.js';
import { COMMAND_ASSEMBLED_BYTES_MAX, RESPONSE_FRAME_DATA_BYTES_MAX } from './limits.js';
import { recordTransactionMacInput } from './transaction-mac-recorder.js';
import type { CardContext, CommandHandler, Outcome, Plan } from './commands/types.js';

export interface NativeAnswer {
  readonly data: Uint8Array;
  readonly status: number;
}

const EMPTY = new Uint8Array(0);

export function processNative(ctx: CardContext, ins: number, frame: Uint8Array): NativeAnswer {
  const { session } = ctx;
  const continuation = session.continuation;
  session.continuation = null;
  if (ins === Ins.AdditionalFrame) {
    if (continuation === null) return errorAnswer(ctx, DesfireStatus.ILLEGAL_COMMAND_CODE);
    switch (continuation.kind) {
      case 'response':
        return sendFrames(ctx, continuation.frames, continuation.finalStatus);
      case 'command':
        return receiveFrame(ctx, continuation.ins, concatBytes(continuation.collected, frame), continuation.expectedBytes);
      case 'authentication': {
        const result = continuation.step.continue(frame);
        if (result.kind === 'failed') return errorAnswer(ctx, result.status);
        session.auth = result.session;
        return { data: result.data, status: DesfireStatus.OPERATION_OK };
      }
    }
  }
  if (continuation !== null) return errorAnswer(ctx, DesfireStatus.COMMAND_ABORTED);
  const spec = commandSpec(ins);
  if (spec === undefined) return errorAnswer(ctx, DesfireStatus.ILLEGAL_COMMAND_CODE);
  return begin(ctx, spec, frame);
}

/** The one place an error answer is built. */
export function errorAnswer(ctx: CardContext, status: number): NativeAnswer {
  const { session } = ctx;
  session.endAuthentication();
  session.dropTransaction();
  session.continuation = null;
  return { data: EMPTY, status };
}

function headerLengthBytes(ctx: CardContext, spec: CommandSpec, message: Uint8Array, mode: 'plain' | 'mac' | 'full'): number {
  if (spec.headerLengthBytes !== 'all') return spec.headerLengthBytes;
  const trailer = ctx.session.auth?.channel.commandTrailerBytes(mode) ?? 0;
  return Math.max(0, message.length - trailer);
}

interface Prepared {
  readonly handler: CommandHandler;
  readonly plan: Plan;
  readonly commandMode: 'plain' | 'mac' | 'full';
  readonly headerLengthBytes: number;
}

function prepare(ctx: CardContext, spec: CommandSpec, message: Uint8Array): Prepared | NativeAnswer {
  const handler = handlerFor(spec.name);
  const scheme = ctx.session.auth?.scheme ?? 'ev2';
  const fixedHeaderBytes = spec.headerLengthBytes === 'all' ? 0 : spec.headerLengthBytes;
  if (message.length < fixedHeaderBytes) return errorAnswer(ctx, DesfireStatus.LENGTH_ERROR);
  const planned = handler.plan?.(ctx, message.subarray(0, fixedHeaderBytes)) ?? { ok: true as const, plan: {} };
  if (!planned.ok) return errorAnswer(ctx, planned.status);
  const { plan } = planned;
  const commandMode = plan.commandMode ?? resolveMode({ spec, scheme, direction: 'command', ...(plan.fileMode === undefined ? {} : { fileMode: plan.fileMode }) });
  return { handler, plan, commandMode, headerLengthBytes: headerLengthBytes(ctx, spec, message, commandMode) };
}

function begin(ctx: CardContext, spec: CommandSpec, message: Uint8Array): NativeAnswer {
  if (spec.commandMode === 'auth') return respond(ctx, spec, {}, handlerFor(spec.name).run(ctx, message));
  const prepared = prepare(ctx, spec, message);
  if (!('handler' in prepared)) return prepared;
  const { plan } = prepared;
  if (plan.plainDataLengthBytes !== undefined) {
    const channel = ctx.session.auth?.channel;
    const { headerLengthBytes } = prepared;
    const dataLengthBytes = Math.max(0, plan.plainDataLengthBytes - headerLengthBytes);
    // MF2DLHX0 §9.2: the card asks for AF frames until the wrapped command has arrived; sm/ knows its length.
    const expectedBytes = channel === undefined ? plan.plainDataLengthBytes : channel.commandWireLengthBytes({ mode: prepared.commandMode, headerLengthBytes, dataLengthBytes });
    if (spec.chaining === 'command-af') return receiveFrame(ctx, spec.ins, message, expectedBytes);
  }
  return execute(ctx, spec, prepared, message);
}

function receiveFrame(ctx: CardContext, ins: number, collected: Uint8Array, expectedBytes: number): NativeAnswer {
  if (collected.length > expectedBytes || collected.length > COMMAND_ASSEMBLED_BYTES_MAX) return errorAnswer(ctx, DesfireStatus.LENGTH_ERROR);
  if (collected.length < expectedBytes) {
    ctx.session.continuation = { kind: 'command', ins, collected, expectedBytes };
    return { data: EMPTY, status: DesfireStatus.ADDITIONAL_FRAME };
  }
  const spec = commandSpec(ins);
  if (spec === undefined) return errorAnswer(ctx, DesfireStatus.ILLEGAL_COMMAND_CODE);
  const prepared = prepare(ctx, spec, collected);
  if (!('handler' in prepared)) return prepared;
  return execute(ctx, spec, prepared, collected);
}

function execute(ctx: CardContext, spec: CommandSpec, prepared: Prepared, message: Uint8Array): NativeAnswer {
  const auth = ctx.session.auth;
  let plain = message;
  if (auth !== null && (prepared.plan.unwrap ?? prepared.handler.unwrap) === 'preformatted-full') {
    const header = message.subarray(0, prepared.headerLengthBytes);
    const unwrapped = auth.channel.unwrapPreformattedFull({ ins: spec.ins, header, body: message.subarray(prepared.headerLengthBytes) });
    if (!unwrapped.ok) return errorAnswer(ctx, unwrapped.status);
    plain = concatBytes(header, unwrapped.plaintext);
  } else if (auth !== null) {
    const header = message.subarray(0, prepared.headerLengthBytes);
    const body = message.subarray(prepared.headerLengthBytes);
    const plainLength = prepared.plan.plainDataLengthBytes;
    const unwrapped = auth.channel.unwrapCommand({
      ins: spec.ins,
      header,
      body,
      mode: prepared.commandMode,
      ...(plainLength === undefined ? {} : { plainLengthBytes: plainLength - prepared.headerLengthBytes }),
    });
    if (!unwrapped.ok) return errorAnswer(ctx, unwrapped.status);
    plain = concatBytes(unwrapped.header, unwrapped.data);
  }
  const outcome = prepared.handler.run(ctx, plain);
  return respond(ctx, spec, prepared.plan, recordTransactionMacInput(ctx, { spec, command: plain, outcome }));
}

function respond(ctx: CardContext, spec: CommandSpec, plan: Plan, outcome: Outcome): NativeAnswer {
  if (outcome.status === DesfireStatus.ADDITIONAL_FRAME) return { data: outcome.data, status: outcome.status };
  if (!isSuccessStatus(outcome.status)) return errorAnswer(ctx, outcome.status);
  const auth = ctx.session.auth;
  let body = outcome.data;
  if (auth !== null && spec.responseMode !== 'auth') {
    const mode = resolveMode({ spec, scheme: auth.scheme, direction: 'response', ...(plan.fileMode === undefined ? {} : { fileMode: plan.fileMode }) });
    body = auth.channel.wrapResponse({ status: outcome.status, data: outcome.data, mode });
    if (outcome.endsAuthenticationAfterResponse === true) ctx.session.endAuthentication();
  }
  if (spec.chaining !== 'response-af') return { data: body, status: outcome.status };
  return sendFrames(ctx, splitResponse(body, outcome.leadingFrameSizesBytes ?? []), outcome.status);
}

function splitResponse(body: Uint8Array, leadingFrameSizesBytes: readonly number[]): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let offset = 0;
  for (const sizeBytes of leadingFrameSizesBytes) {
    if (offset + sizeBytes >= body.length) break;
    frames.push(body.slice(offset, offset + sizeBytes));
    offset += sizeBytes;
  }
  while (body.length - offset > RESPONSE_FRAME_DATA_BYTES_MAX) {
    frames.push(body.slice(offset, offset + RESPONSE_FRAME_DATA_BYTES_MAX));
    offset += RESPONSE_FRAME_DATA_BYTES_MAX;
  }
  frames.push(body.slice(offset));
  return frames;
}

function sendFrames(ctx: CardContext, frames: readonly Uint8Array[], finalStatus: number): NativeAnswer {
  const [first = EMPTY, ...rest] = frames;
  if (rest.length === 0) return { data: first, status: finalStatus };
  ctx.session.continuation = { kind: 'response', frames: rest, finalStatus };
  return { data: first, status: DesfireStatus.ADDITIONAL_FRAME };
}
