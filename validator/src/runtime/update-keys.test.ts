/**
 * Key-bundle updates on the device side: SwitchingDeviceKeys keeps the SAM
 * in force until applyStaged (between taps), then zeroes the one it replaces;
 * openKeyUpdates prefers a bundle downloaded earlier over the configured
 * one, and falls back to the configured one when the stored file no longer
 * verifies. Bundles are real: exported from a test key store and sealed to
 * a real device certificate.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileApplicationAids } from '@onecard/card-os/profile';
import { createDeviceCsr, createRootCa, ed25519KeyPairFromSeed, exportDeviceBundle, generateEd25519KeyPair, issueDeviceCertificate, sealPayloadToCertificate } from '@onecard/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSealedDeviceKeys, roleKeyRefs, type DeviceKeys } from '../device/device-keys.js';
import { keyBundleEnvelope } from '../sync/distribution.fixtures.js';
import { createTestKeyStore, type TestKeyStore } from '../tap/testing/cards.js';
import { KEY_BUNDLE_FILE_NAME, SwitchingDeviceKeys, openKeyUpdates } from './update-keys.js';

const LIST_KEY = ed25519KeyPairFromSeed(new Uint8Array(32).fill(0x64));
const SIGNER = { keyId: 'ch-lists-1', secretKey: LIST_KEY.secretKey };
const TRUSTED = [{ keyId: 'ch-lists-1', publicKey: LIST_KEY.publicKey }];
const NOW_MS = Date.parse('2026-03-01T00:00:00Z');
const DEVICE_ID = 4242;
const UID = Uint8Array.from([0x04, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76]);
const ROLE = 'bus-validator' as const;

let keyStore: TestKeyStore;
let device: { certificatePem: string; privateKeyPem: string };
let dir: string;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  const root = createRootCa({ commonName: 'OneCard Test Root', validityDays: 3650, nowMs: NOW_MS - 86_400_000 });
  const csr = createDeviceCsr({ role: 'validator', deviceId: 'hn-bus-4242', journalKeyPair: generateEd25519KeyPair() });
  device = { certificatePem: issueDeviceCertificate({ issuer: root, csrPem: csr.csrPem, validityDays: 365, nowMs: NOW_MS }).certificatePem, privateKeyPem: csr.privateKeyPem };
  dir = mkdtempSync(join(tmpdir(), 'onecard-update-keys-'));
}, 60_000);
afterAll(() => {
  keyStore.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sealedKeys(): Promise<{ sealed: Uint8Array; keys: () => DeviceKeys }> {
  const exported = await exportDeviceBundle({ store: keyStore.store, role: ROLE, deviceId: 'hn-bus-4242', applicationAids: profileApplicationAids(), principal: 'update-keys-tests', seal: (plaintext) => plaintext.slice() });
  const sealed = sealPayloadToCertificate({ certificatePem: device.certificatePem, payload: exported.sealed, certificateCheck: null });
  return { sealed, keys: () => openSealedDeviceKeys({ sealed, privateKeyPem: device.privateKeyPem, expectedRole: ROLE }) };
}

const ref = roleKeyRefs(ROLE)[0];

describe('SwitchingDeviceKeys', () => {
  it('derives with the current SAM until applyStaged, then with the staged one, and zeroes the old SAM', async () => {
    if (ref === undefined) throw new Error('the role holds no card key');
    const first = (await sealedKeys()).keys();
    const switching = new SwitchingDeviceKeys({ keys: first, version: 0 });
    const before = switching.keys.cardKey({ ref, uid: UID, version: 'active' });
    expect(before).toBeDefined();
    switching.stage({ version: 1, keys: (await sealedKeys()).keys() });
    expect(switching.version).toBe(0);
    expect(switching.applyStaged()).toBe(true);
    expect(switching.version).toBe(1);
    expect(switching.keys.cardKey({ ref, uid: UID, version: 'active' })?.key).toEqual(before?.key);
    // The replaced SAM no longer derives.
    expect(() => first.keys.cardKey({ ref, uid: UID, version: 'active' })).toThrow();
    expect(switching.derivationCount()).toBe(2);
    expect(switching.applyStaged()).toBe(false);
    switching.close();
  });
});

describe('openKeyUpdates', () => {
  const open = async (configured: DeviceKeys) => openKeyUpdates({ dataDir: dir, deviceId: DEVICE_ID, trustedKeys: TRUSTED, expectedRole: ROLE, readPrivateKeyPem: () => Promise.resolve(device.privateKeyPem), configured });

  it('uses the configured keys when nothing is stored, then a downloaded bundle after a restart', async () => {
    const first = await open((await sealedKeys()).keys());
    expect([first.keys.version, first.sink.version()]).toEqual([0, 0]);
    const { sealed } = await sealedKeys();
    expect(await first.sink.install(keyBundleEnvelope({ signer: SIGNER, deviceId: DEVICE_ID, version: 5, sealed }))).toEqual({ ok: true, version: 5 });
    expect(first.keys.version).toBe(0); // staged, not yet between taps
    expect(first.keys.applyStaged()).toBe(true);
    expect(first.keys.version).toBe(5);
    first.keys.close();

    const configured = (await sealedKeys()).keys();
    const restarted = await open(configured);
    expect([restarted.keys.version, restarted.sink.version()]).toEqual([5, 5]);
    // The configured SAM was closed: the stored bundle is in force.
    if (ref === undefined) throw new Error('the role holds no card key');
    expect(() => configured.keys.cardKey({ ref, uid: UID, version: 'active' })).toThrow();
    restarted.keys.close();
  });

  it('falls back to the configured keys when the stored bundle no longer verifies', async () => {
    const { sealed } = await sealedKeys();
    writeFileSync(join(dir, KEY_BUNDLE_FILE_NAME), keyBundleEnvelope({ signer: { keyId: 'ch-lists-1', secretKey: ed25519KeyPairFromSeed(new Uint8Array(32).fill(1)).secretKey }, deviceId: DEVICE_ID, version: 9, sealed }));
    const opened = await open((await sealedKeys()).keys());
    expect([opened.keys.version, opened.sink.version()]).toEqual([0, 0]);
    opened.keys.close();
  });
});
