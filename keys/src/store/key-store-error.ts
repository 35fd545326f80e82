/**
 * Expected failures of the key store, with stable codes. A wrong passphrase
 * and a corrupt or tampered store are distinct classes so callers (and the
 * CLI) can tell "retype it" from "restore from backup". Messages never carry
 * key material, passphrases, UIDs or file contents.
 */
export type KeyStoreErrorCode =
  | 'wrong_passphrase'
  | 'store_corrupt'
  | 'store_locked'
  | 'store_exists'
  | 'store_missing'
  | 'store_read_only'
  | 'store_closed'
  | 'store_io'
  | 'kdf_too_weak'
  | 'weak_passphrase'
  | 'invalid_argument'
  | 'unknown_key'
  | 'key_exists'
  | 'key_version_exists'
  | 'key_version_retired'
  | 'key_version_exhausted'
  | 'cannot_retire_active'
  | 'invalid_key_material';

export class KeyStoreError extends Error {
  override readonly name: string = 'KeyStoreError';
  readonly code: KeyStoreErrorCode;

  constructor(code: KeyStoreErrorCode, message: string, options?: { cause: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The passphrase verifier failed authentication. */
export class WrongPassphraseError extends KeyStoreError {
  override readonly name = 'WrongPassphraseError';

  constructor() {
    super('wrong_passphrase', 'wrong passphrase for this key store');
  }
}

/**
 * Where the store failed: the file is not JSON or too big ('unreadable'), does
 * not match the schema ('schema'), breaks an invariant such as one active
 * version per key ('inconsistent'), or — with the passphrase verified — an
 * entry or the metadata fails authentication (tampered or swapped).
 */
export type StoreCorruptDetail = 'unreadable' | 'schema' | 'inconsistent' | 'entry_authentication' | 'metadata_authentication';

export class StoreCorruptError extends KeyStoreError {
  override readonly name = 'StoreCorruptError';
  readonly detail: StoreCorruptDetail;

  constructor(detail: StoreCorruptDetail, options?: { cause: unknown }) {
    super('store_corrupt', `key store is corrupt or has been tampered with (${detail})`, options);
    this.detail = detail;
  }
}

/** Another writer holds the store's lock file. */
export class StoreLockedError extends KeyStoreError {
  override readonly name = 'StoreLockedError';

  constructor(options?: { cause: unknown }) {
    super('store_locked', 'key store is open for writing elsewhere (lock file present)', options);
  }
}
