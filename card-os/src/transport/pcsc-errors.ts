/**
 * Failures of the PC/SC transport. pcsclite reports a failed call as
 * `Error("SCardX error: text(0x8010xxxx)")`; the status word is mapped to a
 * stable code through one table, and the original error is kept as `cause`.
 */
export type PcscErrorCode =
  | 'service_unavailable' | 'reader_not_found' | 'reader_busy' | 'no_card' | 'card_removed' | 'card_reset'
  | 'card_unresponsive' | 'timeout' | 'too_many_waiters' | 'queue_full' | 'connect_failed' | 'transmit_failed'
  | 'disconnect_failed' | 'uid_unavailable' | 'closed';

/** PC/SC status words (pcsclite.h) mapped to our codes; any other status falls back per operation. */
const PCSC_STATUS_CODES: ReadonlyMap<number, PcscErrorCode> = new Map<number, PcscErrorCode>([
  [0x80100009, 'reader_not_found'], // SCARD_E_UNKNOWN_READER
  [0x8010000a, 'timeout'], // SCARD_E_TIMEOUT
  [0x8010000b, 'reader_busy'], // SCARD_E_SHARING_VIOLATION
  [0x8010000c, 'no_card'], // SCARD_E_NO_SMARTCARD
  [0x80100017, 'reader_not_found'], // SCARD_E_READER_UNAVAILABLE
  [0x8010001d, 'service_unavailable'], // SCARD_E_NO_SERVICE
  [0x8010001e, 'service_unavailable'], // SCARD_E_SERVICE_STOPPED
  [0x8010002e, 'reader_not_found'], // SCARD_E_NO_READERS_AVAILABLE
  [0x80100066, 'card_unresponsive'], // SCARD_W_UNRESPONSIVE_CARD
  [0x80100067, 'card_unresponsive'], // SCARD_W_UNPOWERED_CARD
  [0x80100068, 'card_reset'], // SCARD_W_RESET_CARD
  [0x80100069, 'card_removed'], // SCARD_W_REMOVED_CARD
]);

export class PcscError extends Error {
  override readonly name = 'PcscError';
  readonly code: PcscErrorCode;
  readonly pcscStatus: number | undefined;
  constructor(code: PcscErrorCode, message: string, options?: { cause?: unknown; pcscStatus?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.pcscStatus = options?.pcscStatus;
  }
}

/** pcsclite reports failures as `Error("SCardX error: text(0x8010xxxx)")`. */
export function pcscErrorFrom(cause: unknown, fallback: PcscErrorCode, operation: string): PcscError {
  const text = cause instanceof Error ? cause.message : '';
  const hex = /\(0x([0-9a-f]{8})\)\s*$/i.exec(text)?.[1];
  const pcscStatus = hex === undefined ? undefined : Number.parseInt(hex, 16);
  const code = (pcscStatus === undefined ? undefined : PCSC_STATUS_CODES.get(pcscStatus)) ?? fallback;
  const status = pcscStatus === undefined ? '' : ` (PC/SC status 0x${pcscStatus.toString(16)})`;
  return new PcscError(code, `${operation} failed: ${code}${status}`, pcscStatus === undefined ? { cause } : { cause, pcscStatus });
}
