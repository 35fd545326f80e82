import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import {
  checkScryptCost,
  deriveStoreKeys,
  SCRYPT_BLOCK_SIZE,
  SCRYPT_COST_LOG2_MAX,
  SCRYPT_COST_LOG2_PRODUCTION_MIN,
  SCRYPT_COST_LOG2_TESTING_MIN,
  SCRYPT_PARALLELIZATION,
} from './kdf.js';

describe('scrypt parameters', () => {
  it('limits relate as documented: testing floor < production floor ≤ max; r = 8, p = 1', () => {
    expect(SCRYPT_COST_LOG2_TESTING_MIN).toBeLessThan(SCRYPT_COST_LOG2_PRODUCTION_MIN);
    expect(SCRYPT_COST_LOG2_PRODUCTION_MIN).toBe(15);
    expect(SCRYPT_COST_LOG2_PRODUCTION_MIN).toBeLessThanOrEqual(SCRYPT_COST_LOG2_MAX);
    expect([SCRYPT_BLOCK_SIZE, SCRYPT_PARALLELIZATION]).toEqual([8, 1]);
  });

  it.each([
    [15, 'production', false, 'ok'],
    [14, 'production', false, 'kdf_too_weak'],
    [10, 'production', true, 'kdf_too_weak'],
    [10, 'test', false, 'kdf_too_weak'],
    [10, 'test', true, 'ok'],
    [9, 'test', true, 'kdf_too_weak'],
    [19, 'production', false, 'invalid_argument'],
  ] as const)('cost 2^%i on a %s store (testing option %s) → %s', (scryptCostLog2, environment, weakKdfForTestingOnly, outcome) => {
    const check = (): number => checkScryptCost({ scryptCostLog2, environment, weakKdfForTestingOnly });
    if (outcome === 'ok') expect(check()).toBe(scryptCostLog2);
    else expect(check).toThrow(expect.objectContaining({ code: outcome }));
  });

  it('derives independent subkeys deterministically; NFC and NFD spellings of a passphrase agree', async () => {
    const salt = fromHex('000102030405060708090a0b0c0d0e0f');
    const nfc = await deriveStoreKeys({ passphrase: 'Hà Nội buýt 2025', salt, scryptCostLog2: SCRYPT_COST_LOG2_TESTING_MIN });
    const nfd = await deriveStoreKeys({ passphrase: 'Hà Nội buýt 2025'.normalize('NFD'), salt, scryptCostLog2: SCRYPT_COST_LOG2_TESTING_MIN });
    expect(toHex(nfc.entryKey)).toBe(toHex(nfd.entryKey));
    expect(toHex(nfc.entryKey)).not.toBe(toHex(nfc.metadataKey));
    const otherSalt = await deriveStoreKeys({ passphrase: 'Hà Nội buýt 2025', salt: new Uint8Array(16), scryptCostLog2: SCRYPT_COST_LOG2_TESTING_MIN });
    expect(toHex(otherSalt.entryKey)).not.toBe(toHex(nfc.entryKey));
  });
});
