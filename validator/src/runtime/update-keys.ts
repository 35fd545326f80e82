/**
 * Key-bundle updates on a running device: the mode holds one
 * SwitchingDeviceKeys for its life; a downloaded bundle (opened with the
 * device private key by the sync sink) is staged and becomes current only
 * between taps (`applyStaged`), and the SAM it replaces is closed (zeroed)
 * then. Cards not yet migrated keep working because a rotated bundle carries
 * the retiring master versions next to the active ones (keys/ rotation:
 * exportDeviceBundle exports every version not retired).
 */
import { join } from 'node:path';
import type { CardKey, CardKeyRequest, ProfileKeySource } from '@onecard/card-os/profile';
import type { KeyBundleRole } from '@onecard/keys';
import type { TrustedListKey } from '../lists/wire.js';
import { FileKeyBundleSink } from '../sync/bundle-sink.js';
import { openSealedDeviceKeys, type DeviceKeys } from '../tap/index.js';

export const KEY_BUNDLE_FILE_NAME = 'key-bundle.envelope';

export class SwitchingDeviceKeys implements DeviceKeys {
  readonly role: KeyBundleRole;
  readonly keys: ProfileKeySource;
  #current: DeviceKeys;
  #currentVersion: number;
  #staged: { readonly version: number; readonly keys: DeviceKeys } | undefined;
  /** Derivations of the SAMs already replaced, so the count never goes down. */
  #retiredDerivationCount = 0;

  /** `version` 0: the configured bundle, not a downloaded one. */
  constructor(input: { readonly keys: DeviceKeys; readonly version: number }) {
    this.#current = input.keys;
    this.#currentVersion = input.version;
    this.role = input.keys.role;
    this.keys = { cardKey: (request: CardKeyRequest): CardKey | undefined => this.#current.keys.cardKey(request) };
  }

  get assetTag(): string {
    return this.#current.assetTag;
  }

  /** The downloaded bundle version in force (0 = the configured bundle). */
  get version(): number {
    return this.#currentVersion;
  }

  derivationCount(): number {
    return this.#retiredDerivationCount + this.#current.derivationCount();
  }

  stage(update: { readonly version: number; readonly keys: DeviceKeys }): void {
    if (update.keys.role !== this.role) throw new Error('assertion failed: a staged bundle for another role');
    this.#staged?.keys.close();
    this.#staged = update;
  }

  /** Switches to the staged keys and zeroes the old SAM; answers whether it did. Call only between taps. */
  applyStaged(): boolean {
    const staged = this.#staged;
    if (staged === undefined) return false;
    this.#staged = undefined;
    this.#retiredDerivationCount += this.#current.derivationCount();
    this.#current.close();
    this.#current = staged.keys;
    this.#currentVersion = staged.version;
    return true;
  }

  close(): void {
    this.#staged?.keys.close();
    this.#staged = undefined;
    this.#current.close();
  }
}

/**
 * The device keys and the sink the sync agent fills (sealed bundles only):
 * a bundle downloaded earlier (stored in the data folder, verified and opened
 * again) wins over the configured sealed file. The private key file is read
 * again for each bundle, not kept in memory.
 */
export async function openKeyUpdates(input: {
  readonly dataDir: string;
  readonly deviceId: number;
  readonly trustedKeys: readonly TrustedListKey[];
  readonly expectedRole: KeyBundleRole;
  readonly readPrivateKeyPem: () => Promise<string>;
  readonly configured: DeviceKeys;
}): Promise<{ readonly keys: SwitchingDeviceKeys; readonly sink: FileKeyBundleSink<DeviceKeys> }> {
  const switching = new SwitchingDeviceKeys({ keys: input.configured, version: 0 });
  const { sink, stored } = await FileKeyBundleSink.open<DeviceKeys>({
    path: join(input.dataDir, KEY_BUNDLE_FILE_NAME),
    deviceId: input.deviceId,
    trustedKeys: input.trustedKeys,
    open: async (sealed) => openSealedDeviceKeys({ sealed, privateKeyPem: await input.readPrivateKeyPem(), expectedRole: input.expectedRole }),
    onInstalled: (installed) => { switching.stage(installed); },
    discard: (keys) => { keys.close(); },
  });
  if (stored !== undefined) {
    // The configured SAM is closed (zeroed) here: the stored bundle is newer.
    switching.stage(stored);
    switching.applyStaged();
  }
  return { keys: switching, sink };
}
