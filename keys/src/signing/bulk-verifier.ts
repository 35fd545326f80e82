/**
 * Ed25519 verification on node:crypto (OpenSSL) for the clearing house, which
 * checks many signatures from a few thousand device keys. Raw 32-byte keys are
 * wrapped in SubjectPublicKeyInfo (RFC 8410 §4) and the resulting KeyObjects
 * are cached per key id, in this instance only.
 *
 * The cache never decides an outcome: a cached entry is reused only when its
 * raw key equals the key the caller passes, so a stale or poisoned key id
 * costs a rebuild, not a wrong answer.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { abytes, concatBytes, equalBytes, fromHex } from '../bytes.js';
import { ED25519_PUBLIC_KEY_LENGTH_BYTES, ED25519_SIGNATURE_LENGTH_BYTES } from './ed25519.js';

/** DER prefix of an Ed25519 SPKI: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits) }. RFC 8410 §4. */
const ED25519_SPKI_PREFIX_HEX = '302a300506032b6570032100';

/** Upper bound for `cachedKeyCountMax` (one entry ≈ 200 bytes). */
export const ED25519_VERIFIER_CACHED_KEY_COUNT_MAX = 1_000_000;
export const ED25519_KEY_ID_LENGTH_MAX = 128;

export function ed25519PublicKeyToSpkiDer(publicKey: Uint8Array): Uint8Array {
  abytes(publicKey, ED25519_PUBLIC_KEY_LENGTH_BYTES, 'Ed25519 public key');
  return concatBytes(fromHex(ED25519_SPKI_PREFIX_HEX), publicKey);
}

interface CachedKey {
  readonly publicKey: Uint8Array;
  readonly keyObject: KeyObject;
}

export interface BulkVerifyInput {
  /** Stable id of the key (for example the device certificate serial). */
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

export class Ed25519BulkVerifier {
  readonly #cache = new Map<string, CachedKey>();
  readonly #cachedKeyCountMax: number;

  constructor(options: { cachedKeyCountMax: number }) {
    const max = options.cachedKeyCountMax;
    if (!Number.isSafeInteger(max) || max < 1 || max > ED25519_VERIFIER_CACHED_KEY_COUNT_MAX) {
      throw new RangeError(`cachedKeyCountMax must be 1..${ED25519_VERIFIER_CACHED_KEY_COUNT_MAX}`);
    }
    this.#cachedKeyCountMax = max;
  }

  get cachedKeyCount(): number {
    return this.#cache.size;
  }

  verify(input: BulkVerifyInput): boolean {
    abytes(input.message, undefined, 'message');
    abytes(input.signature, undefined, 'signature');
    if (input.signature.length !== ED25519_SIGNATURE_LENGTH_BYTES) return false;
    const keyObject = this.#keyObject(input.keyId, input.publicKey);
    return cryptoVerify(null, input.message, keyObject, input.signature);
  }

  verifyMany(inputs: readonly BulkVerifyInput[]): boolean[] {
    return inputs.map((input) => this.verify(input));
  }

  #keyObject(keyId: string, publicKey: Uint8Array): KeyObject {
    if (keyId.length === 0 || keyId.length > ED25519_KEY_ID_LENGTH_MAX) {
      throw new RangeError(`keyId must be 1..${ED25519_KEY_ID_LENGTH_MAX} characters`);
    }
    abytes(publicKey, ED25519_PUBLIC_KEY_LENGTH_BYTES, 'Ed25519 public key');
    const cached = this.#cache.get(keyId);
    if (cached !== undefined && equalBytes(cached.publicKey, publicKey)) {
      // Re-insert: Map order is then least recently used first.
      this.#cache.delete(keyId);
      this.#cache.set(keyId, cached);
      return cached.keyObject;
    }
    const keyObject = createPublicKey({ key: Buffer.from(ed25519PublicKeyToSpkiDer(publicKey)), format: 'der', type: 'spki' });
    this.#cache.delete(keyId);
    while (this.#cache.size >= this.#cachedKeyCountMax) {
      const oldest = this.#cache.keys().next();
      if (oldest.done === true) break;
      this.#cache.delete(oldest.value);
    }
    this.#cache.set(keyId, { publicKey: Uint8Array.from(publicKey), keyObject });
    return keyObject;
  }
}
