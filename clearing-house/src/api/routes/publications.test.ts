import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDeviceCsr, decodeEnvelope, generateEd25519KeyPair, issueDeviceCertificate, openPayloadFromCertificate, sealPayloadToCertificate, verifyEnvelope } from '@onecard/keys';
import { issueTestTokens, testAppOptions, TEST_STAFF } from '../../../test/support/api.js';
import { openHarness, type Harness } from '../../../test/support/harness.js';
import { RecordingPaymentGateway } from '../../../test/support/payment-gateway.js';
import { createTestPki, DAY_MS, insertDevicesDirect, NOW_MS, type TestPki } from '../../../test/support/seed.js';
import { devices } from '../../db/schema/devices.js';
import { registerDevice } from '../../devices/registry.js';
import { FARE_FEED_CONTEXT, FARE_FEED_FILE_NAME, FARE_FEED_UPLOAD_BYTES_MAX, fareFeedPayloadSchema, FileDistributionStore, KEY_BUNDLE_CONTEXT, KEY_BUNDLE_UPLOAD_BYTES_MAX, keyBundlePayloadSchema } from '../../distribution/index.js';
import { smallFeed } from '../../distribution/testing/small-feed.js';
import { createApp } from '../app.js';

const DEVICE_ID = 7201;
const OTHER_DEVICE_ID = 7202;
const listKeys = generateEd25519KeyPair();
const signer = { keyId: 'ch-lists-1', secretKey: listKeys.secretKey };

