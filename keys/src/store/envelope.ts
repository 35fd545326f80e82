/**
 * AES-256-GCM envelopes for secrets at rest (NIST SP 800-38D): random 96-bit
 * nonce per seal (a store sees a few thousand seals per key at most, far
 * below the 2^32 random-nonce bound), 128-bit tag, and associated data that
 * names exactly what the box holds, so a box moved to another slot, version,
 * key type or store fails authentication.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { abytes, fromHex, toHex } from '../bytes.js';
import { canonicalJsonBytes } from '../audit/canonical-json.js';
import type { MasterKeyType } from './master-key-slot.js';

export const GCM_NONCE_LENGTH_BYTES = 12;
export const GCM_TAG_LENGTH_BYTES = 16;
export const ENVELOPE_KEY_LENGTH_BYTES = 32;
const ENVELOPE_CIPHER = 'aes-256-gcm';

export interface SealedBox {
  readonly nonceHex: string;
  readonly ciphertextHex: string;
  readonly tagHex: string;
}

export function sealBox(options: { key: Uint8Array; plaintext: Uint8Array; aad: Uint8Array }): SealedBox {
  abytes(options.key, ENVELOPE_KEY_LENGTH_BYTES, 'envelope key');
  const nonce = randomFillSync(new Uint8Array(GCM_NONCE_LENGTH_BYTES));
  const cipher = createCipheriv(ENVELOPE_CIPHER, options.key, nonce, { authTagLength: GCM_TAG_LENGTH_BYTES });
  cipher.setAAD(options.aad);
  const ciphertext = Buffer.concat([cipher.update(options.plaintext), cipher.final()]);
  return { nonceHex: toHex(nonce), ciphertextHex: toHex(ciphertext), tagHex: toHex(cipher.getAuthTag()) };
}

/** The plaintext, or undefined when authentication fails (wrong key, altered box, other AAD). */
export function openBox(options: { key: Uint8Array; box: SealedBox; aad: Uint8Array }): Uint8Array | undefined {
  abytes(options.key, ENVELOPE_KEY_LENGTH_BYTES, 'envelope key');
  const decipher = createDecipheriv(ENVELOPE_CIPHER, options.key, fromHex(options.box.nonceHex), { authTagLength: GCM_TAG_LENGTH_BYTES });
  decipher.setAAD(options.aad);
  decipher.setAuthTag(fromHex(options.box.tagHex));
  const first = decipher.update(fromHex(options.box.ciphertextHex));
  try {
    const last = decipher.final();
    const plaintext = new Uint8Array(first.length + last.length);
    plaintext.set(first);
    plaintext.set(last, first.length);
    return plaintext;
  } catch {
    return undefined;
  } finally {
    first.fill(0);
  }
}

const AAD_DOMAIN = 'onecard-keystore/v1';

export function masterEntryAad(options: {
  storeId: string;
  application: string;
  keyNo: number;
  version: number;
  keyType: MasterKeyType;
}): Uint8Array {
  return canonicalJsonBytes([AAD_DOMAIN, 'master', options.storeId, options.application, options.keyNo, options.version, options.keyType]);
}

export function verifierAad(storeId: string): Uint8Array {
  return canonicalJsonBytes([AAD_DOMAIN, 'verifier', storeId]);
}

export function auditKeyAad(storeId: string): Uint8Array {
  return canonicalJsonBytes([AAD_DOMAIN, 'audit-key', storeId]);
}

const VERIFIER_TEXT = 'onecard-keystore/v1 passphrase verifier';

/** What the verifier box holds: a fixed text, so only the key is secret. */
export function verifierPlaintext(): Uint8Array {
  return new TextEncoder().encode(VERIFIER_TEXT);
}
