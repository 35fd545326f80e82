import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEnvelope, generateEd25519KeyPair, verifyEnvelope } from '@onecard/keys';
import { FARE_FEED_CONTEXT, PUBLICATION_PAGE_COUNT_MAX } from './limits.js';
import { fareFeedPayloadSchema } from './payloads.js';
import { FileDistributionStore } from './store.js';
import { smallFeed } from './testing/small-feed.js';

const keys = generateEd25519KeyPair();
const signer = { keyId: 'ch-lists-1', secretKey: keys.secretKey };
const NOW_MS = Date.UTC(2026, 11, 4, 12);
const BY = { userId: 'user-admin-1', organisationId: 'clearing' };
const SERIAL = '0a1b2c';
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The sealed JSON keys/ writes, with placeholder ciphertext: the clearing house checks only the header. */
function sealedFor(deviceId: string, serialHex: string, overrides: Record<string, unknown> = {}): Uint8Array {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return new TextEncoder().encode(JSON.stringify({ format: 'onecard/sealed-payload/v1', deviceId, certificateSerialHex: serialHex, wrappedKey: b64('wrapped'), iv: b64('iv-twelve-by'), ciphertext: b64('ciphertext'), tag: b64('tag-sixteen-byte'), ...overrides }));
}

let directory: string;
let store: FileDistributionStore;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'onecard-publisher-'));
  store = await FileDistributionStore.open({ directory, signer, nowMs: () => NOW_MS });
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('audited fare-feed publishing', () => {
  it('publishes the checked feed as the next version with a record of who, when, version and sha256', async () => {
    const result = await store.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'feed-2026-12-a', by: BY });
    expect(result.ok && result.created).toBe(true);
    const served = await store.currentFareFeed();
    expect(result.ok && result.record).toMatchObject({ kind: 'fare-feed', deviceId: null, version: 1, publishedUtc: '2026-12-04T12:00:00.000Z', byUserId: BY.userId, byOrganisationId: 'clearing', envelopeSha256: sha256(served?.envelope ?? new Uint8Array(0)), certificateSerialHex: null });
    expect(result.ok && result.record.fileNames).toEqual(['agency.txt', 'fare_leg_rules.txt', 'fare_products.txt', 'routes.txt']);
    const envelope = decodeEnvelope(served?.envelope ?? new Uint8Array(0));
    expect(verifyEnvelope({ envelope, context: FARE_FEED_CONTEXT, publicKey: keys.publicKey })).toBe(true);
    const payload = fareFeedPayloadSchema.parse(JSON.parse(new TextDecoder().decode(envelope.payload)));
    expect(payload.files.find((file) => file.name === 'fare_products.txt')?.text).toBe(smallFeed()['fare_products.txt']);
    // The record never holds the key itself nor feed text.
    const log = JSON.stringify(await store.publishing.publications({ kind: 'fare-feed' }, { countMax: 10 }));
    expect(log).not.toContain('feed-2026-12-a');
    expect(log).not.toContain('Flat fare');
  });

  it('a replay answers the first publication; the key with another feed is refused; one version either way', async () => {
    const first = await store.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'feed-2026-12-a', by: BY });
    const replay = await store.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'feed-2026-12-a', by: { userId: 'someone-else', organisationId: 'clearing' } });
    expect(replay).toEqual({ ok: true, record: first.ok && first.record, created: false });
    const other = await store.publishing.publishFareFeed({ files: { ...smallFeed(), 'stops.txt': 'stop_id\ns1\n' }, idempotencyKey: 'feed-2026-12-a', by: BY });
    expect(other).toEqual({ ok: false, code: 'idempotency_key_reused' });
    expect((await store.currentFareFeed())?.version).toBe(1);
  });

  it('concurrent requests with one key publish once', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => store.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'feed-concurrent', by: BY })));
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => (r.ok ? r.record.version : 0)))).toEqual(new Set([1]));
    expect((await store.currentFareFeed())?.version).toBe(1);
  });

  it('refuses a bad feed or key before anything is signed', async () => {
    expect(await store.publishing.publishFareFeed({ files: { 'routes.txt': 'route_id\n1\n' }, idempotencyKey: 'feed-bad-1', by: BY })).toEqual({ ok: false, code: 'feed_file_missing', feedError: { code: 'feed_file_missing', file: 'fare_leg_rules.txt' } });
    expect(await store.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'short', by: BY })).toEqual({ ok: false, code: 'idempotency_key_invalid' });
    expect(await store.currentFareFeed()).toBeUndefined();
    expect(await store.publishing.publications({ kind: 'fare-feed' }, { countMax: 10 })).toEqual([]);
  });

  it('a publish cut before the rename is not served nor listed; its retry publishes that version', async () => {
    await store.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'feed-v1-key', by: BY });
    await expect(store.publishFareFeed([{ name: 'routes.txt', text: 'route_id\n1\n' }], { beforePublish: () => Promise.reject(new Error('power cut')) })).rejects.toThrow('power cut');
    // A cut inside the publisher: the record of v2 is written, the rename never happens.
    const cut = await FileDistributionStore.open({ directory, signer, nowMs: () => NOW_MS });
    const original = cut.publishFareFeed.bind(cut);
    cut.publishFareFeed = (files, hooks) => original(files, { ...hooks, beforeRename: () => { throw new Error('power cut'); } });
    await expect(cut.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'feed-v2-key', by: BY })).rejects.toThrow('power cut');
    expect((await store.currentFareFeed())?.version).toBe(1);
    expect((await store.publishing.publications({ kind: 'fare-feed' }, { countMax: 10 })).map((r) => r.version)).toEqual([1]);
    const retry = await store.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'feed-v2-key', by: BY });
    expect(retry.ok && [retry.record.version, retry.created]).toEqual([2, true]);
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a publish cut after the rename, before its key was remembered, is found again by the key', async () => {
    const first = await store.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'feed-remember', by: BY });
    const pointers = await readdir(join(directory, 'publications', 'idempotency'));
    expect(pointers).toHaveLength(1);
    await unlink(join(directory, 'publications', 'idempotency', pointers[0] ?? ''));
    const reopened = await FileDistributionStore.open({ directory, signer, nowMs: () => NOW_MS });
    expect(await reopened.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: 'feed-remember', by: BY })).toEqual({ ok: true, record: first.ok && first.record, created: false });
    expect((await reopened.currentFareFeed())?.version).toBe(1);
  });

  it('pages the history newest first', async () => {
    for (let i = 0; i < 5; i += 1) await store.publishing.publishFareFeed({ files: smallFeed(), idempotencyKey: `feed-page-${i}`, by: BY });
    const page = async (beforeVersion: number | undefined, countMax: number) => (await store.publishing.publications({ kind: 'fare-feed' }, { countMax, ...(beforeVersion === undefined ? {} : { beforeVersion }) })).map((r) => r.version);
    expect(await page(undefined, 2)).toEqual([5, 4]);
    expect(await page(4, 2)).toEqual([3, 2]);
    expect(await page(2, 10)).toEqual([1]);
    expect(await page(undefined, PUBLICATION_PAGE_COUNT_MAX * 10)).toHaveLength(5);
  });
});