interface Device {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

async function registerRealDevice(h: Harness, pki: TestPki, deviceId: number): Promise<Device> {
  const journalKeyPair = generateEd25519KeyPair();
  const csr = createDeviceCsr({ role: 'validator', deviceId: String(deviceId), journalKeyPair });
  const issued = issueDeviceCertificate({ issuer: pki.root, csrPem: csr.csrPem, validityDays: 365, nowMs: NOW_MS - DAY_MS });
  const result = await registerDevice(h.database.db, { certificatePem: issued.certificatePem, journalKeyId: `device-${deviceId}`, trust: pki.trust, crl: pki.crlWith([]), nowMs: NOW_MS });
  if (!result.ok) throw new Error(result.code);
  return { certificatePem: issued.certificatePem, privateKeyPem: csr.privateKeyPem };
}

describe('publishing endpoints (app.request)', () => {
  let h: Harness;
  let directory: string;
  let store: FileDistributionStore;
  let app: ReturnType<typeof createApp>;
  let bare: ReturnType<typeof createApp>;
  let device: Device;
  let otherDevice: Device;
  let tokens: Record<'admin' | 'operator' | 'school', string>;

  beforeAll(async () => {
    h = await openHarness('pglite', { cardCount: 1 });
    const pki = createTestPki();
    directory = await mkdtemp(join(tmpdir(), 'onecard-publications-'));
    store = await FileDistributionStore.open({ directory, signer, nowMs: () => NOW_MS });
    const common = testAppOptions(h, pki);
    app = createApp({ ...common, distribution: store });
    bare = createApp(common);
    tokens = await issueTestTokens(h.database.db, { admin: TEST_STAFF.admin, operator: TEST_STAFF.operator, school: TEST_STAFF.school });
    device = await registerRealDevice(h, pki, DEVICE_ID);
    otherDevice = await registerRealDevice(h, pki, OTHER_DEVICE_ID);
  }, 60_000);
  afterAll(async () => {
    await h.close();
    await rm(directory, { recursive: true, force: true });
  });

  const post = (path: string, payload: unknown, token: string | undefined, target = app) =>
    target.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  const get = (path: string, token?: string) => app.request(path, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const publishFeed = (payload: unknown, token: string | null = tokens.admin) => post('/v1/feeds/fares', payload, token ?? undefined);
  const feedVersion = async () => (await store.currentFareFeed())?.version ?? 0;
  const bundleDownload = (deviceId: number, since: number) => app.request(`/v1/devices/${deviceId}/key-bundle?since=${since}`, { headers: { 'x-onecard-device': String(deviceId) } });
  const sealFor = (target: Device, text: string) => Buffer.from(sealPayloadToCertificate({ certificatePem: target.certificatePem, payload: new TextEncoder().encode(text), certificateCheck: null })).toString('base64');

  it('the admin publishes a feed; a validator downloads it by version (200, then 304); a replay answers the first publication', async () => {
    const response = await publishFeed({ idempotencyKey: 'feed-2026-12-04', files: smallFeed() });
    expect(response.status).toBe(201);
    const first = (await response.json()) as { publication: { version: number; envelopeSha256: string; byOrganisationId: string }; created: boolean };
    expect(first).toMatchObject({ created: true, publication: { version: 1, byOrganisationId: 'clearing' } });
    const download = await app.request('/v1/feeds/fares?since=0');
    expect(download.status).toBe(200);
    expect(download.headers.get('x-onecard-version')).toBe('1');
    const envelope = decodeEnvelope(new Uint8Array(await download.arrayBuffer()));
    expect(verifyEnvelope({ envelope, context: FARE_FEED_CONTEXT, publicKey: listKeys.publicKey })).toBe(true);
    const payload = fareFeedPayloadSchema.parse(JSON.parse(new TextDecoder().decode(envelope.payload)));
    expect(Object.fromEntries(payload.files.map((file) => [file.name, file.text]))).toEqual(smallFeed());
    expect((await app.request('/v1/feeds/fares?since=1')).status).toBe(304);

    const replay = await publishFeed({ idempotencyKey: 'feed-2026-12-04', files: smallFeed() });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ ...first, created: false });
    const reused = await publishFeed({ idempotencyKey: 'feed-2026-12-04', files: { ...smallFeed(), 'stops.txt': 'stop_id\ns1\n' } });
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ error: { code: 'request_invalid', detail: 'idempotency_key_reused' } });
    expect(await feedVersion()).toBe(1);

    expect((await publishFeed({ idempotencyKey: 'feed-2026-12-05', files: { ...smallFeed(), 'stops.txt': 'stop_id\ns1\n' } })).status).toBe(201);
    const newer = await app.request('/v1/feeds/fares?since=1');
    expect(newer.status).toBe(200);
    expect(newer.headers.get('x-onecard-version')).toBe('2');
  });

  it('only the clearing admin publishes and reads the history; nothing is published for the others', async () => {
    const before = await feedVersion();
    expect((await publishFeed({ idempotencyKey: 'feed-by-operator', files: smallFeed() }, tokens.operator)).status).toBe(403);
    expect((await publishFeed({ idempotencyKey: 'feed-by-school', files: smallFeed() }, tokens.school)).status).toBe(403);
    expect(await (await publishFeed({ idempotencyKey: 'feed-anonymous', files: smallFeed() }, null)).json()).toMatchObject({ error: { code: 'token_missing' } });
    expect((await publishFeed({ idempotencyKey: 'feed-bad-token', files: smallFeed() }, 'och_not-a-token')).status).toBe(401);
    expect((await get('/v1/feeds/fares/publications', tokens.operator)).status).toBe(403);
    expect((await get(`/v1/devices/${DEVICE_ID}/key-bundle/publications`, tokens.school)).status).toBe(403);
    expect((await post(`/v1/devices/${DEVICE_ID}/key-bundle`, { idempotencyKey: 'bundle-by-operator', sealedBase64: sealFor(device, 'x') }, tokens.operator)).status).toBe(403);
    expect(await feedVersion()).toBe(before);
    expect(await store.currentKeyBundle(DEVICE_ID)).toBeUndefined();
  });

  it('malformed, hostile and truncated bodies are 400 with stable codes, and nothing is published', async () => {
    const before = await feedVersion();
    const cases: [unknown, string | undefined][] = [
      ['{"idempotencyKey": "feed-trunc-1", "files": {"routes.txt": "route_id\\n', 'body_not_json'],
      ['', 'body_not_json'],
      ['null', undefined],
      [[], undefined],
      [{ files: smallFeed() }, undefined],
      [{ idempotencyKey: 'feed-extra-1', files: smallFeed(), extra: true }, undefined],
      [{ idempotencyKey: 'feed-name-1', files: { ...smallFeed(), '../../etc/passwd': 'x' } }, undefined],
      [`{"idempotencyKey":"feed-name-2","files":{"__proto__":{"routes.txt":"route_id\\n1\\n"},"routes.txt":"route_id\\n1\\n"}}`, undefined],
      [`{"idempotencyKey":"feed-name-3","files":{"constructor":"x"}}`, undefined],
      [{ idempotencyKey: 'feed-text-1', files: { ...smallFeed(), 'routes.txt': 42 } }, undefined],
      [{ idempotencyKey: 'short', files: smallFeed() }, undefined],
      [{ idempotencyKey: 'feed-missing-1', files: { 'routes.txt': 'route_id\n1\n' } }, 'feed_file_missing'],
      [{ idempotencyKey: 'feed-unknown-1', files: { ...smallFeed(), 'trips.txt': 'trip_id\n1\n' } }, 'feed_file_unknown'],
      [{ idempotencyKey: 'feed-csv-1', files: { ...smallFeed(), 'routes.txt': 'route_id,route_type\n32,3,9\n' } }, 'feed_csv_malformed'],
      [{ idempotencyKey: 'feed-column-1', files: { ...smallFeed(), 'fare_products.txt': 'fare_product_id,amount\nflat,7000\n' } }, 'feed_column_missing'],
    ];
    for (const [body, detail] of cases) {
      const response = await publishFeed(body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const answer = (await response.json()) as { error: { code: string; detail?: string; message: string } };
      expect(answer.error.code).toBe('request_invalid');
      if (detail !== undefined) expect(answer.error.detail).toBe(detail);
    }
    const untyped = await app.request('/v1/feeds/fares', { method: 'POST', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'text/plain' }, body: JSON.stringify({ idempotencyKey: 'feed-untyped-1', files: smallFeed() }) });
    expect(untyped.status).toBe(415);
    expect(await untyped.json()).toMatchObject({ error: { code: 'request_invalid', detail: 'content_type_not_json' } });
    const csv = (await (await publishFeed({ idempotencyKey: 'feed-csv-2', files: { ...smallFeed(), 'routes.txt': 'route_id,route_type\n32,3,secret-looking\n' } })).json()) as { error: { message: string } };
    expect(csv.error.message).toContain('routes.txt line 2');
    expect(csv.error.message).not.toContain('secret-looking');
    expect(await feedVersion()).toBe(before);
  });

  it('oversized uploads are refused while they stream (413), without publishing', async () => {
    const before = await feedVersion();
    const huge = await publishFeed(`{"idempotencyKey":"feed-huge-1","files":{"stops.txt":"${'s'.repeat(FARE_FEED_UPLOAD_BYTES_MAX)}"}}`);
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'request_invalid', detail: 'body_too_large' } });
    const bundle = await post(`/v1/devices/${DEVICE_ID}/key-bundle`, `{"idempotencyKey":"bundle-huge-1","sealedBase64":"${'A'.repeat(KEY_BUNDLE_UPLOAD_BYTES_MAX)}"}`, tokens.admin);
    expect(bundle.status).toBe(413);
    expect(await feedVersion()).toBe(before);
    expect(await store.currentKeyBundle(DEVICE_ID)).toBeUndefined();
  });

  it('the history lists publications newest first, pages, and validates its query', async () => {
    const all = (await (await get('/v1/feeds/fares/publications', tokens.admin)).json()) as { publications: { version: number }[] };
    expect(all.publications.map((p) => p.version)).toEqual([2, 1]);
    const page = (await (await get('/v1/feeds/fares/publications?limit=1&beforeVersion=2', tokens.admin)).json()) as { publications: { version: number }[] };
    expect(page.publications.map((p) => p.version)).toEqual([1]);
    expect((await get('/v1/feeds/fares/publications?limit=0', tokens.admin)).status).toBe(400);
    expect((await get('/v1/feeds/fares/publications?limit=1000', tokens.admin)).status).toBe(400);
    expect((await get('/v1/feeds/fares/publications?beforeVersion=abc', tokens.admin)).status).toBe(400);
  });

  it("publishes a device's sealed bundle, which only that device opens; rotation is the next version; nothing is logged", async () => {
    const logged = [vi.spyOn(console, 'log'), vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'info')];
    try {
      const response = await post(`/v1/devices/${DEVICE_ID}/key-bundle`, { idempotencyKey: 'bundle-7201-a', sealedBase64: sealFor(device, 'KEYS-V1') }, tokens.admin);
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ created: true, publication: { kind: 'key-bundle', deviceId: DEVICE_ID, version: 1 } });
      const download = await bundleDownload(DEVICE_ID, 0);
      expect(download.status).toBe(200);
      const envelope = decodeEnvelope(new Uint8Array(await download.arrayBuffer()));
      expect(verifyEnvelope({ envelope, context: KEY_BUNDLE_CONTEXT, publicKey: listKeys.publicKey })).toBe(true);
      const payload = keyBundlePayloadSchema.parse(JSON.parse(new TextDecoder().decode(envelope.payload)));
      const opened = openPayloadFromCertificate({ privateKeyPem: device.privateKeyPem, sealed: new Uint8Array(Buffer.from(payload.sealedBase64, 'base64')) });
      expect(new TextDecoder().decode(opened.payload)).toBe('KEYS-V1');
      expect(() => openPayloadFromCertificate({ privateKeyPem: otherDevice.privateKeyPem, sealed: new Uint8Array(Buffer.from(payload.sealedBase64, 'base64')) })).toThrow();
      expect((await bundleDownload(DEVICE_ID, 1)).status).toBe(304);

      expect((await post(`/v1/devices/${DEVICE_ID}/key-bundle`, { idempotencyKey: 'bundle-7201-a', sealedBase64: sealFor(device, 'KEYS-V1') }, tokens.admin)).status).toBe(409);
      expect((await post(`/v1/devices/${DEVICE_ID}/key-bundle`, { idempotencyKey: 'bundle-7201-b', sealedBase64: sealFor(device, 'KEYS-V2') }, tokens.admin)).status).toBe(201);
      const rotated = await bundleDownload(DEVICE_ID, 1);
      expect(rotated.headers.get('x-onecard-version')).toBe('2');
      const history = (await (await get(`/v1/devices/${DEVICE_ID}/key-bundle/publications`, tokens.admin)).json()) as { publications: { version: number; certificateSerialHex: string }[] };
      expect(history.publications.map((p) => p.version)).toEqual([2, 1]);
      for (const spy of logged) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of logged) spy.mockRestore();
    }
  });

  it('refuses bundles for unknown devices, sealed to another device, or not sealed at all', async () => {
    const bundleTo = (deviceId: number, sealedBase64: string, idempotencyKey: string) => post(`/v1/devices/${deviceId}/key-bundle`, { idempotencyKey, sealedBase64 }, tokens.admin);
    const unknown = await bundleTo(424242, sealFor(device, 'x'), 'bundle-unknown-1');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'device_unknown' } });
    const crossed = await bundleTo(OTHER_DEVICE_ID, sealFor(device, 'x'), 'bundle-crossed-1');
    expect(crossed.status).toBe(409);
    expect(await crossed.json()).toMatchObject({ error: { detail: 'sealed_to_another_device' } });
    expect(await (await bundleTo(OTHER_DEVICE_ID, Buffer.from('plain key bytes').toString('base64'), 'bundle-plain-1')).json()).toMatchObject({ error: { detail: 'sealed_bundle_invalid' } });
    expect((await bundleTo(OTHER_DEVICE_ID, 'not base64!', 'bundle-b64-1')).status).toBe(400);
    expect(await store.currentKeyBundle(OTHER_DEVICE_ID)).toBeUndefined();
  });

  it('the OpenAPI document describes the publishing and card endpoints', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1/feeds/fares'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/v1/devices/{deviceId}/key-bundle'] ?? {}).sort()).toEqual(['get', 'post']);
    for (const path of ['/v1/feeds/fares/publications', '/v1/devices/{deviceId}/key-bundle/publications', '/v1/cards/block', '/v1/cards/unblock']) expect(doc.paths[path], path).toBeDefined();
  });

  it('refuses bundles for revoked devices and stops publishing on a corrupt stored document (500, nothing replaced)', async () => {
    await insertDevicesDirect(h.database.db, [{ deviceId: 7203, keyId: 'device-7203', keyPair: generateEd25519KeyPair() }]);
    await h.database.db.update(devices).set({ status: 'revoked' }).where(eq(devices.deviceId, 7203));
    const revoked = await post('/v1/devices/7203/key-bundle', { idempotencyKey: 'bundle-revoked-1', sealedBase64: sealFor(device, 'x') }, tokens.admin);
    expect(revoked.status).toBe(409);
    expect(await revoked.json()).toMatchObject({ error: { code: 'device_revoked' } });

    const corruptDirectory = await mkdtemp(join(tmpdir(), 'onecard-publications-corrupt-'));
    try {
      const corruptStore = await FileDistributionStore.open({ directory: corruptDirectory, signer, nowMs: () => NOW_MS });
      await writeFile(join(corruptDirectory, FARE_FEED_FILE_NAME), 'not an envelope');
      const corruptApp = createApp({ database: h.database, verifier: h.context.verifier, trust: createTestPki().trust, crl: () => createTestPki().crlWith([]), gateway: new RecordingPaymentGateway(), nowMs: () => NOW_MS, distribution: corruptStore });
      const errors = vi.spyOn(console, 'error');
      const response = await post('/v1/feeds/fares', { idempotencyKey: 'feed-corrupt-1', files: smallFeed() }, tokens.admin, corruptApp);
      // A typed refusal, not an unhandled error.
      expect(errors).not.toHaveBeenCalled();
      errors.mockRestore();
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: { code: 'internal' } });
      expect(await readFile(join(corruptDirectory, FARE_FEED_FILE_NAME), 'utf8')).toBe('not an envelope');
    } finally {
      await rm(corruptDirectory, { recursive: true, force: true });
    }
  });

  it('without a distribution store the publishing endpoints answer 404', async () => {
    const response = await post('/v1/feeds/fares', { idempotencyKey: 'feed-bare-1', files: smallFeed() }, tokens.admin, bare);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
