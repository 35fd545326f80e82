/**
 * The two sides of a card link.
 *
 * - `CardChannel` is what a host (validator, encoding station, test) uses to
 *   send a command APDU and get the response APDU (data ‖ SW1 SW2).
 * - `VirtualCard` is what an emulated card offers to whatever carries APDUs
 *   to it (the in-process channel, or the vpcd bridge behind pcscd).
 */
export interface CardChannel {
  /** Sends one command APDU; resolves with the full response APDU (data ‖ SW1 SW2). */
  transmit(commandApdu: Uint8Array): Promise<Uint8Array>;
  /** Releases the link (card removed / disconnected). */
  close(): Promise<void>;
}

export interface VirtualCard {
  /** Answer-to-reset the card presents (PC/SC Part 3 form for a contactless card). */
  readonly atr: Uint8Array;
  /** Field on: the card starts a fresh session (no application selected, not authenticated). */
  powerOn(): void;
  /** Field off / card removed: uncommitted transaction state is dropped. */
  powerOff(): void;
  /** Warm reset: same effect on session state as power off + on. */
  reset(): void;
  /** Processes one command APDU and returns the response APDU. Never throws on card input. */
  process(commandApdu: Uint8Array): Uint8Array;
}
