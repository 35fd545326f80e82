import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, generateEd25519KeyPair, verifyEnvelope } from '@onecard/keys';
import { openHarness, type Harness } from '../../../test/support/harness.js';
import { RecordingPaymentGateway } from '../../../test/support/payment-gateway.js';
import { createTestPki, insertDevicesDirect, NOW_MS } from '../../../test/support/seed.js';
import { FARE_FEED_CONTEXT, FileDistributionStore, KEY_BUNDLE_CONTEXT, fareFeedPayloadSchema, keyBundlePayloadSchema, SEALED_BUNDLE_BYTES_MAX } from '../../distribution/index.js';
import { createApp } from '../app.js';

const DEVICE_ID = 7101;
const OTHER_DEVICE_ID = 7102;
const listKeys = generateEd25519KeyPair();
const signer = { keyId: 'ch-lists-1', secretKey: listKeys.secretKey };
const FEED_V1 = [
  { name: 'routes.txt', text: 'route_id,route_type\n32,3\n' },
  { name: 'agency.txt', text: 'agency_id,agency_timezone\nhb,Asia/Ho_Chi_Minh\n' },
];
const SEALED = new TextEncoder().encode('{"format":"sealed-bytes-as-keys-seals-them"}');

function payloadOf(bytes: Uint8Array, context: string): unknown {
  const envelope = decodeEnvelope(bytes);
  expect(verifyEnvelope({ envelope, context, publicKey: listKeys.publicKey })).toBe(true);
  return JSON.parse(new TextDecoder().decode(envelope.payload));
}

