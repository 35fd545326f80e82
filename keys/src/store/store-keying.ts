/**
 * Keying a store document: a fresh one at creation, and a re-keyed copy when
 * the passphrase changes (new salt, new scrypt → HKDF keys, every box
 * re-sealed with a fresh nonce). Pure with respect to files; KeyStore writes.
 */
import { randomFillSync, randomUUID } from 'node:crypto';
import { abytes, toHex, zeroize } from '../bytes.js';
import { KeyStoreError } from './key-store-error.js';
import { AUDIT_KEY_LENGTH_BYTES } from '../audit/uid-hash.js';
import { deriveStoreKeys, SCRYPT_BLOCK_SIZE, SCRYPT_PARALLELIZATION, SCRYPT_SALT_LENGTH_BYTES, zeroizeStoreKeys, type StoreEnvironment, type StoreKeys } from './kdf.js';
import { signDocument, STORE_FORMAT, STORE_FORMAT_VERSION, SYSTEM_IDENTIFIER_LENGTH_BYTES_MAX, withoutMac, type StoreDocument, type StoreDocumentUnsigned } from './store-document.js';
import { openMasterEntry, sealAuditKey, sealMasterEntry, sealVerifier } from './store-unlock.js';

export function checkSystemIdentifier(systemIdentifier: Uint8Array): Uint8Array {
  abytes(systemIdentifier, undefined, 'systemIdentifier');
  if (systemIdentifier.length < 1 || systemIdentifier.length > SYSTEM_IDENTIFIER_LENGTH_BYTES_MAX) {
    throw new KeyStoreError('invalid_argument', `systemIdentifier must be 1..${SYSTEM_IDENTIFIER_LENGTH_BYTES_MAX} bytes`);
  }
  return systemIdentifier;
}

function kdfBlock(costLog2: number, salt: Uint8Array): StoreDocument['kdf'] {
  return { algorithm: 'scrypt', costLog2, blockSize: SCRYPT_BLOCK_SIZE, parallelization: SCRYPT_PARALLELIZATION, saltHex: toHex(salt) };
}

/** A signed, empty store document (revision 0) with its keys and a fresh audit key. */
export async function newStoreDocument(options: {
  passphrase: string;
  scryptCostLog2: number;
  environment: StoreEnvironment;
  systemIdentifier: Uint8Array;
  nowUtc: string;
}): Promise<{ document: StoreDocument; keys: StoreKeys; auditKey: Uint8Array }> {
  const storeId = randomUUID();
  const salt = randomFillSync(new Uint8Array(SCRYPT_SALT_LENGTH_BYTES));
  const keys = await deriveStoreKeys({ passphrase: options.passphrase, salt, scryptCostLog2: options.scryptCostLog2 });
  const auditKey = randomFillSync(new Uint8Array(AUDIT_KEY_LENGTH_BYTES));
  const document = signDocument(keys.metadataKey, {
    format: STORE_FORMAT,
    formatVersion: STORE_FORMAT_VERSION,
    storeId,
    environment: options.environment,
    systemIdentifierHex: toHex(options.systemIdentifier),
    createdUtc: options.nowUtc,
    revision: 0,
    kdf: kdfBlock(options.scryptCostLog2, salt),
    verifier: sealVerifier(keys.entryKey, storeId),
    auditKey: sealAuditKey(keys.entryKey, storeId, auditKey),
    masters: [],
  });
  return { document, keys, auditKey };
}

/** The document re-sealed under keys from `newPassphrase` (unsigned: the caller bumps the revision and signs). */
export async function rekeyDocument(options: {
  document: StoreDocument;
  entryKey: Uint8Array;
  auditKey: Uint8Array;
  newPassphrase: string;
  scryptCostLog2: number;
}): Promise<{ next: StoreDocumentUnsigned; keys: StoreKeys }> {
  const { document, entryKey } = options;
  const salt = randomFillSync(new Uint8Array(SCRYPT_SALT_LENGTH_BYTES));
  const keys = await deriveStoreKeys({ passphrase: options.newPassphrase, salt, scryptCostLog2: options.scryptCostLog2 });
  try {
    const masters = document.masters.map((master) => ({
      ...master,
      versions: master.versions.map((entry) => {
        if (entry.sealed === null) return entry;
        const keyBytes = openMasterEntry({ entryKey, storeId: document.storeId, master, entry });
        try {
          const slot = { storeId: document.storeId, application: master.application, keyNo: master.keyNo, version: entry.version, keyType: master.keyType };
          return { ...entry, sealed: sealMasterEntry({ ...slot, entryKey: keys.entryKey, keyBytes }) };
        } finally {
          zeroize(keyBytes);
        }
      }),
    }));
    const next: StoreDocumentUnsigned = {
      ...withoutMac(document),
      kdf: kdfBlock(options.scryptCostLog2, salt),
      verifier: sealVerifier(keys.entryKey, document.storeId),
      auditKey: sealAuditKey(keys.entryKey, document.storeId, options.auditKey),
      masters,
    };
    return { next, keys };
  } catch (error: unknown) {
    zeroizeStoreKeys(keys);
    throw error;
  }
}
