/**
 * The device's keys as its configuration names them: a bundle sealed to the
 * device certificate (keys PKI) opens with the device private key; another
 * device's key, a bundle for another device, a bundle of another role, a
 * damaged PEM and a plain bundle that is not one are refused with stable
 * codes naming the field, never the file's content.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeviceCsr, createRootCa, exportDeviceBundle, generateEd25519KeyPair, issueDeviceCertificate, sealPayloadToCertificate } from '@onecard/keys';
import { profileApplicationAids } from '@onecard/card-os/profile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeviceConfig } from '../src/runtime/config-file.js';
import type { DeviceConfig } from '../src/runtime/config-schema.js';
import { openConfiguredKeys } from '../src/runtime/device-keys-setup.js';
import { createTestKeyStore, type TestKeyStore } from '../src/tap/testing/cards.js';
import { cardUid } from '../src/tap/testing/holders.js';

const DAY_MS = 86_400_000;
const NOW_MS = Date.parse('2026-03-01T00:00:00Z');

let keyStore: TestKeyStore;
let dir: string;
let ours: { certificatePem: string; privateKeyPem: string };
let theirs: { certificatePem: string; privateKeyPem: string };
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  dir = mkdtempSync(join(tmpdir(), 'onecard-runtime-keys-'));
  const root = createRootCa({ commonName: 'OneCard Test Root', validityDays: 3650, nowMs: NOW_MS - DAY_MS });
  const device = (deviceId: string) => {
    const csr = createDeviceCsr({ role: 'validator', deviceId, journalKeyPair: generateEd25519KeyPair() });
    return { certificatePem: issueDeviceCertificate({ issuer: root, csrPem: csr.csrPem, validityDays: 365, nowMs: NOW_MS }).certificatePem, privateKeyPem: csr.privateKeyPem };
  };
  ours = device('hn-bus-0042');
  theirs = device('hn-bus-0043');
});
afterAll(() => {
  keyStore.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sealedBundle(input: { role: 'bus-validator' | 'school-gate'; deviceId: string; certificatePem: string }): Promise<Uint8Array> {
  const exported = await exportDeviceBundle({ store: keyStore.store, role: input.role, deviceId: input.deviceId, applicationAids: profileApplicationAids(), principal: 'tests', seal: (plaintext) => plaintext.slice() });
  return sealPayloadToCertificate({ certificatePem: input.certificatePem, payload: exported.sealed, certificateCheck: null });
}

function configWith(files: { sealed: Uint8Array | string; privateKeyPem: string }, name: string): DeviceConfig {
  writeFileSync(join(dir, `${name}.sealed`), files.sealed);
  writeFileSync(join(dir, `${name}.key`), files.privateKeyPem);
  const parsed = parseDeviceConfig({
    deviceId: 42,
    operator: 'hanoi-bus',
    dataDir: 'data',
    mode: { kind: 'bus', routeId: '01', fareFeedDir: 'feed' },
    keys: { bundle: { kind: 'sealed', sealedFile: `${name}.sealed`, privateKeyFile: `${name}.key` }, journalSeedFile: 'seed', journalKeyId: 'bus-42' },
    lists: { trustedKeys: [{ keyId: 'ch', publicKeyHex: '00'.repeat(32) }] },
  }, { baseDir: dir });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.config;
}

describe('configured device keys', () => {
  it('opens a bundle sealed to the device certificate, with only the role\'s keys', async () => {
    const keys = await openConfiguredKeys(configWith({ sealed: await sealedBundle({ role: 'bus-validator', deviceId: 'hn-bus-0042', certificatePem: ours.certificatePem }), privateKeyPem: ours.privateKeyPem }, 'good'));
    try {
      expect(keys).toMatchObject({ role: 'bus-validator', assetTag: 'hn-bus-0042' });
      expect(keys.keys.cardKey({ ref: { application: 'transit', keyNo: 2 }, uid: cardUid(1), version: 'active' })?.key).toHaveLength(16);
      expect(keys.keys.cardKey({ ref: { application: 'transit', keyNo: 1 }, uid: cardUid(1), version: 'active' })).toBeUndefined();
    } finally {
      keys.close();
    }
  });

  it('refuses the wrong private key, another device\'s bundle, another role and damaged files', async () => {
    const good = await sealedBundle({ role: 'bus-validator', deviceId: 'hn-bus-0042', certificatePem: ours.certificatePem });
    await expect(openConfiguredKeys(configWith({ sealed: good, privateKeyPem: theirs.privateKeyPem }, 'other-key'))).rejects.toMatchObject({ code: 'key_bundle_invalid', field: 'keys.bundle' });
    // Exported for 0043 but sealed to 0042's certificate: the bundle is not this device's.
    const foreign = await sealedBundle({ role: 'bus-validator', deviceId: 'hn-bus-0043', certificatePem: ours.certificatePem });
    await expect(openConfiguredKeys(configWith({ sealed: foreign, privateKeyPem: ours.privateKeyPem }, 'foreign'))).rejects.toMatchObject({ code: 'key_bundle_device_mismatch' });
    const gate = await sealedBundle({ role: 'school-gate', deviceId: 'hn-bus-0042', certificatePem: ours.certificatePem });
    await expect(openConfiguredKeys(configWith({ sealed: gate, privateKeyPem: ours.privateKeyPem }, 'gate'))).rejects.toMatchObject({ code: 'key_bundle_role_mismatch', message: expect.stringContaining('mode bus needs role bus-validator') as unknown });
    const pem = ours.privateKeyPem;
    const broken = await openConfiguredKeys(configWith({ sealed: good, privateKeyPem: pem.slice(0, pem.length / 2) }, 'half-pem')).catch((error: unknown) => error);
    expect(broken).toMatchObject({ code: 'key_bundle_invalid' });
    expect(String(broken)).not.toContain('PRIVATE KEY');
    await expect(openConfiguredKeys(configWith({ sealed: good.subarray(0, good.length - 17), privateKeyPem: pem }, 'cut'))).rejects.toMatchObject({ code: 'key_bundle_invalid' });
    await expect(openConfiguredKeys(configWith({ sealed: '', privateKeyPem: pem }, 'empty'))).rejects.toMatchObject({ code: 'key_bundle_invalid' });
  });
});
