/**
 * Test fixtures: temporary directories and stores with the testing-only weak
 * KDF (2^10), so suites stay fast. Never imported by production code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCRYPT_COST_LOG2_TESTING_MIN } from './kdf.js';
import { KeyStore } from './key-store.js';

export const TEST_PASSPHRASE = 'correct horse battery staple';
export const TEST_SYSTEM_IDENTIFIER = new TextEncoder().encode('OneCard');
export const TEST_PRINCIPAL = 'tester@onecard.test';
export const TEST_KDF = { scryptCostLog2: SCRYPT_COST_LOG2_TESTING_MIN, weakKdfForTestingOnly: true } as const;

export interface TempDir {
  readonly path: string;
  remove(): void;
}

export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

export function createTestStore(path: string, clockMs?: () => number): Promise<KeyStore> {
  return KeyStore.create({
    path,
    passphrase: TEST_PASSPHRASE,
    kdf: TEST_KDF,
    environment: 'test',
    systemIdentifier: TEST_SYSTEM_IDENTIFIER,
    principal: TEST_PRINCIPAL,
    ...(clockMs === undefined ? {} : { clockMs }),
  });
}

export function openTestStore(path: string, options: { access: 'read-write' | 'read-only'; passphrase?: string }): Promise<KeyStore> {
  return KeyStore.open({ path, passphrase: options.passphrase ?? TEST_PASSPHRASE, access: options.access, weakKdfForTestingOnly: true });
}
