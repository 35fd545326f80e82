/**
 * Key-bundle downloads end to end against a real HTTP server, with bundles
 * really exported from a test key store and sealed to a real device
 * certificate: the sink verifies the envelope, opens the bundle with the
 * device private key for its role, stores it atomically and hands over the
 * keys; after a rotation the new bundle still derives the retiring version
 * for cards not yet migrated. Every hostile answer is refused and the bundle
 * held stays.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileApplicationAids } from '@onecard/card-os/profile';
import { createDeviceCsr, createRootCa, ed25519KeyPairFromSeed, exportDeviceBundle, generateEd25519KeyPair, issueDeviceCertificate, sealPayloadToCertificate, type KeyBundleRole } from '@onecard/keys';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSealedDeviceKeys, roleKeyRefs, type DeviceKeys } from '../device/device-keys.js';
import { openJournal, type DeviceJournal } from '../journal/index.js';
import { FIXTURE_DEVICE_ID, fixtureSigner } from '../journal/journal.fixtures.js';
import { createTestKeyStore, type TestKeyStore } from '../tap/testing/cards.js';
import { FileKeyBundleSink } from './bundle-sink.js';
import { DistributionServer, keyBundleEnvelope } from './distribution.fixtures.js';
import { createSyncAgent } from './sync-agent.js';

const LIST_KEY = ed25519KeyPairFromSeed(new Uint8Array(32).fill(0x54));
const OTHER_KEY = ed25519KeyPairFromSeed(new Uint8Array(32).fill(0x55));
const SIGNER = { keyId: 'ch-lists-1', secretKey: LIST_KEY.secretKey };
const TRUSTED = [{ keyId: 'ch-lists-1', publicKey: LIST_KEY.publicKey }];
const NOW_MS = Date.parse('2026-03-01T00:00:00Z');
const DAY_MS = 86_400_000;
const ROLE: KeyBundleRole = 'bus-validator';
const UID = Uint8Array.from([0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);
const PRINCIPAL = 'bundle-sink-tests';

let keyStore: TestKeyStore;
let ours: { certificatePem: string; privateKeyPem: string };
let theirs: { certificatePem: string; privateKeyPem: string };
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  const root = createRootCa({ commonName: 'OneCard Test Root', validityDays: 3650, nowMs: NOW_MS - DAY_MS });
  const device = (deviceId: string) => {
    const csr = createDeviceCsr({ role: 'validator', deviceId, journalKeyPair: generateEd25519KeyPair() });
    return { certificatePem: issueDeviceCertificate({ issuer: root, csrPem: csr.csrPem, validityDays: 365, nowMs: NOW_MS }).certificatePem, privateKeyPem: csr.privateKeyPem };
  };
  ours = device('hn-bus-0042');
  theirs = device('hn-bus-0043');
}, 60_000);
afterAll(() => {
  keyStore.close();
});

async function sealed(input: { role?: KeyBundleRole; assetTag?: string; certificatePem?: string } = {}): Promise<Uint8Array> {
  const exported = await exportDeviceBundle({ store: keyStore.store, role: input.role ?? ROLE, deviceId: input.assetTag ?? 'hn-bus-0042', applicationAids: profileApplicationAids(), principal: PRINCIPAL, seal: (plaintext) => plaintext.slice() });
  return sealPayloadToCertificate({ certificatePem: input.certificatePem ?? ours.certificatePem, payload: exported.sealed, certificateCheck: null });
}

let dir: string;
let path: string;
let installed: { version: number; keys: DeviceKeys }[];
let discarded: number;
let crash: boolean;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onecard-bundle-sink-'));
  path = join(dir, 'key-bundle.envelope');
  installed = [];
  discarded = 0;
  crash = false;
});
afterEach(() => {
  for (const entry of installed) entry.keys.close();
  rmSync(dir, { recursive: true, force: true });
});

async function openSink(): Promise<FileKeyBundleSink<DeviceKeys>> {
  const { sink } = await FileKeyBundleSink.open<DeviceKeys>({
    path,
    deviceId: FIXTURE_DEVICE_ID,
    trustedKeys: TRUSTED,
    open: (bytes) => openSealedDeviceKeys({ sealed: bytes, privateKeyPem: ours.privateKeyPem, expectedRole: ROLE }),
    onInstalled: (entry) => installed.push(entry),
    discard: (keys) => {
      discarded += 1;
      keys.close();
    },
    hooks: { beforeRename: () => { if (crash) throw new Error('power cut'); } },
  });
  return sink;
}

const envelope = async (version: number, input: Parameters<typeof sealed>[0] = {}, deviceId = FIXTURE_DEVICE_ID): Promise<Uint8Array> => keyBundleEnvelope({ signer: SIGNER, deviceId, version, sealed: await sealed(input) });

describe('key-bundle download (FileKeyBundleSink)', () => {
  it('through the sync agent: downloads, opens, stores; 304 afterwards', async () => {
    const server = await DistributionServer.start();
    const journal: DeviceJournal = openJournal({ dir: join(dir, 'journal'), deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
    try {
      const sink = await openSink();
      const agent = createSyncAgent({ journal, deviceId: FIXTURE_DEVICE_ID, baseUrl: server.baseUrl, keyBundle: sink, requestTimeoutMs: 5_000 });
      expect((await agent.syncOnce()).ok).toBe(true); // none held yet: 404 is normal
      server.keyBundles.set(FIXTURE_DEVICE_ID, { version: 1, envelope: await envelope(1) });
      expect(await agent.syncOnce()).toMatchObject({ ok: true });
      await agent.syncOnce();
      expect(server.gets).toEqual([`/v1/devices/${FIXTURE_DEVICE_ID}/key-bundle?since=0`, `/v1/devices/${FIXTURE_DEVICE_ID}/key-bundle?since=0`, `/v1/devices/${FIXTURE_DEVICE_ID}/key-bundle?since=1`]);
      expect(installed.map((entry) => [entry.version, entry.keys.role, entry.keys.assetTag])).toEqual([[1, ROLE, 'hn-bus-0042']]);
      expect(agent.status().keyBundle).toMatchObject({ version: 1, lastErrorCode: undefined });
      // Another device's bundle endpoint is not asked for.
      expect(server.gets.every((get) => get.includes(`/${FIXTURE_DEVICE_ID}/`))).toBe(true);
    } finally {
      journal.close();
      await server.stop();
    }
  });

  it('after a rotation the new bundle derives the new active version and still the retiring one', async () => {
    const sink = await openSink();
    expect(await sink.install(await envelope(1))).toEqual({ ok: true, version: 1 });
    const ref = roleKeyRefs(ROLE)[0];
    if (ref === undefined) throw new Error('the role holds no card key');
    const before = installed[0]?.keys.keys.cardKey({ ref, uid: UID, version: 'active' });
    expect(before).toBeDefined();
    await keyStore.store.rotateMaster({ application: ref.application, keyNo: ref.keyNo, material: { source: 'generate' }, principal: PRINCIPAL });
    expect(await sink.install(await envelope(2))).toEqual({ ok: true, version: 2 });
    const rotated = installed[1]?.keys.keys;
    const active = rotated?.cardKey({ ref, uid: UID, version: 'active' });
    expect(active?.version).toBe((before?.version ?? 0) + 1);
    const retiring = rotated?.cardKey({ ref, uid: UID, version: before?.version ?? 0 });
    expect(retiring?.key).toEqual(before?.key);
  });

  it('refuses tampered, wrong-context, truncated, foreign, unopenable and older bundles, keeping the held one', async () => {
    const sink = await openSink();
    expect(await sink.install(await envelope(2))).toEqual({ ok: true, version: 2 });
    const held = readFileSync(path);
    const good = await envelope(3);
    const tampered = good.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x80;
    const sealedForUs = await sealed();
    const cases: [string, Uint8Array, string][] = [
      ['tampered signature', tampered, 'signature_invalid'],
      ['fare-feed context', keyBundleEnvelope({ signer: SIGNER, deviceId: FIXTURE_DEVICE_ID, version: 3, sealed: sealedForUs, context: 'onecard/fare-feed/v1' }), 'signature_invalid'],
      ['truncated', good.subarray(0, 50), 'envelope_malformed'],
      ['untrusted signer', keyBundleEnvelope({ signer: { keyId: 'ch-lists-1', secretKey: OTHER_KEY.secretKey }, deviceId: FIXTURE_DEVICE_ID, version: 3, sealed: sealedForUs }), 'signature_invalid'],
      ['for another device id', await envelope(3, {}, FIXTURE_DEVICE_ID + 1), 'device_mismatch'],
      ['sealed to another certificate', await envelope(3, { certificatePem: theirs.certificatePem }), 'bundle_unopenable'],
      ['exported for another asset tag', await envelope(3, { assetTag: 'hn-bus-0043' }), 'bundle_unopenable'],
      ['another role', await envelope(3, { role: 'school-gate' }), 'bundle_unopenable'],
      ['sealed bytes cut', keyBundleEnvelope({ signer: SIGNER, deviceId: FIXTURE_DEVICE_ID, version: 3, sealed: sealedForUs.subarray(0, sealedForUs.length - 20) }), 'bundle_unopenable'],
      ['older version', await envelope(1), 'version_not_newer'],
      ['same version replayed', await envelope(2), 'version_not_newer'],
    ];
    for (const [what, bytes, code] of cases) {
      expect(await sink.install(bytes), what).toEqual({ ok: false, code });
      expect(sink.version(), what).toBe(2);
      expect(readFileSync(path), what).toEqual(held);
    }
    expect(installed).toHaveLength(1);
  });

  it('a crash between write and rename keeps the old file and releases the opened keys', async () => {
    const sink = await openSink();
    expect(await sink.install(await envelope(1))).toEqual({ ok: true, version: 1 });
    const held = readFileSync(path);
    crash = true;
    expect(await sink.install(await envelope(2))).toEqual({ ok: false, code: 'store_io' });
    expect([readFileSync(path).equals(held), sink.version(), discarded]).toEqual([true, 1, 1]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const reopened = await FileKeyBundleSink.open<DeviceKeys>({ path, deviceId: FIXTURE_DEVICE_ID, trustedKeys: TRUSTED, open: (bytes) => openSealedDeviceKeys({ sealed: bytes, privateKeyPem: ours.privateKeyPem, expectedRole: ROLE }), onInstalled: () => undefined, discard: () => undefined });
    expect(reopened.stored?.version).toBe(1);
    reopened.stored?.keys.close();
  });
});
