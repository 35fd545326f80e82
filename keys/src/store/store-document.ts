/**
 * The key store file (JSON, format version 1), validated with zod before any
 * field is trusted. Key bytes exist only inside AES-256-GCM boxes; the rest
 * (names, versions, statuses, revision) is covered by an HMAC-SHA256 over the
 * canonical JSON of the document, so a status flipped back from 'retired' or
 * a rolled-back revision inside the file is detected.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { equalBytes, fromHex, toHex } from '../bytes.js';
import { canonicalJsonBytes } from '../audit/canonical-json.js';
import { GCM_NONCE_LENGTH_BYTES, GCM_TAG_LENGTH_BYTES } from './envelope.js';
import { SCRYPT_BLOCK_SIZE, SCRYPT_COST_LOG2_MAX, SCRYPT_PARALLELIZATION, SCRYPT_SALT_LENGTH_BYTES } from './kdf.js';
import { APPLICATION_NAME_PATTERN, KEY_NO_MAX, KEY_VERSION_MAX, KEY_VERSION_STATUSES, MASTER_KEY_TYPES } from './master-key-slot.js';

export const STORE_FORMAT = 'onecard-keystore';
export const STORE_FORMAT_VERSION = 1;
/** 7 applications × 14 keys is 98; leave room for new applications. */
export const STORE_MASTERS_COUNT_MAX = 512;
export const STORE_VERSIONS_PER_MASTER_MAX = KEY_VERSION_MAX + 1;
/** AN10922 AES input ≤ 31 bytes = UID 7 + AID 3 + system identifier ≤ 21. */
export const SYSTEM_IDENTIFIER_LENGTH_BYTES_MAX = 21;
/** Master keys are 16–24 bytes, the audit key 32, the verifier text 39. */
const SECRET_LENGTH_BYTES_MAX = 64;
const METADATA_MAC_LENGTH_BYTES = 32;

function hexOf(lengthBytesMin: number, lengthBytesMax: number): z.ZodString {
  return z.string().regex(new RegExp(`^(?:[0-9a-f]{2}){${lengthBytesMin},${lengthBytesMax}}$`));
}

const sealedBoxSchema = z.strictObject({
  nonceHex: hexOf(GCM_NONCE_LENGTH_BYTES, GCM_NONCE_LENGTH_BYTES),
  ciphertextHex: hexOf(1, SECRET_LENGTH_BYTES_MAX),
  tagHex: hexOf(GCM_TAG_LENGTH_BYTES, GCM_TAG_LENGTH_BYTES),
});

const keyVersionSchema = z.strictObject({
  version: z.int().min(0).max(KEY_VERSION_MAX),
  status: z.enum(KEY_VERSION_STATUSES),
  origin: z.enum(['generated', 'imported']),
  createdUtc: z.iso.datetime(),
  statusChangedUtc: z.iso.datetime(),
  /** null once retired: a retired version's key material is destroyed. */
  sealed: sealedBoxSchema.nullable(),
});

const masterSchema = z.strictObject({
  application: z.string().regex(APPLICATION_NAME_PATTERN),
  keyNo: z.int().min(0).max(KEY_NO_MAX),
  keyType: z.enum(MASTER_KEY_TYPES),
  versions: z.array(keyVersionSchema).min(1).max(STORE_VERSIONS_PER_MASTER_MAX),
});

export const storeDocumentSchema = z.strictObject({
  format: z.literal(STORE_FORMAT),
  formatVersion: z.literal(STORE_FORMAT_VERSION),
  storeId: z.uuid(),
  environment: z.enum(['production', 'test']),
  systemIdentifierHex: hexOf(1, SYSTEM_IDENTIFIER_LENGTH_BYTES_MAX),
  createdUtc: z.iso.datetime(),
  revision: z.int().min(0),
  kdf: z.strictObject({
    algorithm: z.literal('scrypt'),
    costLog2: z.int().min(1).max(SCRYPT_COST_LOG2_MAX),
    blockSize: z.literal(SCRYPT_BLOCK_SIZE),
    parallelization: z.literal(SCRYPT_PARALLELIZATION),
    saltHex: hexOf(SCRYPT_SALT_LENGTH_BYTES, SCRYPT_SALT_LENGTH_BYTES),
  }),
  verifier: sealedBoxSchema,
  auditKey: sealedBoxSchema,
  masters: z.array(masterSchema).max(STORE_MASTERS_COUNT_MAX),
  metadataMacHex: hexOf(METADATA_MAC_LENGTH_BYTES, METADATA_MAC_LENGTH_BYTES),
});

export type StoreDocument = z.infer<typeof storeDocumentSchema>;
export type StoreDocumentUnsigned = Omit<StoreDocument, 'metadataMacHex'>;
export type StoredMaster = StoreDocument['masters'][number];
export type StoredKeyVersion = StoredMaster['versions'][number];

const MAC_DOMAIN = 'onecard-keystore/v1 metadata';

export function metadataMacHex(metadataKey: Uint8Array, document: StoreDocumentUnsigned): string {
  const mac = createHmac('sha256', metadataKey);
  mac.update(MAC_DOMAIN);
  mac.update(canonicalJsonBytes(document));
  return toHex(mac.digest());
}

export function withoutMac(document: StoreDocumentUnsigned | StoreDocument): StoreDocumentUnsigned {
  const { format, formatVersion, storeId, environment, systemIdentifierHex, createdUtc, revision, kdf, verifier, auditKey, masters } = document;
  return { format, formatVersion, storeId, environment, systemIdentifierHex, createdUtc, revision, kdf, verifier, auditKey, masters };
}

export function signDocument(metadataKey: Uint8Array, document: StoreDocumentUnsigned): StoreDocument {
  return { ...document, metadataMacHex: metadataMacHex(metadataKey, document) };
}

export function metadataMacValid(metadataKey: Uint8Array, document: StoreDocument): boolean {
  const { metadataMacHex: storedHex, ...unsigned } = document;
  return equalBytes(fromHex(metadataMacHex(metadataKey, unsigned)), fromHex(storedHex));
}

/**
 * Invariants zod cannot express: one entry per (application, keyNo), unique
 * versions, exactly one active version, key material present iff not retired.
 * Returns false on the first violation.
 */
export function documentConsistent(document: StoreDocument): boolean {
  const slots = new Set<string>();
  for (const master of document.masters) {
    const slot = `${master.application}/${master.keyNo}`;
    if (slots.has(slot)) return false;
    slots.add(slot);
    const versions = new Set<number>();
    let activeCount = 0;
    for (const entry of master.versions) {
      if (versions.has(entry.version)) return false;
      versions.add(entry.version);
      if (entry.status === 'active') activeCount += 1;
      if ((entry.status === 'retired') !== (entry.sealed === null)) return false;
    }
    if (activeCount !== 1) return false;
  }
  return true;
}
