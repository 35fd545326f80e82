/**
 * Expected failures of the device PKI, the CA directory and key bundles.
 * Codes are stable; messages never carry keys, passphrases, bundle contents
 * or certificate bytes.
 */
export type PkiErrorCode =
  // certificates
  | 'certificate_corrupt'
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'certificate_revoked'
  | 'chain_invalid'
  | 'signature_invalid'
  | 'identity_invalid'
  | 'csr_invalid'
  | 'validity_invalid'
  | 'private_key_invalid'
  // revocation lists
  | 'crl_corrupt'
  | 'crl_signature_invalid'
  | 'crl_issuer_mismatch'
  | 'crl_expired'
  | 'crl_not_yet_valid'
  | 'crl_missing'
  // CA directory
  | 'ca_dir_exists'
  | 'ca_dir_invalid'
  | 'ca_dir_locked'
  | 'passphrase_invalid'
  | 'serial_unknown'
  | 'serial_collision'
  | 'already_revoked'
  | 'index_full'
  // key bundles
  | 'bundle_corrupt'
  | 'bundle_decrypt_failed'
  | 'bundle_device_mismatch';

export class PkiError extends Error {
  override readonly name = 'PkiError';
  readonly code: PkiErrorCode;

  constructor(code: PkiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
