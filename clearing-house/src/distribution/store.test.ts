import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEnvelope, generateEd25519KeyPair, verifyEnvelope } from '@onecard/keys';
import { FARE_FEED_CONTEXT, KEY_BUNDLE_CONTEXT } from './limits.js';
import { FARE_FEED_FILE_NAME, FileDistributionStore } from './store.js';

const keys = generateEd25519KeyPair();
const signer = { keyId: 'ch-lists-1', secretKey: keys.secretKey };
const FILES = [{ name: 'routes.txt', text: 'route_id\n01\n' }];

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'onecard-distribution-store-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('FileDistributionStore', () => {
  it('keeps versions across a reopen, per document and per device', async () => {
    const store = await FileDistributionStore.open({ directory, signer });
    await store.publishFareFeed(FILES);
    await store.publishFareFeed(FILES);
    await store.putKeyBundle({ deviceId: 1, sealed: Uint8Array.of(1) });
    const reopened = await FileDistributionStore.open({ directory, signer });
    expect(await reopened.publishFareFeed(FILES)).toEqual({ ok: true, version: 3 });
    expect(await reopened.putKeyBundle({ deviceId: 1, sealed: Uint8Array.of(2) })).toEqual({ ok: true, version: 2 });
    expect(await reopened.putKeyBundle({ deviceId: 2, sealed: Uint8Array.of(3) })).toEqual({ ok: true, version: 1 });
    const bundle = await reopened.currentKeyBundle(1);
    expect(verifyEnvelope({ envelope: decodeEnvelope(bundle?.envelope ?? new Uint8Array(0)), context: KEY_BUNDLE_CONTEXT, publicKey: keys.publicKey })).toBe(true);
    const feed = await reopened.currentFareFeed();
    expect(verifyEnvelope({ envelope: decodeEnvelope(feed?.envelope ?? new Uint8Array(0)), context: FARE_FEED_CONTEXT, publicKey: keys.publicKey })).toBe(true);
  });

  it('a stored file that is not its envelope stops publishing instead of restarting at version 1', async () => {
    const store = await FileDistributionStore.open({ directory, signer });
    await store.publishFareFeed(FILES);
    await writeFile(join(directory, FARE_FEED_FILE_NAME), 'not an envelope');
    expect(await store.publishFareFeed(FILES)).toEqual({ ok: false, code: 'stored_file_corrupt' });
    await expect(store.currentFareFeed()).rejects.toThrow();
  });

  it('refuses a device id that is not a positive integer', async () => {
    const store = await FileDistributionStore.open({ directory, signer });
    await expect(store.currentKeyBundle(0)).rejects.toThrow(RangeError);
    await expect(store.putKeyBundle({ deviceId: 1.5, sealed: Uint8Array.of(1) })).rejects.toThrow(RangeError);
  });
});