describe('audited key-bundle publishing', () => {
  const publish = (sealed: Uint8Array, idempotencyKey: string, deviceId = 4711) => store.publishing.publishKeyBundle({ deviceId, sealed, certificateSerialHex: SERIAL, idempotencyKey, by: BY });

  it('publishes the sealed bytes untouched, per device, with the certificate serial in the record', async () => {
    const first = await publish(sealedFor('4711', SERIAL), 'bundle-4711-a');
    expect(first.ok && first.record).toMatchObject({ kind: 'key-bundle', deviceId: 4711, version: 1, certificateSerialHex: SERIAL, fileNames: [] });
    const rotated = await publish(sealedFor('4711', SERIAL, { ciphertext: Buffer.from('rotated').toString('base64') }), 'bundle-4711-b');
    expect(rotated.ok && rotated.record.version).toBe(2);
    expect((await publish(sealedFor('4711', SERIAL), 'bundle-4711-a')).ok).toBe(true);
    expect((await store.currentKeyBundle(4711))?.version).toBe(2);
    expect((await store.publishing.publications({ kind: 'key-bundle', deviceId: 4711 }, { countMax: 10 })).map((r) => r.version)).toEqual([2, 1]);
    expect(await store.publishing.publications({ kind: 'key-bundle', deviceId: 4712 }, { countMax: 10 })).toEqual([]);
  });

  it('refuses bundles that are not sealed JSON, or sealed to another device or certificate', async () => {
    expect(await publish(new TextEncoder().encode('not json'), 'bundle-bad-1')).toEqual({ ok: false, code: 'sealed_bundle_invalid' });
    expect(await publish(new Uint8Array([0xff, 0xfe]), 'bundle-bad-2')).toEqual({ ok: false, code: 'sealed_bundle_invalid' });
    expect(await publish(sealedFor('4711', SERIAL, { extra: 'x' }), 'bundle-bad-3')).toEqual({ ok: false, code: 'sealed_bundle_invalid' });
    expect(await publish(sealedFor('4711', SERIAL, { format: 'onecard/other/v1' }), 'bundle-bad-4')).toEqual({ ok: false, code: 'sealed_bundle_invalid' });
    expect(await publish(sealedFor('4712', SERIAL), 'bundle-bad-5')).toEqual({ ok: false, code: 'sealed_to_another_device' });
    expect(await publish(sealedFor('4711', 'ffee'), 'bundle-bad-6')).toEqual({ ok: false, code: 'sealed_to_another_certificate' });
    expect(await publish(new Uint8Array(0), 'bundle-bad-7')).toEqual({ ok: false, code: 'sealed_bundle_invalid' });
    expect(await store.currentKeyBundle(4711)).toBeUndefined();
  });

  it('one key for two devices is refused for the second', async () => {
    expect((await publish(sealedFor('4711', SERIAL), 'bundle-shared-key')).ok).toBe(true);
    expect(await publish(sealedFor('4712', SERIAL), 'bundle-shared-key', 4712)).toEqual({ ok: false, code: 'idempotency_key_reused' });
    expect(await store.currentKeyBundle(4712)).toBeUndefined();
  });
});
