/**
 * Version bookkeeping for one master, as pure functions over the stored
 * records, and the metadata view handed to callers (never key bytes).
 */
import type { SealedBox } from './envelope.js';
import { KeyStoreError } from './key-store-error.js';
import type { KeyVersionStatus, MasterKeyType } from './master-key-slot.js';
import type { StoredKeyVersion, StoredMaster } from './store-document.js';

export interface MasterVersionInfo {
  readonly version: number;
  readonly status: KeyVersionStatus;
  readonly origin: 'generated' | 'imported';
  readonly createdUtc: string;
  readonly statusChangedUtc: string;
}

export interface MasterKeyInfo {
  readonly application: string;
  readonly keyNo: number;
  readonly keyType: MasterKeyType;
  readonly activeVersion: number;
  readonly versions: readonly MasterVersionInfo[];
}

export function toMasterKeyInfo(master: StoredMaster): MasterKeyInfo {
  const versions = master.versions
    .map(({ version, status, origin, createdUtc, statusChangedUtc }) => ({ version, status, origin, createdUtc, statusChangedUtc }))
    .sort((a, b) => a.version - b.version);
  const active = versions.find((entry) => entry.status === 'active');
  if (active === undefined) throw new Error('assertion failed: a stored master has no active version');
  return { application: master.application, keyNo: master.keyNo, keyType: master.keyType, activeVersion: active.version, versions };
}

/** Rotation: the active version becomes retiring, the new one is active. */
export function nextVersionsOnRotate(
  versions: readonly StoredKeyVersion[],
  added: { version: number; origin: 'generated' | 'imported'; nowUtc: string; sealed: SealedBox },
): StoredKeyVersion[] {
  const demoted = versions.map((entry) => (entry.status === 'active' ? { ...entry, status: 'retiring' as const, statusChangedUtc: added.nowUtc } : entry));
  return [
    ...demoted,
    { version: added.version, status: 'active', origin: added.origin, createdUtc: added.nowUtc, statusChangedUtc: added.nowUtc, sealed: added.sealed },
  ];
}

/** Retirement: only a retiring version may be retired; its sealed key is dropped. */
export function retireInVersions(versions: readonly StoredKeyVersion[], change: { version: number; nowUtc: string }): StoredKeyVersion[] {
  const target = versions.find((entry) => entry.version === change.version);
  if (target === undefined) throw new KeyStoreError('unknown_key', 'no such key version');
  switch (target.status) {
    case 'active':
      throw new KeyStoreError('cannot_retire_active', 'the active version cannot be retired; rotate first');
    case 'retired':
      throw new KeyStoreError('key_version_retired', 'that key version is already retired');
    case 'retiring':
      return versions.map((entry) => (entry === target ? { ...entry, status: 'retired' as const, statusChangedUtc: change.nowUtc, sealed: null } : entry));
  }
}
