/**
 * Expected failures of the signing layer. Codes are stable (callers and logs
 * key on them); messages name the field and the limit, never a key, a
 * signature or payload bytes.
 */
export type SigningErrorCode =
  | 'envelope_corrupt'
  | 'envelope_too_large'
  | 'envelope_version_unsupported'
  | 'context_invalid'
  | 'key_id_invalid';

export class SigningError extends Error {
  override readonly name = 'SigningError';
  readonly code: SigningErrorCode;

  constructor(code: SigningErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
