/**
 * Ed25519 (RFC 8032 §5.1) for journal batches and published lists, on
 * tweetnacl. Key pairs come from a 32-byte seed (RFC 8032 "secret key"); the
 * 64-byte tweetnacl secret key is seed ‖ public key.
 *
 * Verification is strict about S: RFC 8032 §5.1.7 step 1 rejects S ≥ L.
 * tweetnacl alone accepts S + L (a malleated copy of a valid signature) while
 * OpenSSL rejects it, so the check is done here to make both verifiers agree.
 */
import { randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import { abytes } from '../bytes.js';

export const ED25519_SEED_LENGTH_BYTES = 32;
export const ED25519_PUBLIC_KEY_LENGTH_BYTES = 32;
export const ED25519_SECRET_KEY_LENGTH_BYTES = 64;
export const ED25519_SIGNATURE_LENGTH_BYTES = 64;

/** Order of the base point, L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1). */
const ED25519_GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
const SCALAR_OFFSET_BYTES = 32;

export interface Ed25519KeyPair {
  /** The RFC 8032 secret key: keep it, it regenerates the pair. */
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  /** tweetnacl form: seed ‖ public key. */
  readonly secretKey: Uint8Array;
}

export function ed25519KeyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  abytes(seed, ED25519_SEED_LENGTH_BYTES, 'Ed25519 seed');
  const pair = nacl.sign.keyPair.fromSeed(seed);
  return { seed: Uint8Array.from(seed), publicKey: pair.publicKey, secretKey: pair.secretKey };
}

export function generateEd25519KeyPair(): Ed25519KeyPair {
  return ed25519KeyPairFromSeed(Uint8Array.from(randomBytes(ED25519_SEED_LENGTH_BYTES)));
}

/** Detached signature (64 bytes) over `message`. */
export function ed25519Sign(input: { message: Uint8Array; secretKey: Uint8Array }): Uint8Array {
  abytes(input.message, undefined, 'message');
  abytes(input.secretKey, ED25519_SECRET_KEY_LENGTH_BYTES, 'Ed25519 secret key');
  return nacl.sign.detached(input.message, input.secretKey);
}

/** True when S < L (RFC 8032 §5.1.7). `signature` must be 64 bytes. */
export function isCanonicalScalar(signature: Uint8Array): boolean {
  let s = 0n;
  for (let i = ED25519_SIGNATURE_LENGTH_BYTES - 1; i >= SCALAR_OFFSET_BYTES; i--) {
    s = (s << 8n) | BigInt(signature[i] ?? 0);
  }
  return s < ED25519_GROUP_ORDER;
}

/**
 * Verifies a detached signature. A signature of the wrong length, or with a
 * non-canonical S, is a failed verification (it comes from outside); a public
 * key of the wrong length is a programmer error (keys come from certificates).
 */
export function ed25519Verify(input: { message: Uint8Array; signature: Uint8Array; publicKey: Uint8Array }): boolean {
  abytes(input.message, undefined, 'message');
  abytes(input.publicKey, ED25519_PUBLIC_KEY_LENGTH_BYTES, 'Ed25519 public key');
  abytes(input.signature, undefined, 'signature');
  if (input.signature.length !== ED25519_SIGNATURE_LENGTH_BYTES) return false;
  if (!isCanonicalScalar(input.signature)) return false;
  return nacl.sign.detached.verify(input.message, input.signature, input.publicKey);
}
