/**
 * Where a SAM's masters live: the back-office key store, or a device key
 * bundle (the SAM content on a validator). The Sam class talks only to this
 * interface, so both behave the same for callers.
 */
import type { LentMasterKey } from '../store/key-store-internals.js';
import type { KeyVersionStatus, MasterKeyType } from '../store/master-key-slot.js';

export type SamSourceKind = 'key-store' | 'device-bundle';

export interface SamKeyInfo {
  readonly application: string;
  readonly aid: number;
  readonly keyNo: number;
  readonly keyType: MasterKeyType;
  readonly versions: readonly { readonly version: number; readonly status: KeyVersionStatus }[];
}

export interface DerivationRecord {
  readonly principal: string;
  readonly purpose: string;
  readonly application: string;
  readonly keyNo: number;
  readonly version: number;
  readonly uid: Uint8Array;
  readonly action: 'derive' | 'verify-login';
  readonly outcome?: 'ok' | 'refused';
}

export interface MasterSource {
  readonly kind: SamSourceKind;
  systemIdentifier(): Uint8Array;
  aidOf(application: string): number | undefined;
  listKeys(): SamKeyInfo[];
  useMaster<T>(request: { application: string; keyNo: number; version: number | 'active' }, use: (master: LentMasterKey) => T): T;
  /** Records a derivation durably (store) or counts it (device); must succeed before the key is handed out. */
  recordDerivation(record: DerivationRecord): void;
  derivationCount(): number;
  close(): void;
}