describe('distribution endpoints (app.request)', () => {
  let h: Harness;
  let directory: string;
  let store: FileDistributionStore;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    h = await openHarness('pglite', { cardCount: 1 });
    const keyPair = generateEd25519KeyPair();
    await insertDevicesDirect(h.database.db, [{ deviceId: DEVICE_ID, keyId: 'device-7101', keyPair }, { deviceId: OTHER_DEVICE_ID, keyId: 'device-7102', keyPair }]);
    directory = await mkdtemp(join(tmpdir(), 'onecard-distribution-'));
    store = await FileDistributionStore.open({ directory, signer, nowMs: () => NOW_MS });
    const pki = createTestPki();
    app = createApp({ database: h.database, verifier: h.context.verifier, trust: pki.trust, crl: () => pki.crlWith([]), gateway: new RecordingPaymentGateway(), nowMs: () => NOW_MS, distribution: store });
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await rm(directory, { recursive: true, force: true });
  });

  const bundle = (deviceId: number, since: number, header = String(deviceId)) => app.request(`/v1/devices/${deviceId}/key-bundle?since=${since}`, { headers: { 'x-onecard-device': header } });

  it('fare feed: 404 before publishing, then the signed canonical bundle, 304 when current', async () => {
    expect((await app.request('/v1/feeds/fares?since=0')).status).toBe(404);
    expect(await store.publishFareFeed(FEED_V1)).toEqual({ ok: true, version: 1 });
    let response = await app.request('/v1/feeds/fares?since=0');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const payload = fareFeedPayloadSchema.parse(payloadOf(new Uint8Array(await response.arrayBuffer()), FARE_FEED_CONTEXT));
    expect(payload.version).toBe(1);
    expect(payload.files.map((file) => file.name)).toEqual(['agency.txt', 'routes.txt']);
    expect((await app.request('/v1/feeds/fares?since=1')).status).toBe(304);
    expect(await store.publishFareFeed([...FEED_V1, { name: 'stops.txt', text: 'stop_id\ns1\n' }])).toEqual({ ok: true, version: 2 });
    response = await app.request('/v1/feeds/fares?since=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-onecard-version')).toBe('2');
    expect((await app.request('/v1/feeds/fares?since=-1')).status).toBe(400);
    expect((await app.request('/v1/feeds/fares?since=abc')).status).toBe(400);
  });

  it('a fare-feed signature does not verify as a key bundle or a deny list', async () => {
    const bytes = new Uint8Array(await (await app.request('/v1/feeds/fares?since=0')).arrayBuffer());
    const envelope = decodeEnvelope(bytes);
    expect(verifyEnvelope({ envelope, context: KEY_BUNDLE_CONTEXT, publicKey: listKeys.publicKey })).toBe(false);
    expect(verifyEnvelope({ envelope, context: 'onecard/deny-list/v1', publicKey: listKeys.publicKey })).toBe(false);
  });

  it('key bundle: device checks, 404 when none is held, the sealed bytes untouched, 304 when current', async () => {
    expect((await bundle(DEVICE_ID, 0, '9999')).status).toBe(400);
    expect((await bundle(424242, 0)).status).toBe(401);
    expect((await bundle(DEVICE_ID, 0)).status).toBe(404);
    expect(await store.putKeyBundle({ deviceId: DEVICE_ID, sealed: SEALED })).toEqual({ ok: true, version: 1 });
    const response = await bundle(DEVICE_ID, 0);
    expect(response.status).toBe(200);
    const payload = keyBundlePayloadSchema.parse(payloadOf(new Uint8Array(await response.arrayBuffer()), KEY_BUNDLE_CONTEXT));
    expect(payload).toMatchObject({ deviceId: DEVICE_ID, version: 1 });
    expect(Buffer.from(payload.sealedBase64, 'base64')).toEqual(Buffer.from(SEALED));
    expect((await bundle(DEVICE_ID, 1)).status).toBe(304);
    expect((await bundle(OTHER_DEVICE_ID, 0)).status).toBe(404);
    expect(await store.putKeyBundle({ deviceId: DEVICE_ID, sealed: new Uint8Array(SEALED_BUNDLE_BYTES_MAX + 1) })).toEqual({ ok: false, code: 'sealed_bundle_invalid' });
    expect(await store.putKeyBundle({ deviceId: DEVICE_ID, sealed: new Uint8Array(0) })).toEqual({ ok: false, code: 'sealed_bundle_invalid' });
  });

  it('a crash between write and rename keeps the published version and leaves no temporary file', async () => {
    const before = await store.currentFareFeed();
    await expect(store.publishFareFeed([{ name: 'agency.txt', text: 'x\n' }], { beforeRename: () => { throw new Error('power cut'); } })).rejects.toThrow('power cut');
    expect((await store.currentFareFeed())?.version).toBe(before?.version);
    expect(Buffer.from((await store.currentFareFeed())?.envelope ?? [])).toEqual(Buffer.from(before?.envelope ?? []));
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // The next publish still takes the next version.
    expect(await store.publishFareFeed(FEED_V1)).toEqual({ ok: true, version: (before?.version ?? 0) + 1 });
  });

  it('concurrent publishes take distinct, consecutive versions', async () => {
    const start = (await store.currentFareFeed())?.version ?? 0;
    const results = await Promise.all([store.publishFareFeed(FEED_V1), store.publishFareFeed(FEED_V1), store.publishFareFeed(FEED_V1)]);
    expect(results.map((result) => (result.ok ? result.version : 0)).sort()).toEqual([start + 1, start + 2, start + 3]);
  });

  it('refuses feed file names outside GTFS and duplicate names', async () => {
    const before = (await store.currentFareFeed())?.version;
    expect(await store.publishFareFeed([{ name: '../etc/passwd', text: '' }])).toEqual({ ok: false, code: 'feed_invalid' });
    expect(await store.publishFareFeed([{ name: 'a.txt', text: '' }, { name: 'a.txt', text: '' }])).toEqual({ ok: false, code: 'feed_invalid' });
    expect(await store.publishFareFeed([])).toEqual({ ok: false, code: 'feed_invalid' });
    expect((await store.currentFareFeed())?.version).toBe(before);
  });
});
