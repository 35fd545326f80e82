/**
 * Failures of the link or of the protocol, as opposed to a card's answer.
 * A card status (permission denied, boundary error …) is a value, never one
 * of these. Messages name no key, UID or data.
 */
export type HostErrorCode =
  | 'transport_failed'
  | 'malformed_response'
  | 'unexpected_status_word'
  | 'too_many_frames'
  | 'integrity_error'
  | 'not_authenticated'
  | 'invalid_argument';

export class HostError extends Error {
  readonly code: HostErrorCode;
  constructor(code: HostErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HostError';
    this.code = code;
  }
}
