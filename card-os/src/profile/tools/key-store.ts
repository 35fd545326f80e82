/**
 * The key store profile commands derive card keys from. With `--keystore
 * FILE` it is that store, test or production, opened read-only (a master
 * it lacks shows up as `key_not_held` at the step that needs it). Without it, the embedded default: a test store under
 * .onecard/profile/, created on first use with every profile master
 * (ARCHITECTURE "embedded default"). The passphrase comes from
 * ONECARD_KEYSTORE_PASSPHRASE only, never from an argument.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KeyStore, Sam, SCRYPT_COST_LOG2_PRODUCTION_MIN } from '@onecard/keys';
import { profileApplicationAids, type ProfileKeyRef } from '../layout/applications.js';
import { samKeySource, type ProfileKeySource } from '../keys/key-source.js';
import { addMissingProfileMasters } from '../keys/profile-masters.js';

export const PASSPHRASE_ENV = 'ONECARD_KEYSTORE_PASSPHRASE';
export const DEFAULT_KEYSTORE_RELATIVE_PATH = join('.onecard', 'profile', 'test-keystore.json');
export const DEFAULT_SYSTEM_IDENTIFIER = 'OneCard';

export type KeyStoreProblem = 'no_passphrase' | 'missing_store';

export class ProfileKeyStoreError extends Error {
  override readonly name = 'ProfileKeyStoreError';
  readonly problem: KeyStoreProblem;
  constructor(problem: KeyStoreProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

export interface OpenedKeys {
  readonly source: ProfileKeySource;
  readonly environment: 'test' | 'production';
  close(): void;
}

export async function openProfileKeys(options: {
  /** Explicit store, or undefined for the embedded default under `cwd`. */
  readonly path: string | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly principal: string;
  readonly purpose: string;
  readonly weakKdfForTesting: boolean;
  /** Keys the caller may use (a device role), or undefined for all. */
  readonly allowed?: readonly ProfileKeyRef[];
}): Promise<OpenedKeys> {
  const passphrase = options.env[PASSPHRASE_ENV];
  if (passphrase === undefined || passphrase === '') throw new ProfileKeyStoreError('no_passphrase', `set ${PASSPHRASE_ENV} to the key store passphrase`);
  const embedded = options.path === undefined;
  const path = options.path ?? join(options.cwd, DEFAULT_KEYSTORE_RELATIVE_PATH);
  let store: KeyStore;
  if (!existsSync(path)) {
    if (!embedded) throw new ProfileKeyStoreError('missing_store', 'the --keystore file does not exist');
    mkdirSync(dirname(path), { recursive: true });
    store = await KeyStore.create({
      path,
      passphrase,
      kdf: { scryptCostLog2: SCRYPT_COST_LOG2_PRODUCTION_MIN },
      environment: 'test',
      systemIdentifier: new TextEncoder().encode(DEFAULT_SYSTEM_IDENTIFIER),
      principal: options.principal,
    });
  } else {
    store = await KeyStore.open({ path, passphrase, access: embedded ? 'read-write' : 'read-only', ...(options.weakKdfForTesting ? { weakKdfForTestingOnly: true as const } : {}) });
  }
  try {
    if (embedded) await addMissingProfileMasters(store, { principal: options.principal });
    const sam = Sam.fromStore({ store, applicationAids: profileApplicationAids() });
    const source = samKeySource({ sam, principal: options.principal, purpose: options.purpose, ...(options.allowed === undefined ? {} : { allowed: options.allowed }) });
    return {
      source,
      environment: store.environment,
      close: () => {
        sam.close();
        store.close();
      },
    };
  } catch (error: unknown) {
    store.close();
    throw error;
  }
}
