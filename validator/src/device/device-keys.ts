/**
 * The validator's keys: its SAM, loaded from the device key bundle the key
 * store exported for its role (keys/src/sam/export-device-bundle.ts), and a
 * profile key source narrowed to exactly the card keys of that role
 * (KEY_BUNDLE_POLICIES). Masters stay inside the SAM; derived card keys
 * live for one tap (ProfileSession's key ring zeroes them).
 */
import { KEY_BUNDLE_POLICIES, KEY_BUNDLE_ROLES, Sam, openPayloadFromCertificate, readDeviceKeyBundleManifest, type KeyBundleRole } from '@onecard/keys';
import { isProfileApplication, samKeySource, type ProfileKeyRef, type ProfileKeySource } from '@onecard/card-os/profile';

export interface DeviceKeys {
  readonly role: KeyBundleRole;
  /** The key store's device id (asset tag, e.g. `hn-bus-0042-v1`); not the journal's numeric id. */
  readonly assetTag: string;
  readonly keys: ProfileKeySource;
  /** Derivations so far (the SAM counts them; the journal batch reports them). */
  derivationCount(): number;
  close(): void;
}

function isKeyBundleRole(value: string): value is KeyBundleRole {
  return (KEY_BUNDLE_ROLES as readonly string[]).includes(value);
}

export class DeviceKeysError extends Error {
  readonly code: 'bundle_role_unknown' | 'bundle_role_mismatch' | 'bundle_device_mismatch';
  constructor(code: DeviceKeysError['code'], message: string) {
    super(message);
    this.name = 'DeviceKeysError';
    this.code = code;
  }
}

/** The card keys a role may use: its bundle policy, card applications only. */
export function roleKeyRefs(role: KeyBundleRole): ProfileKeyRef[] {
  return KEY_BUNDLE_POLICIES[role].keys.flatMap((ref) => (isProfileApplication(ref.application) ? [{ application: ref.application, keyNo: ref.keyNo }] : []));
}

/**
 * Opens an unsealed bundle (the plaintext is zeroed by the SAM). `expectedRole`
 * is what the validator is configured as: a bus validator handed a clinic
 * bundle refuses to start.
 */
export function openDeviceKeys(options: { bundle: Uint8Array; expectedRole: KeyBundleRole }): DeviceKeys {
  const manifest = readDeviceKeyBundleManifest(options.bundle);
  if (!isKeyBundleRole(manifest.role)) throw new DeviceKeysError('bundle_role_unknown', 'the key bundle names an unknown role');
  if (manifest.role !== options.expectedRole) throw new DeviceKeysError('bundle_role_mismatch', `the key bundle is for ${manifest.role}, the validator is configured as ${options.expectedRole}`);
  const role = manifest.role;
  const sam = Sam.fromBundle({ bundle: options.bundle });
  const keys = samKeySource({ sam, principal: manifest.deviceId, purpose: `tap:${role}`, allowed: roleKeyRefs(role) });
  return { role, assetTag: manifest.deviceId, keys, derivationCount: () => sam.derivationCount(), close: () => { sam.close(); } };
}

/** Opens a bundle sealed to the device certificate (keys PKI: sealPayloadToCertificate). */
export function openSealedDeviceKeys(options: { sealed: Uint8Array; privateKeyPem: string; expectedRole: KeyBundleRole }): DeviceKeys {
  const opened = openPayloadFromCertificate({ privateKeyPem: options.privateKeyPem, sealed: options.sealed });
  const manifest = readDeviceKeyBundleManifest(opened.payload);
  if (manifest.deviceId !== opened.deviceId) {
    opened.payload.fill(0);
    throw new DeviceKeysError('bundle_device_mismatch', 'the key bundle was exported for another device');
  }
  return openDeviceKeys({ bundle: opened.payload, expectedRole: options.expectedRole });
}
