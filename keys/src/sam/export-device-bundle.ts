/**
 * Builds a device's SAM content from the key store: the active and retiring
 * versions of exactly the masters its role may hold (key-bundle-roles.ts),
 * sealed to the device by the caller-supplied `seal` (the PKI's
 * sealKeyBundle bound to the device certificate). The plaintext is zeroed as
 * soon as `seal` returns; only the sealed bytes and the key-free manifest
 * leave this function. One audit record per exported master version.
 */
import { randomUUID } from 'node:crypto';
import { zeroize } from '../bytes.js';
import { AUDIT_TEXT_PATTERN } from '../audit/audit-entry.js';
import { isDeviceId } from '../pki/roles.js';
import type { KeyStore } from '../store/key-store.js';
import { KEY_STORE_INTERNALS } from '../store/key-store-internals.js';
import { KeyStoreError } from '../store/key-store-error.js';
import { checkApplicationAids, type ApplicationAids } from './application-aids.js';
import { BUNDLE_KEYS_COUNT_MAX, encodeDeviceKeyBundle, type DeviceKeyBundleManifest } from './device-key-bundle.js';
import { KEY_BUNDLE_POLICIES, isKeyBundleRole, type KeyBundleRole } from './key-bundle-roles.js';
import { SamError } from './sam-error.js';

export type BundleSealer = (plaintext: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export interface ExportDeviceBundleOptions {
  readonly store: KeyStore;
  readonly role: KeyBundleRole;
  readonly deviceId: string;
  readonly applicationAids: ApplicationAids;
  readonly principal: string;
  readonly seal: BundleSealer;
  readonly clockMs?: () => number;
}

export interface ExportedDeviceBundle {
  readonly sealed: Uint8Array;
  readonly manifest: DeviceKeyBundleManifest;
}

export async function exportDeviceBundle(options: ExportDeviceBundleOptions): Promise<ExportedDeviceBundle> {
  if (!isKeyBundleRole(options.role)) throw new SamError('invalid_argument', 'unknown device role');
  if (!isDeviceId(options.deviceId)) throw new SamError('invalid_argument', 'device id must be 1..64 characters of A-Z a-z 0-9 . _ -');
  if (!AUDIT_TEXT_PATTERN.test(options.principal)) throw new SamError('invalid_argument', 'principal must be 1..64 characters of A-Z a-z 0-9 . _ @ : + / -');
  const aids = checkApplicationAids(options.applicationAids);
  const policy = KEY_BUNDLE_POLICIES[options.role];
  const internals = options.store[KEY_STORE_INTERNALS]();
  const masters = options.store.listMasters();
  const entries: DeviceKeyBundleManifest['keys'][number][] = [];
  const keyBytes: Uint8Array[] = [];
  try {
    for (const ref of policy.keys) {
      const aid = aids.get(ref.application);
      if (aid === undefined) throw new SamError('unknown_application', 'no AID registered for an application this role needs');
      const master = masters.find((m) => m.application === ref.application && m.keyNo === ref.keyNo);
      if (master === undefined) throw new KeyStoreError('unknown_key', `the store has no master for ${ref.application} key ${ref.keyNo}, which this role needs`);
      for (const { version, status } of master.versions) {
        if (status === 'retired') continue;
        internals.useMasterKey({ ...ref, version }, (lent) => {
          keyBytes.push(lent.keyBytes.slice());
          entries.push({ application: ref.application, aid, keyNo: ref.keyNo, keyType: lent.keyType, version, status: lent.status });
        });
      }
    }
    if (entries.length > BUNDLE_KEYS_COUNT_MAX) throw new SamError('invalid_argument', 'too many key versions for one bundle; retire old versions first');
    const manifest: DeviceKeyBundleManifest = {
      bundleId: randomUUID(),
      storeId: options.store.storeId,
      deviceId: options.deviceId,
      role: options.role,
      certificateRole: policy.certificateRole,
      systemIdentifierHex: options.store.systemIdentifierHex,
      issuedUtc: new Date((options.clockMs ?? Date.now)()).toISOString(),
      keys: entries,
    };
    const plaintext = encodeDeviceKeyBundle(manifest, keyBytes);
    let sealed: Uint8Array;
    try {
      sealed = await options.seal(plaintext);
    } finally {
      zeroize(plaintext);
    }
    for (const entry of entries) {
      internals.recordAudit({ principal: options.principal, action: 'export-bundle', application: entry.application, keyNo: entry.keyNo, version: entry.version, deviceId: options.deviceId, role: options.role });
    }
    return { sealed, manifest };
  } finally {
    zeroize(...keyBytes);
  }
}
