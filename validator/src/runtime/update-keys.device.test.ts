/**
 * A running validator takes a rotated key bundle between taps: before the
 * update it cannot read a card personalised with the new master version;
 * after one sync round and between taps it reads that card and still the
 * cards keyed with the retiring version; a restart keeps the downloaded
 * bundle. The bundle is really exported, sealed to a real certificate, and
 * served by a real HTTP server.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileApplicationAids } from '@onecard/card-os/profile';
import { createDeviceCsr, createRootCa, exportDeviceBundle, generateEd25519KeyPair, issueDeviceCertificate, sealPayloadToCertificate } from '@onecard/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleKeyRefs } from '../device/device-keys.js';
import { DistributionServer, keyBundleEnvelope } from '../sync/distribution.fixtures.js';
import type { FetchFunction } from '../sync/index.js';
import { createTestKeyStore, issueCard, type TestCard, type TestKeyStore } from '../tap/testing/cards.js';
import { adultRider, cardUid } from '../tap/testing/holders.js';
import { readDeviceConfig } from './config-file.js';
import { openValidatorDevice } from './open-device.js';
import { TEST_LIST_SIGNER, TestClearingHouse, writeDeviceFiles } from './testing/device-files.js';

const DEVICE_ID = 5170;
const ASSET_TAG = 'hn-bus-5170';
const NOW_MS = Date.parse('2025-09-01T00:00:00Z');
const T0 = new Date('2025-09-03T01:00:00Z');
const ROLE = 'bus-validator' as const;
const PRINCIPAL = 'update-keys-device-tests';
const BUS_MODE = { kind: 'bus', routeId: '01', fareFeedDir: new URL('../../feeds/hanoi/', import.meta.url).pathname };

let keyStore: TestKeyStore;
let house: TestClearingHouse;
let distribution: DistributionServer;
let dir: string;
let certificatePem: string;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  house = await TestClearingHouse.start({ deviceId: DEVICE_ID });
  distribution = await DistributionServer.start();
  dir = mkdtempSync(join(tmpdir(), 'onecard-update-keys-device-'));
  const root = createRootCa({ commonName: 'OneCard Test Root', validityDays: 3650, nowMs: NOW_MS - 86_400_000 });
  const csr = createDeviceCsr({ role: 'validator', deviceId: ASSET_TAG, journalKeyPair: generateEd25519KeyPair() });
  certificatePem = issueDeviceCertificate({ issuer: root, csrPem: csr.csrPem, validityDays: 1000, nowMs: NOW_MS }).certificatePem;
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'keys', 'device.key'), csr.privateKeyPem, { mode: 0o600 });
}, 60_000);
afterAll(async () => {
  await distribution.stop();
  await house.stop();
  keyStore.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sealedBundle(): Promise<Uint8Array> {
  const exported = await exportDeviceBundle({ store: keyStore.store, role: ROLE, deviceId: ASSET_TAG, applicationAids: profileApplicationAids(), principal: PRINCIPAL, seal: (plaintext) => plaintext.slice() });
  return sealPayloadToCertificate({ certificatePem, payload: exported.sealed, certificateCheck: null });
}

const routed: FetchFunction = (url, init) => fetch(url.startsWith(`${house.baseUrl}/v1/devices/${DEVICE_ID}/key-bundle`) ? url.replace(house.baseUrl, distribution.baseUrl) : url, init);
const tapOf = (card: TestCard) => ({ channel: card.tap(), uid: card.uid });

describe('key-bundle updates on a running device', () => {
  it('reads cards keyed with a rotated master only after the update, and still the unmigrated ones', async () => {
    writeFileSync(join(dir, 'keys', 'device.sealed'), await sealedBundle());
    const configPath = await writeDeviceFiles({
      dir,
      store: keyStore.store,
      role: ROLE,
      mode: BUS_MODE,
      deviceId: DEVICE_ID,
      overrides: {
        clearingHouse: { baseUrl: house.baseUrl },
        keys: { bundle: { kind: 'sealed', sealedFile: 'keys/device.sealed', privateKeyFile: 'keys/device.key' }, journalSeedFile: 'keys/journal.seed', journalKeyId: `dev-${DEVICE_ID}` },
      },
    });
    const read = await readDeviceConfig(configPath);
    if (!read.ok) throw new Error(read.problems.join('; '));
    let now = T0;
    const open = () => openValidatorDevice(read.config, { clock: () => now, sync: 'manual', fetch: routed });

    const unmigrated = await issueCard({ issuer: keyStore.issuer, holder: adultRider(7001, { balanceVnd: 50_000 }), uid: cardUid(7001) });
    for (const ref of roleKeyRefs(ROLE)) await keyStore.store.rotateMaster({ application: ref.application, keyNo: ref.keyNo, material: { source: 'generate' }, principal: PRINCIPAL });
    const migrated = await issueCard({ issuer: keyStore.issuer, holder: adultRider(7002, { balanceVnd: 50_000 }), uid: cardUid(7002) });
    const migratedLater = await issueCard({ issuer: keyStore.issuer, holder: adultRider(7003, { balanceVnd: 50_000 }), uid: cardUid(7003) });

    let device = await open();
    try {
      expect(await device.tap(tapOf(unmigrated))).toMatchObject({ accepted: true });
      expect(await device.tap(tapOf(migrated))).toMatchObject({ accepted: false, reason: 'key_not_held' });
      distribution.keyBundles.set(DEVICE_ID, { version: 1, envelope: keyBundleEnvelope({ signer: TEST_LIST_SIGNER, deviceId: DEVICE_ID, version: 1, sealed: await sealedBundle() }) });
      expect(await device.syncOnce()).toMatchObject({ ok: true });
      expect(await device.tap(tapOf(migratedLater))).toMatchObject({ accepted: true });
      // Hours later (outside the repeat window): the card keyed with the retiring version still taps.
      now = new Date(T0.getTime() + 3 * 60 * 60_000);
      expect(await device.tap(tapOf(unmigrated))).toMatchObject({ accepted: true, kind: 'fare' });
    } finally {
      await device.close();
    }
    device = await open();
    try {
      const again = await issueCard({ issuer: keyStore.issuer, holder: adultRider(7004, { balanceVnd: 50_000 }), uid: cardUid(7004) });
      expect(await device.tap(tapOf(again))).toMatchObject({ accepted: true });
    } finally {
      await device.close();
    }
  }, 60_000);
});
