/**
 * The contract between the command processor and the small handlers.
 * Handlers see plain data (secure messaging is done around them), answer a
 * value `{ status, data }` with the exact DESFire status byte, never throw on
 * card input and do no crypto.
 */
import type { CommunicationMode } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import type { ApplicationImage, CardImage } from '../image/types.js';
import type { Session } from '../session/session.js';

export interface Outcome {
  readonly status: number;
  readonly data: Uint8Array;
  /**
   * Sizes of the first response frames when the command fixes them
   * (GetVersion: 7 and 7); the rest goes in frames of at most 59 bytes.
   */
  readonly leadingFrameSizesBytes?: readonly number[];
  /** The answer still travels in the current session, which ends right after it (DeleteApplication of the selected application). */
  readonly endsAuthenticationAfterResponse?: boolean;
}

/** What the processor learns from a command's header before secure messaging. */
export interface Plan {
  /** The mode a 'file' rule resolves to for this invocation (free access → plain). */
  readonly fileMode?: CommunicationMode;
  /** Overrides the command direction's mode (ChangeFileSettings with a free Change right is plain). */
  readonly commandMode?: CommunicationMode;
  /** Plain bytes of command data expected in total (long writes): the processor collects AF frames up to it. */
  readonly plainDataLengthBytes?: number;
  /** Overrides the handler's `unwrap` for this invocation (SetConfiguration option 02 carries its own framing). */
  readonly unwrap?: UnwrapKind;
}

/**
 * 'standard': the session's full-mode framing (EV1/D40: data ‖ CRC ‖ zero padding).
 * 'preformatted-full': the enciphered data carries its own checks (ChangeKey,
 * SetConfiguration option 02); the handler gets header ‖ deciphered plaintext
 * (EV1/D40 with zero padding; EV2 unpadded).
 */
export type UnwrapKind = 'standard' | 'preformatted-full';

export type PlanResult = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly status: number };

export interface CardContext {
  /** The committed card image (read-only: change it through `persist`). */
  readonly image: CardImage;
  readonly session: Session;
  /**
   * Makes `next` the committed image: journaled write, then swap. Returns
   * false when the medium failed (the card answers EEPROM_ERROR and keeps
   * the old image).
   */
  persist(next: CardImage): boolean;
  /** Fresh random bytes (injectable for test vectors). */
  random(lengthBytes: number): Uint8Array;
}

export interface CommandHandler {
  /** Inspects the header (never encrypted) before secure messaging. Default: no file, single frame. */
  readonly plan?: (ctx: CardContext, header: Uint8Array) => PlanResult;
  /** How the processor removes secure messaging (default 'standard'; a plan may override it). */
  readonly unwrap?: UnwrapKind;
  readonly run: (ctx: CardContext, data: Uint8Array) => Outcome;
}

const EMPTY = new Uint8Array(0);

export function ok(data: Uint8Array = EMPTY): Outcome {
  return { status: DesfireStatus.OPERATION_OK, data };
}

export function fail(status: number): Outcome {
  return { status, data: EMPTY };
}

export function planOk(plan: Plan = {}): PlanResult {
  return { ok: true, plan };
}

export function planFail(status: number): PlanResult {
  return { ok: false, status };
}

/** The selected application, or undefined at PICC level. */
export function selectedApplication(ctx: CardContext): ApplicationImage | undefined {
  return ctx.image.applications.find((a) => a.aid === ctx.session.selectedAid);
}

/** A copy of the image with one application replaced (by AID). */
export function withApplication(image: CardImage, app: ApplicationImage): CardImage {
  return { ...image, applications: image.applications.map((a) => (a.aid === app.aid ? app : a)) };
}

/** Persists and answers: OPERATION_OK, or EEPROM_ERROR when the medium failed. */
export function persistOutcome(ctx: CardContext, next: CardImage, data: Uint8Array = EMPTY): Outcome {
  return ctx.persist(next) ? ok(data) : fail(DesfireStatus.EEPROM_ERROR);
}
