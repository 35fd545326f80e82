/**
 * Key-encryption keys from the operator passphrase: scrypt (RFC 7914) with
 * explicit cost, then HKDF-SHA256 (RFC 5869) into two independent subkeys:
 * one encrypts entries (AES-256-GCM), one MACs the store metadata.
 *
 * Cost: N = 2^15, r = 8, p = 1 is the floor for production stores (OWASP
 * password-storage guidance, and the scrypt paper's interactive setting); a
 * lower cost (down to 2^10) is accepted only when the caller says
 * `weakKdfForTestingOnly: true`, and only for stores whose environment is
 * 'test'. There is no default: the caller always names the cost.
 */
import { hkdfSync, scrypt } from 'node:crypto';
import { zeroize } from '../bytes.js';
import { KeyStoreError } from './key-store-error.js';

export const SCRYPT_COST_LOG2_PRODUCTION_MIN = 15;
export const SCRYPT_COST_LOG2_TESTING_MIN = 10;
/** 2^18 · 128 · 8 bytes = 256 MiB of scrypt memory: above this a hostile store file could exhaust the host. */
export const SCRYPT_COST_LOG2_MAX = 18;
export const SCRYPT_BLOCK_SIZE = 8;
export const SCRYPT_PARALLELIZATION = 1;
export const SCRYPT_SALT_LENGTH_BYTES = 16;
export const STORE_SUBKEY_LENGTH_BYTES = 32;
const SCRYPT_OUTPUT_LENGTH_BYTES = 32;
/** scrypt needs 128 · N · r bytes; allow twice that so Node's own check never trips. */
const SCRYPT_MEMORY_FACTOR = 256;

export const PASSPHRASE_LENGTH_CHARS_MIN = 12;
export const PASSPHRASE_LENGTH_CHARS_MAX = 1024;

const HKDF_INFO_ENTRY_KEY = 'onecard-keystore/v1/entry-encryption';
const HKDF_INFO_METADATA_KEY = 'onecard-keystore/v1/metadata-mac';

export type StoreEnvironment = 'production' | 'test';

/** What the caller chooses when creating a store or changing its passphrase. */
export interface KdfOptions {
  readonly scryptCostLog2: number;
  /** Must be given (as `true`) to use a cost below SCRYPT_COST_LOG2_PRODUCTION_MIN. */
  readonly weakKdfForTestingOnly?: true;
}

export interface StoreKeys {
  readonly entryKey: Uint8Array;
  readonly metadataKey: Uint8Array;
}

/** Throws kdf_too_weak unless the cost is allowed for this environment and option. */
export function checkScryptCost(options: {
  scryptCostLog2: number;
  environment: StoreEnvironment;
  weakKdfForTestingOnly: boolean;
}): number {
  const { scryptCostLog2, environment, weakKdfForTestingOnly } = options;
  if (!Number.isInteger(scryptCostLog2) || scryptCostLog2 > SCRYPT_COST_LOG2_MAX) {
    throw new KeyStoreError('invalid_argument', `scryptCostLog2 must be an integer up to ${SCRYPT_COST_LOG2_MAX}`);
  }
  if (scryptCostLog2 >= SCRYPT_COST_LOG2_PRODUCTION_MIN) return scryptCostLog2;
  const weakAllowed = weakKdfForTestingOnly && environment === 'test' && scryptCostLog2 >= SCRYPT_COST_LOG2_TESTING_MIN;
  if (!weakAllowed) {
    throw new KeyStoreError(
      'kdf_too_weak',
      `scrypt cost below 2^${SCRYPT_COST_LOG2_PRODUCTION_MIN} is refused (test stores may go down to 2^${SCRYPT_COST_LOG2_TESTING_MIN} with the testing-only option)`,
    );
  }
  return scryptCostLog2;
}

/** Length checks for a new passphrase, in user-perceived characters (an existing one is only ever checked by the verifier). */
export function checkNewPassphrase(passphrase: string): string {
  const lengthChars = Array.from(new Intl.Segmenter('vi', { granularity: 'grapheme' }).segment(passphrase.normalize('NFC'))).length;
  if (lengthChars < PASSPHRASE_LENGTH_CHARS_MIN || lengthChars > PASSPHRASE_LENGTH_CHARS_MAX) {
    throw new KeyStoreError('weak_passphrase', `passphrase must be ${PASSPHRASE_LENGTH_CHARS_MIN}..${PASSPHRASE_LENGTH_CHARS_MAX} characters`);
  }
  return passphrase;
}

function scryptAsync(password: Uint8Array, salt: Uint8Array, costLog2: number): Promise<Uint8Array> {
  const costN = 2 ** costLog2;
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      SCRYPT_OUTPUT_LENGTH_BYTES,
      { N: costN, r: SCRYPT_BLOCK_SIZE, p: SCRYPT_PARALLELIZATION, maxmem: SCRYPT_MEMORY_FACTOR * costN * SCRYPT_BLOCK_SIZE },
      (error, derived) => {
        if (error) reject(error);
        else resolve(new Uint8Array(derived.buffer, derived.byteOffset, derived.byteLength));
      },
    );
  });
}

function hkdf(rootKey: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', rootKey, new Uint8Array(0), info, STORE_SUBKEY_LENGTH_BYTES));
}

/** scrypt(passphrase, salt) → HKDF → { entryKey, metadataKey }. The intermediate key is zeroed. */
export async function deriveStoreKeys(options: { passphrase: string; salt: Uint8Array; scryptCostLog2: number }): Promise<StoreKeys> {
  if (options.passphrase.length > PASSPHRASE_LENGTH_CHARS_MAX * 4) throw new KeyStoreError('invalid_argument', 'passphrase is too long');
  const password = new TextEncoder().encode(options.passphrase.normalize('NFC'));
  try {
    const rootKey = await scryptAsync(password, options.salt, options.scryptCostLog2);
    const keys = { entryKey: hkdf(rootKey, HKDF_INFO_ENTRY_KEY), metadataKey: hkdf(rootKey, HKDF_INFO_METADATA_KEY) };
    zeroize(rootKey);
    return keys;
  } finally {
    zeroize(password);
  }
}

export function zeroizeStoreKeys(keys: StoreKeys): void {
  zeroize(keys.entryKey, keys.metadataKey);
}
