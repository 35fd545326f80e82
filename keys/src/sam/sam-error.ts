/** Expected failures of the SAM service, with stable codes. Messages never carry UIDs, keys or challenges. */
export type SamErrorCode = 'unknown_application' | 'invalid_uid' | 'invalid_argument' | 'unknown_key' | 'bundle_corrupt' | 'sam_closed';

export class SamError extends Error {
  override readonly name = 'SamError';
  readonly code: SamErrorCode;

  constructor(code: SamErrorCode, message: string, options?: { cause: unknown }) {
    super(message, options);
    this.code = code;
  }
}
