/**
 * What the PC/SC transport needs of the `pcsclite` addon, as structural
 * interfaces: pcsclite's own objects satisfy them, and tests can fake them.
 */
import type { Buffer } from 'node:buffer';

/** The part of pcsclite's CardReader used here (structural, so tests can fake it). */
export interface PcscReaderBackend {
  readonly name: string;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_EMPTY: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_LEAVE_CARD: number;
  on(type: 'status', listener: (status: { state: number; atr?: Buffer }) => void): unknown;
  on(type: 'end', listener: () => void): unknown;
  on(type: 'error', listener: (error: unknown) => void): unknown;
  connect(options: { share_mode: number; protocol: number }, callback: (error: unknown, protocol: number) => void): void;
  disconnect(disposition: number, callback: (error: unknown) => void): void;
  transmit(data: Buffer, responseBytesMax: number, protocol: number, callback: (error: unknown, response: Buffer) => void): void;
  close(): void;
}

/** The part of pcsclite's PCSCLite context used here. */
export interface PcscContextBackend {
  on(type: 'reader', listener: (reader: PcscReaderBackend) => void): unknown;
  on(type: 'error', listener: (error: unknown) => void): unknown;
  close(): void;
}


/** A card is in the field and answered its ATR. */
export function isCardPresent(backend: PcscReaderBackend, state: number): boolean {
  return (state & backend.SCARD_STATE_PRESENT) !== 0 && (state & backend.SCARD_STATE_MUTE) === 0;
}

/** Loads the native addon on first use, so importing card-os never needs libpcsclite. */
export async function loadPcsclite(): Promise<() => PcscContextBackend> {
  const { default: pcsclite } = await import('pcsclite');
  return () => pcsclite();
}
