/**
 * What the DESFire conformance suite runs against: anything that yields a
 * host-library client on a card. The suite only uses the host library (what
 * any correct host does), so the same cases judge the in-process emulator,
 * the emulator behind the real pcscd, and a real card on a real reader.
 */
import type { DesfireClient } from '@onecard/card-os';

export interface DesfireTargetSession {
  /** The client on the current link (replaced by `reconnect`). */
  readonly client: DesfireClient;
  /**
   * Takes the card out of the field and back, and returns a client on the
   * new link (the old one is closed). When `reconnectPowerCycles` is false
   * (a real card that cannot be lifted off the reader) it only reopens the link.
   */
  reconnect(): Promise<DesfireClient>;
  /** Releases the link (and whatever the target started). */
  close(): Promise<void>;
}

export interface DesfireTarget {
  readonly name: string;
  open(): Promise<DesfireTargetSession>;
  /** The card starts as NXP delivers it: no applications, PICC master key DES all-zero, version 0, settings 0x0F. */
  readonly factoryFresh: boolean;
  /**
   * The suite may create applications, change keys and FormatPICC (at the
   * start of each group and at the end). Needs the factory PICC master key.
   */
  readonly destructive: boolean;
  /** `reconnect` power-cycles the card, so it drops an uncommitted transaction. */
  readonly reconnectPowerCycles: boolean;
  /** Time one test may take on this target (a pcscd removal + insertion takes ~1 s). */
  readonly testTimeoutMs: number;
}
