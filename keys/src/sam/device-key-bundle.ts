/**
 * The DeviceKeyBundle: the SAM content of one device, i.e. the masters its
 * role may hold (key-bundle-roles.ts). Binary, so key bytes never become
 * JavaScript strings that cannot be zeroed:
 *
 *   magic "OCKB" (4) ‖ format version (1) ‖ manifest length (4, LE) ‖
 *   manifest (UTF-8 JSON, no key bytes) ‖ key bytes, concatenated in manifest order
 *
 * The plaintext exists only between encode and the PKI's sealing to the
 * device certificate, and on the device between unsealing and Sam.fromBundle.
 * Encode/decode are internal to the SAM and not exported from the package.
 */
import { z } from 'zod';
import { concatBytes, readUintLe, uintLe, zeroize } from '../bytes.js';
import { DEVICE_ROLES } from '../pki/roles.js';
import { APPLICATION_NAME_PATTERN, KEY_NO_MAX, KEY_VERSION_MAX, MASTER_KEY_LENGTH_BYTES, MASTER_KEY_TYPES } from '../store/master-key-slot.js';
import { SYSTEM_IDENTIFIER_LENGTH_BYTES_MAX } from '../store/store-document.js';
import { AID_MAX } from './diversification-input.js';
import { KEY_BUNDLE_ROLES } from './key-bundle-roles.js';
import { SamError } from './sam-error.js';

export const DEVICE_KEY_BUNDLE_FORMAT_VERSION = 1;
/** Seven roles × at most 3 slots × (active + retiring versions) stays far below. */
export const BUNDLE_KEYS_COUNT_MAX = 64;
export const BUNDLE_MANIFEST_BYTES_MAX = 16 * 1024;
const BUNDLE_MAGIC_TEXT = 'OCKB';
const BUNDLE_MAGIC_LENGTH_BYTES = BUNDLE_MAGIC_TEXT.length;
const MANIFEST_LENGTH_WIDTH_BYTES = 4;
const HEADER_LENGTH_BYTES = BUNDLE_MAGIC_LENGTH_BYTES + 1 + MANIFEST_LENGTH_WIDTH_BYTES;

function bundleMagic(): Uint8Array {
  return new TextEncoder().encode(BUNDLE_MAGIC_TEXT);
}

const bundleKeySchema = z.strictObject({
  application: z.string().regex(APPLICATION_NAME_PATTERN),
  aid: z.int().min(0).max(AID_MAX),
  keyNo: z.int().min(0).max(KEY_NO_MAX),
  keyType: z.enum(MASTER_KEY_TYPES),
  version: z.int().min(0).max(KEY_VERSION_MAX),
  status: z.enum(['active', 'retiring']),
});

export const deviceKeyBundleManifestSchema = z.strictObject({
  bundleId: z.uuid(),
  storeId: z.uuid(),
  deviceId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  role: z.enum(KEY_BUNDLE_ROLES),
  certificateRole: z.enum(DEVICE_ROLES),
  systemIdentifierHex: z.string().regex(new RegExp(`^(?:[0-9a-f]{2}){1,${SYSTEM_IDENTIFIER_LENGTH_BYTES_MAX}}$`)),
  issuedUtc: z.iso.datetime(),
  keys: z.array(bundleKeySchema).max(BUNDLE_KEYS_COUNT_MAX),
});

export type DeviceKeyBundleManifest = z.infer<typeof deviceKeyBundleManifestSchema>;

function corrupt(reason: string): SamError {
  return new SamError('bundle_corrupt', `device key bundle is malformed (${reason})`);
}

/** Builds the plaintext bundle. `keyBytes[i]` belongs to `manifest.keys[i]`. */
export function encodeDeviceKeyBundle(manifest: DeviceKeyBundleManifest, keyBytes: readonly Uint8Array[]): Uint8Array {
  if (keyBytes.length !== manifest.keys.length) throw new RangeError('one key per manifest entry');
  manifest.keys.forEach((entry, index) => {
    if (keyBytes[index]?.length !== MASTER_KEY_LENGTH_BYTES[entry.keyType]) throw new RangeError('key length does not match its type');
  });
  const manifestBytes = new TextEncoder().encode(JSON.stringify(deviceKeyBundleManifestSchema.parse(manifest)));
  if (manifestBytes.length > BUNDLE_MANIFEST_BYTES_MAX) throw new RangeError('bundle manifest exceeds BUNDLE_MANIFEST_BYTES_MAX');
  const header = concatBytes(bundleMagic(), Uint8Array.of(DEVICE_KEY_BUNDLE_FORMAT_VERSION), uintLe(manifestBytes.length, MANIFEST_LENGTH_WIDTH_BYTES));
  return concatBytes(header, manifestBytes, ...keyBytes);
}

/** Parses a plaintext bundle; returns copies of the keys. Throws SamError('bundle_corrupt'). */
export function decodeDeviceKeyBundle(bundle: Uint8Array): { manifest: DeviceKeyBundleManifest; keys: Uint8Array[] } {
  if (bundle.length < HEADER_LENGTH_BYTES) throw corrupt('too short');
  if (!bundleMagic().every((byte, index) => bundle[index] === byte)) throw corrupt('not a bundle');
  if (bundle[BUNDLE_MAGIC_LENGTH_BYTES] !== DEVICE_KEY_BUNDLE_FORMAT_VERSION) throw corrupt('unsupported format version');
  const manifestLengthBytes = readUintLe(bundle, BUNDLE_MAGIC_LENGTH_BYTES + 1, MANIFEST_LENGTH_WIDTH_BYTES);
  if (manifestLengthBytes > BUNDLE_MANIFEST_BYTES_MAX || HEADER_LENGTH_BYTES + manifestLengthBytes > bundle.length) throw corrupt('manifest length');
  let manifest: DeviceKeyBundleManifest;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bundle.subarray(HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + manifestLengthBytes));
    manifest = deviceKeyBundleManifestSchema.parse(JSON.parse(text));
  } catch (error: unknown) {
    throw new SamError('bundle_corrupt', 'device key bundle is malformed (manifest)', { cause: error });
  }
  const keyAreaLengthBytes = manifest.keys.reduce((sum, entry) => sum + MASTER_KEY_LENGTH_BYTES[entry.keyType], 0);
  if (HEADER_LENGTH_BYTES + manifestLengthBytes + keyAreaLengthBytes !== bundle.length) throw corrupt('key area length');
  const seen = new Set<string>();
  const activeSlots = new Set<string>();
  for (const entry of manifest.keys) {
    const slotVersion = `${entry.application}/${entry.keyNo}/${entry.version}`;
    if (seen.has(slotVersion)) throw corrupt('duplicate key version');
    seen.add(slotVersion);
    if (entry.status === 'active') {
      if (activeSlots.has(`${entry.application}/${entry.keyNo}`)) throw corrupt('two active versions');
      activeSlots.add(`${entry.application}/${entry.keyNo}`);
    }
  }
  const keys: Uint8Array[] = [];
  let offset = HEADER_LENGTH_BYTES + manifestLengthBytes;
  for (const entry of manifest.keys) {
    const lengthBytes = MASTER_KEY_LENGTH_BYTES[entry.keyType];
    keys.push(bundle.slice(offset, offset + lengthBytes));
    offset += lengthBytes;
  }
  return { manifest, keys };
}

/** Reads only the manifest (no key bytes leave), e.g. to show what a bundle holds. */
export function readDeviceKeyBundleManifest(bundle: Uint8Array): DeviceKeyBundleManifest {
  const { manifest, keys } = decodeDeviceKeyBundle(bundle);
  zeroize(...keys);
  return manifest;
}
