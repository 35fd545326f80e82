/**
 * The validator's device keys: a bundle exported for a role, sealed to the
 * device certificate, opened on the device; only that role's card keys come
 * out; a bundle for another role or another device is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceCsr, createRootCa, exportDeviceBundle, generateEd25519KeyPair, issueDeviceCertificate, sealPayloadToCertificate } from '@onecard/keys';
import { profileApplicationAids } from '@onecard/card-os/profile';
import { DeviceKeysError, openDeviceKeys, openSealedDeviceKeys, roleKeyRefs } from '../src/device/device-keys.js';
import { createTestKeyStore, type TestKeyStore } from '../src/tap/testing/cards.js';
import { cardUid } from '../src/tap/testing/holders.js';

const DAY_MS = 86_400_000;
const NOW_MS = Date.parse('2026-03-01T00:00:00Z');

let keyStore: TestKeyStore;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
});
afterAll(() => {
  keyStore.close();
});

async function plainBundle(role: 'bus-validator' | 'clinic-terminal', deviceId = 'hn-bus-0042'): Promise<Uint8Array> {
  const exported = await exportDeviceBundle({ store: keyStore.store, role, deviceId, applicationAids: profileApplicationAids(), principal: 'tests', seal: (plaintext) => plaintext.slice() });
  return exported.sealed;
}

describe('device keys', () => {
  it('lists exactly the card keys of each role', () => {
    expect(roleKeyRefs('bus-validator')).toEqual([{ application: 'transit', keyNo: 2 }, { application: 'transit', keyNo: 3 }, { application: 'identity', keyNo: 1 }]);
    expect(roleKeyRefs('school-gate')).toEqual([{ application: 'student', keyNo: 1 }, { application: 'student', keyNo: 2 }, { application: 'identity', keyNo: 1 }]);
  });

  it('derives only the role\'s keys from its bundle, and counts every derivation', async () => {
    const keys = openDeviceKeys({ bundle: await plainBundle('bus-validator'), expectedRole: 'bus-validator' });
    const uid = cardUid(1);
    expect(keys.keys.cardKey({ ref: { application: 'transit', keyNo: 2 }, uid, version: 'active' })?.key).toHaveLength(16);
    expect(keys.keys.cardKey({ ref: { application: 'transit', keyNo: 1 }, uid, version: 'active' })).toBeUndefined();
    expect(keys.keys.cardKey({ ref: { application: 'health', keyNo: 1 }, uid, version: 'active' })).toBeUndefined();
    expect(keys.keys.cardKey({ ref: { application: 'transit', keyNo: 0 }, uid, version: 'active' })).toBeUndefined();
    expect(keys.derivationCount()).toBe(1);
    expect(keys.assetTag).toBe('hn-bus-0042');
    keys.close();
  });

  it('refuses a bundle of another role', async () => {
    expect(() => openDeviceKeys({ bundle: Uint8Array.from([1, 2, 3]), expectedRole: 'bus-validator' })).toThrow();
    const bundle = await plainBundle('clinic-terminal');
    expect(() => openDeviceKeys({ bundle, expectedRole: 'bus-validator' })).toThrow(DeviceKeysError);
  });

  it('opens a bundle sealed to its certificate with its private key', async () => {
    const root = createRootCa({ commonName: 'OneCard Test Root', validityDays: 3650, nowMs: NOW_MS - DAY_MS });
    const csr = createDeviceCsr({ role: 'validator', deviceId: 'hn-bus-0042', journalKeyPair: generateEd25519KeyPair() });
    const { certificatePem } = issueDeviceCertificate({ issuer: root, csrPem: csr.csrPem, validityDays: 365, nowMs: NOW_MS });
    const sealed = sealPayloadToCertificate({ certificatePem, payload: await plainBundle('bus-validator'), certificateCheck: null });
    const keys = openSealedDeviceKeys({ sealed, privateKeyPem: csr.privateKeyPem, expectedRole: 'bus-validator' });
    expect(keys.role).toBe('bus-validator');
    expect(keys.keys.cardKey({ ref: { application: 'identity', keyNo: 1 }, uid: cardUid(2), version: 'active' })?.key).toHaveLength(16);
    keys.close();
    const other = sealPayloadToCertificate({ certificatePem, payload: await plainBundle('bus-validator', 'hn-bus-0043'), certificateCheck: null });
    expect(() => openSealedDeviceKeys({ sealed: other, privateKeyPem: csr.privateKeyPem, expectedRole: 'bus-validator' })).toThrow(DeviceKeysError);
  });
});
