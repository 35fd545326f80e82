/**
 * Volatile session state of the card: what a power cut forgets.
 * (Selected application, authentication, pending transaction, AF chaining.)
 */
import type { SmScheme } from '../../protocol/mode.js';
import type { SecureSession } from '../../sm/session.js';
import { Transaction } from './transaction.js';

/** AID 000000: the PICC level. */
export const PICC_AID = 0x000000;

export interface Authenticated {
  readonly keyNo: number;
  readonly scheme: SmScheme;
  /** The secure messaging pipeline of this session (card side, sm/). */
  readonly channel: SecureSession;
}

/** What an AdditionalFrame (0xAF) continues. */
export type Continuation =
  /** The rest of a long answer: frames not yet sent (already secure-messaged) and the final status. */
  | { readonly kind: 'response'; readonly frames: readonly Uint8Array[]; readonly finalStatus: number }
  /** A long command still being received (WriteData, WriteRecord, UpdateRecord). */
  | { readonly kind: 'command'; readonly ins: number; readonly collected: Uint8Array; readonly expectedBytes: number }
  /** An authentication handshake waiting for the reader's answer. */
  | { readonly kind: 'authentication'; readonly step: AuthenticationStep };

/**
 * One pending step of a mutual authentication: called with the reader's AF
 * data, returns the card's answer and, on success, the session.
 */
export interface AuthenticationStep {
  continue(readerData: Uint8Array): AuthenticationStepResult;
}

export type AuthenticationStepResult =
  | { readonly kind: 'authenticated'; readonly data: Uint8Array; readonly session: Authenticated }
  | { readonly kind: 'failed'; readonly status: number };

export class Session {
  selectedAid: number = PICC_AID;
  auth: Authenticated | null = null;
  readonly transaction = new Transaction();
  continuation: Continuation | null = null;
  /** Random ID (SetConfiguration random UID): drawn at every power-on. */
  randomId: Uint8Array | null = null;

  /** Power on/off, reset: a fresh session at PICC level. */
  reset(): void {
    this.selectedAid = PICC_AID;
    this.endAuthentication();
    this.dropTransaction();
    this.continuation = null;
  }

  /** Ends the authentication; the sm/ session zeroizes its keys. */
  endAuthentication(): void {
    this.auth?.channel.end();
    this.auth = null;
  }

  dropTransaction(): void {
    this.transaction.clear();
  }
}
