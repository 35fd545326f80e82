/**
 * Back-office SAM source: masters stay encrypted in the KeyStore and are
 * lent per derivation; every derivation is written to the store's audit log
 * (fsync'd) with a keyed hash of the UID before the key is returned.
 */
import { fromHex } from '../bytes.js';
import type { KeyStore } from '../store/key-store.js';
import { KEY_STORE_INTERNALS, type KeyStoreInternals, type LentMasterKey } from '../store/key-store-internals.js';
import type { ApplicationAids } from './application-aids.js';
import type { DerivationRecord, MasterSource, SamKeyInfo } from './master-source.js';

export class StoreMasterSource implements MasterSource {
  readonly kind = 'key-store';
  readonly #store: KeyStore;
  readonly #internals: KeyStoreInternals;
  readonly #aids: ApplicationAids;
  #derivationCount = 0;

  constructor(options: { store: KeyStore; applicationAids: ApplicationAids }) {
    this.#store = options.store;
    this.#internals = options.store[KEY_STORE_INTERNALS]();
    this.#aids = options.applicationAids;
  }

  systemIdentifier(): Uint8Array {
    return fromHex(this.#store.systemIdentifierHex);
  }

  aidOf(application: string): number | undefined {
    return this.#aids.get(application);
  }

  /** Masters whose application has an AID in the registry (the others cannot derive). */
  listKeys(): SamKeyInfo[] {
    const keys: SamKeyInfo[] = [];
    for (const master of this.#store.listMasters()) {
      const aid = this.#aids.get(master.application);
      if (aid === undefined) continue;
      const versions = master.versions.map(({ version, status }) => ({ version, status }));
      keys.push({ application: master.application, aid, keyNo: master.keyNo, keyType: master.keyType, versions });
    }
    return keys;
  }

  useMaster<T>(request: { application: string; keyNo: number; version: number | 'active' }, use: (master: LentMasterKey) => T): T {
    return this.#internals.useMasterKey(request, use);
  }

  recordDerivation(record: DerivationRecord): void {
    this.#internals.recordAudit({
      principal: record.principal,
      action: record.action,
      application: record.application,
      keyNo: record.keyNo,
      version: record.version,
      uidHashHex: this.#internals.auditUidHashHex(record.uid),
      purpose: record.purpose,
      ...(record.outcome === undefined ? {} : { outcome: record.outcome }),
    });
    this.#derivationCount += 1;
  }

  derivationCount(): number {
    return this.#derivationCount;
  }

  /** The store belongs to the caller, who closes it. */
  close(): void {
    this.#derivationCount = 0;
  }
}
