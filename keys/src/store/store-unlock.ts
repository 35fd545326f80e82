/**
 * Opening a store document, in a fixed order so each failure has one meaning:
 *   1. JSON + schema            → StoreCorruptError('unreadable' | 'schema')
 *   2. scrypt cost vs floor     → KeyStoreError('kdf_too_weak')
 *   3. passphrase verifier box  → WrongPassphraseError
 *   4. audit key + every master → StoreCorruptError('entry_authentication')
 *   5. metadata HMAC            → StoreCorruptError('metadata_authentication')
 *   6. invariants               → StoreCorruptError('inconsistent')
 * A swapped or altered entry fails at 4 through its AAD before the MAC is
 * looked at, so tests can show the AAD binding on its own.
 */
import { equalBytes, fromHex, zeroize } from '../bytes.js';
import { AUDIT_KEY_LENGTH_BYTES } from '../audit/uid-hash.js';
import { auditKeyAad, masterEntryAad, openBox, sealBox, verifierAad, verifierPlaintext, type SealedBox } from './envelope.js';
import { checkScryptCost, deriveStoreKeys, zeroizeStoreKeys, type StoreKeys } from './kdf.js';
import { KeyStoreError, StoreCorruptError, WrongPassphraseError } from './key-store-error.js';
import type { LentMasterKey } from './key-store-internals.js';
import { checkKeyVersion, MASTER_KEY_LENGTH_BYTES, type MasterKeyType } from './master-key-slot.js';
import { documentConsistent, metadataMacValid, storeDocumentSchema, type StoreDocument, type StoredMaster, type StoredKeyVersion } from './store-document.js';

export interface UnlockedStore {
  readonly document: StoreDocument;
  readonly keys: StoreKeys;
  readonly auditKey: Uint8Array;
}

export function parseStoreText(text: string): StoreDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error: unknown) {
    throw new StoreCorruptError('unreadable', { cause: error });
  }
  const result = storeDocumentSchema.safeParse(json);
  if (!result.success) throw new StoreCorruptError('schema');
  return result.data;
}

export function sealMasterEntry(options: {
  entryKey: Uint8Array;
  storeId: string;
  application: string;
  keyNo: number;
  version: number;
  keyType: MasterKeyType;
  keyBytes: Uint8Array;
}): SealedBox {
  const { entryKey, keyBytes, ...slot } = options;
  return sealBox({ key: entryKey, plaintext: keyBytes, aad: masterEntryAad(slot) });
}

/** Decrypts one master version; throws StoreCorruptError when its box does not authenticate. */
export function openMasterEntry(options: { entryKey: Uint8Array; storeId: string; master: StoredMaster; entry: StoredKeyVersion }): Uint8Array {
  const { entryKey, storeId, master, entry } = options;
  if (entry.sealed === null) throw new StoreCorruptError('inconsistent');
  const aad = masterEntryAad({ storeId, application: master.application, keyNo: master.keyNo, version: entry.version, keyType: master.keyType });
  const keyBytes = openBox({ key: entryKey, box: entry.sealed, aad });
  if (keyBytes === undefined) throw new StoreCorruptError('entry_authentication');
  if (keyBytes.length !== MASTER_KEY_LENGTH_BYTES[master.keyType]) {
    zeroize(keyBytes);
    throw new StoreCorruptError('entry_authentication');
  }
  return keyBytes;
}

/** Decrypts one version (or the active one) for the duration of `use`, then zeroes it. Retired versions refuse. */
export function lendMasterKey<T>(
  options: { entryKey: Uint8Array; storeId: string; master: StoredMaster; version: number | 'active' },
  use: (master: LentMasterKey) => T,
): T {
  const { master, version } = options;
  const entry = master.versions.find((v) => (version === 'active' ? v.status === 'active' : v.version === checkKeyVersion(version)));
  if (entry === undefined) throw new KeyStoreError('unknown_key', 'no such key version');
  if (entry.status === 'retired') throw new KeyStoreError('key_version_retired', 'that key version is retired and no longer derives');
  const keyBytes = openMasterEntry({ entryKey: options.entryKey, storeId: options.storeId, master, entry });
  try {
    return use({ keyBytes, keyType: master.keyType, version: entry.version, status: entry.status });
  } finally {
    zeroize(keyBytes);
  }
}

export function sealVerifier(entryKey: Uint8Array, storeId: string): SealedBox {
  return sealBox({ key: entryKey, plaintext: verifierPlaintext(), aad: verifierAad(storeId) });
}

export function sealAuditKey(entryKey: Uint8Array, storeId: string, auditKey: Uint8Array): SealedBox {
  return sealBox({ key: entryKey, plaintext: auditKey, aad: auditKeyAad(storeId) });
}

function checkVerifier(keys: StoreKeys, document: StoreDocument): void {
  const plaintext = openBox({ key: keys.entryKey, box: document.verifier, aad: verifierAad(document.storeId) });
  if (plaintext === undefined) throw new WrongPassphraseError();
  if (!equalBytes(plaintext, verifierPlaintext())) throw new StoreCorruptError('entry_authentication');
}

function openAuditKey(keys: StoreKeys, document: StoreDocument): Uint8Array {
  const auditKey = openBox({ key: keys.entryKey, box: document.auditKey, aad: auditKeyAad(document.storeId) });
  if (auditKey?.length !== AUDIT_KEY_LENGTH_BYTES) throw new StoreCorruptError('entry_authentication');
  return auditKey;
}

/** Steps 2–6 above. On any failure every derived secret is zeroed before the throw. */
export async function unlockStore(options: { document: StoreDocument; passphrase: string; weakKdfForTestingOnly: boolean }): Promise<UnlockedStore> {
  const { document } = options;
  checkScryptCost({
    scryptCostLog2: document.kdf.costLog2,
    environment: document.environment,
    weakKdfForTestingOnly: options.weakKdfForTestingOnly,
  });
  const keys = await deriveStoreKeys({ passphrase: options.passphrase, salt: fromHex(document.kdf.saltHex), scryptCostLog2: document.kdf.costLog2 });
  let auditKey: Uint8Array | undefined;
  try {
    checkVerifier(keys, document);
    auditKey = openAuditKey(keys, document);
    for (const master of document.masters) {
      for (const entry of master.versions) {
        if (entry.sealed !== null) zeroize(openMasterEntry({ entryKey: keys.entryKey, storeId: document.storeId, master, entry }));
      }
    }
    if (!metadataMacValid(keys.metadataKey, document)) throw new StoreCorruptError('metadata_authentication');
    if (!documentConsistent(document)) throw new StoreCorruptError('inconsistent');
    return { document, keys, auditKey };
  } catch (error: unknown) {
    zeroizeStoreKeys(keys);
    if (auditKey !== undefined) zeroize(auditKey);
    throw error;
  }
}
