/**
 * Sends one native DESFire command, ISO-wrapped, and collects its answer,
 * following 0xAF (ADDITIONAL_FRAME) chaining in both directions
 * (MF2DLHX0 §9.2): a long command goes as INS + first chunk, then AF frames;
 * a long answer is fetched with AF frames until the card answers another
 * status. Authentication handshakes also answer AF, but as a step of the
 * protocol: they use `responseChaining: 'stop'` and continue themselves.
 */
import { concatBytes } from '@onecard/keys';
import {
  DesfireStatus,
  Ins,
  NATIVE_COMMAND_FRAME_DATA_BYTES_MAX,
  parseNativeResponse,
  splitFrames,
  wrapNative,
} from '../protocol/index.js';
import type { CardChannel } from '../transport/types.js';
import { HostError } from './errors.js';

/** 8 KB EV2 memory / 59-byte frames ≈ 140; anything past this is a broken or hostile card. */
export const RESPONSE_FRAMES_MAX = 160;
export const RESPONSE_BYTES_MAX = RESPONSE_FRAMES_MAX * 64;

export interface NativeAnswer {
  /** The DESFire status byte of the last frame. */
  readonly status: number;
  /** Data of all frames, concatenated (still secure-messaged, if a session is on). */
  readonly data: Uint8Array;
  /** Data length of each answer frame, in order (GetDFNames: one entry per frame). */
  readonly frameLengthsBytes: readonly number[];
}

interface Frame {
  readonly status: number;
  readonly data: Uint8Array;
}

async function transmitFrame(channel: CardChannel, ins: number, data: Uint8Array): Promise<Frame> {
  let raw: Uint8Array;
  try {
    raw = await channel.transmit(wrapNative(ins, data));
  } catch (error) {
    throw new HostError('transport_failed', 'card link failed', { cause: error });
  }
  const parsed = parseNativeResponse(raw);
  if (!parsed.ok) {
    throw new HostError(
      parsed.error === 'not_native_sw1' ? 'unexpected_status_word' : 'malformed_response',
      `card answered ${parsed.error.replaceAll('_', ' ')}`,
    );
  }
  return parsed.value;
}

export async function transceiveNative(
  channel: CardChannel,
  options: {
    ins: number;
    data: Uint8Array;
    /** 'follow': fetch AF frames into one answer; 'stop': return the AF answer (handshakes). */
    responseChaining: 'follow' | 'stop';
    frameDataBytesMax?: number;
  },
): Promise<NativeAnswer> {
  const frames = splitFrames(options.data, options.frameDataBytesMax ?? NATIVE_COMMAND_FRAME_DATA_BYTES_MAX);
  let answer = await transmitFrame(channel, options.ins, frames[0] ?? new Uint8Array(0));
  for (const frame of frames.slice(1)) {
    // The card must ask for the rest of a chained command with AF; anything
    // else (an error) ends the command there.
    if (answer.status !== DesfireStatus.ADDITIONAL_FRAME || answer.data.length > 0) break;
    answer = await transmitFrame(channel, Ins.AdditionalFrame, frame);
  }
  if (options.responseChaining === 'stop' || answer.status !== DesfireStatus.ADDITIONAL_FRAME) {
    return { ...answer, frameLengthsBytes: [answer.data.length] };
  }
  const parts: Uint8Array[] = [answer.data];
  const frameLengthsBytes = [answer.data.length];
  let totalBytes = answer.data.length;
  let framesReceived = 1;
  while (answer.status === DesfireStatus.ADDITIONAL_FRAME) {
    if (framesReceived >= RESPONSE_FRAMES_MAX || totalBytes > RESPONSE_BYTES_MAX) {
      throw new HostError('too_many_frames', `card answered more than ${RESPONSE_FRAMES_MAX} frames`);
    }
    answer = await transmitFrame(channel, Ins.AdditionalFrame, new Uint8Array(0));
    parts.push(answer.data);
    frameLengthsBytes.push(answer.data.length);
    totalBytes += answer.data.length;
    framesReceived++;
  }
  return { status: answer.status, data: concatBytes(...parts), frameLengthsBytes };
}
