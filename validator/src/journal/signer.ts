/**
 * The device's Ed25519 journal key as a batch signer. The device holds the
 * 32-byte RFC 8032 seed written by `keys pki device-csr` (`--out-seed`, one
 * line of hex, mode 0600); its public key is bound into the device
 * certificate (journal key extension) and registered with the clearing house
 * under `keyId`.
 */
import { readFile } from 'node:fs/promises';
import { ED25519_SEED_LENGTH_BYTES, ED25519_SECRET_KEY_LENGTH_BYTES, ed25519KeyPairFromSeed, fromHex, zeroize } from '@onecard/keys';
import type { BatchSigner } from '@onecard/card-os/profile';

const SEED_HEX_PATTERN = new RegExp(`^[0-9a-fA-F]{${ED25519_SEED_LENGTH_BYTES * 2}}$`);
const PUBLIC_KEY_OFFSET_BYTES = ED25519_SECRET_KEY_LENGTH_BYTES - 32;

export function journalSignerFromSeed(input: { readonly keyId: string; readonly seed: Uint8Array }): BatchSigner {
  const pair = ed25519KeyPairFromSeed(input.seed);
  zeroize(pair.seed);
  return { keyId: input.keyId, secretKey: pair.secretKey };
}

/** Reads the seed file; the error names the rule, never the content. */
export async function readJournalSigner(input: { readonly keyId: string; readonly seedPath: string }): Promise<BatchSigner> {
  const text = (await readFile(input.seedPath, 'utf8')).trim();
  if (!SEED_HEX_PATTERN.test(text)) throw new RangeError(`journal seed file must hold ${ED25519_SEED_LENGTH_BYTES} bytes of hex`);
  const seed = fromHex(text.toLowerCase());
  try {
    return journalSignerFromSeed({ keyId: input.keyId, seed });
  } finally {
    zeroize(seed);
  }
}

/** The public half (tweetnacl secret key = seed ‖ public key). */
export function signerPublicKey(signer: BatchSigner): Uint8Array {
  return signer.secretKey.slice(PUBLIC_KEY_OFFSET_BYTES);
}
