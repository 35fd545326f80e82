/**
 * Loads the device's keys as the configuration names them: the key bundle
 * (sealed to the device certificate, or plain from a test key store) for the
 * role the mode needs, and the journal-signing seed.
 */
import { readFile, stat } from 'node:fs/promises';
import type { BatchSigner } from '@onecard/card-os/profile';
import { fromHex, type KeyBundleRole } from '@onecard/keys';
import { readJournalSigner } from '../journal/index.js';
import { DeviceKeysError, openDeviceKeys, openSealedDeviceKeys, type DeviceKeys } from '../tap/index.js';
import type { TrustedListKey } from '../lists/wire.js';
import { errnoOf } from './config-file.js';
import type { DeviceConfig, ModeConfig } from './config-schema.js';
import { DeviceError } from './device-error.js';
import { KEY_FILE_BYTES_MAX } from './limits.js';

/** The bundle role a mode needs (keys/src/sam/key-bundle-roles.ts): the SAM holds only that role's masters. */
export function roleOfMode(mode: ModeConfig): KeyBundleRole {
  switch (mode.kind) {
    case 'bus':
      return mode.autoload ? 'bus-validator-autoload' : 'bus-validator';
    case 'school-gate':
      return 'school-gate';
    case 'office':
      return 'office-gate';
    case 'canteen':
      return 'canteen-terminal';
    case 'library':
      return 'library-terminal';
    case 'clinic':
      return 'clinic-terminal';
  }
}

/** Reads a file the configuration names; the error names the field and the errno, not the path. */
export async function readConfiguredFile(path: string, field: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new DeviceError('file_unreadable', 'is not a regular file', { field });
    if (info.size > KEY_FILE_BYTES_MAX) throw new DeviceError('file_unreadable', `is larger than ${KEY_FILE_BYTES_MAX} bytes`, { field });
    return await readFile(path);
  } catch (error: unknown) {
    if (error instanceof DeviceError) throw error;
    throw new DeviceError('file_unreadable', `cannot read the file (${errnoOf(error)})`, { field });
  }
}

export async function openConfiguredKeys(config: DeviceConfig): Promise<DeviceKeys> {
  const expectedRole = roleOfMode(config.mode);
  const { bundle } = config.keys;
  try {
    switch (bundle.kind) {
      case 'plain-test': {
        const bytes = await readConfiguredFile(bundle.file, 'keys.bundle.file');
        return openDeviceKeys({ bundle: new Uint8Array(bytes), expectedRole });
      }
      case 'sealed': {
        const sealed = await readConfiguredFile(bundle.sealedFile, 'keys.bundle.sealedFile');
        const privateKeyPem = (await readConfiguredFile(bundle.privateKeyFile, 'keys.bundle.privateKeyFile')).toString('utf8');
        return openSealedDeviceKeys({ sealed: new Uint8Array(sealed), privateKeyPem, expectedRole });
      }
    }
  } catch (error: unknown) {
    if (error instanceof DeviceError) throw error;
    if (error instanceof DeviceKeysError) {
      const code = error.code === 'bundle_device_mismatch' ? 'key_bundle_device_mismatch' : error.code === 'bundle_role_mismatch' ? 'key_bundle_role_mismatch' : 'key_bundle_invalid';
      throw new DeviceError(code, code === 'key_bundle_role_mismatch' ? `${error.message} (mode ${config.mode.kind} needs role ${expectedRole})` : error.message, { field: 'keys.bundle' });
    }
    // Not a bundle, truncated, or sealed to another key: the decoders' own messages are not shown (they may quote bytes).
    throw new DeviceError('key_bundle_invalid', bundle.kind === 'sealed' ? 'is not a key bundle that opens with the device private key' : 'is not a device key bundle (malformed or truncated)', { field: 'keys.bundle', cause: error });
  }
}

export async function openConfiguredSigner(config: DeviceConfig): Promise<BatchSigner> {
  await readConfiguredFile(config.keys.journalSeedFile, 'keys.journalSeedFile');
  try {
    return await readJournalSigner({ keyId: config.keys.journalKeyId, seedPath: config.keys.journalSeedFile });
  } catch (error: unknown) {
    throw new DeviceError('journal_seed_invalid', 'must hold the 32-byte Ed25519 seed as one line of hex', { field: 'keys.journalSeedFile', cause: error });
  }
}

export function trustedListKeys(config: DeviceConfig): TrustedListKey[] {
  return config.lists.trustedKeys.map((key) => ({ keyId: key.keyId, publicKey: fromHex(key.publicKeyHex) }));
}
