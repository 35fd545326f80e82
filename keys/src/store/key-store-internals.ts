/**
 * The one door through which master key bytes leave the KeyStore: a
 * symbol-keyed method used by the SAM (sam/*) to derive card keys and build
 * device bundles. The symbol is deliberately NOT exported from the package
 * index, so code outside @onecard/keys cannot reach it; inside, the key is
 * lent to a callback and zeroed when the callback returns.
 */
import type { AuditEvent } from '../audit/audit-entry.js';
import type { MasterKeyType, KeyVersionStatus } from './master-key-slot.js';

export const KEY_STORE_INTERNALS: unique symbol = Symbol('onecard.keyStore.internals');

export interface LentMasterKey {
  /** Valid only during the callback; zeroed afterwards. */
  readonly keyBytes: Uint8Array;
  readonly keyType: MasterKeyType;
  readonly version: number;
  readonly status: Exclude<KeyVersionStatus, 'retired'>;
}

export interface KeyStoreInternals {
  /** Lends one master version (or the active one); refuses retired versions with key_version_retired. */
  useMasterKey<T>(request: { application: string; keyNo: number; version: number | 'active' }, use: (master: LentMasterKey) => T): T;
  /** HMAC of a UID under the store's audit key, for audit records. */
  auditUidHashHex(uid: Uint8Array): string;
  /** Appends to the store's audit log (fsync'd before returning). */
  recordAudit(event: AuditEvent): void;
}
