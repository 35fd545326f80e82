import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeEnvelope, generateEd25519KeyPair, signEnvelope } from '@onecard/keys';
import { FARE_FEED_CONTEXT } from '../distribution/limits.js';
import { encodeFareFeedPayload } from '../distribution/payloads.js';
import { FARE_FEED_FILE_NAME, FileDistributionStore } from '../distribution/store.js';
import { publishedFares, settlementFaresFromStore, usableFareTable } from './feed-source.js';
import { hanoiFeedFiles } from './hanoi-feed.fixtures.js';

const keys = generateEd25519KeyPair();
const signer = { keyId: 'ch-lists-1', secretKey: keys.secretKey };

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'onecard-settlement-feed-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('publishedFares', () => {
  it('reads the fare table of the feed the store distributes now, with its version', async () => {
    const store = await FileDistributionStore.open({ directory, signer });
    expect(await publishedFares(store)).toEqual({ status: 'none' });
    expect(usableFareTable({ status: 'none' })).toBeUndefined();
    await store.publishFareFeed(hanoiFeedFiles());
    await store.publishFareFeed(hanoiFeedFiles());
    const fares = await publishedFares(store);
    expect(fares.status).toBe('published');
    const table = usableFareTable(fares);
    expect(table?.feedVersion).toBe(2);
    expect(table?.legProductByRoute.get('32')).toBe('single_10k');
    const provider = settlementFaresFromStore(store);
    const first = await provider();
    expect(first?.feedVersion).toBe(2);
    expect(await provider()).toBe(first);
    await store.publishFareFeed(hanoiFeedFiles());
    expect((await provider())?.feedVersion).toBe(3);
    await writeFile(join(directory, FARE_FEED_FILE_NAME), 'not an envelope');
    expect(await provider()).toBeUndefined();
  });

  it('says why a published feed cannot be used, instead of throwing', async () => {
    const envelopeOf = (payload: Uint8Array | undefined) => encodeEnvelope(signEnvelope({ context: FARE_FEED_CONTEXT, keyId: 'ch-lists-1', payload: payload ?? new Uint8Array(0), secretKey: keys.secretKey }));
    const routesOnly = envelopeOf(encodeFareFeedPayload({ version: 4, publishedUtc: '2026-12-04T00:00:00.000Z', files: [{ name: 'routes.txt', text: 'route_id\n01\n' }] }));
    expect(await publishedFares({ currentFareFeed: () => Promise.resolve({ version: 4, envelope: routesOnly }) })).toEqual({ status: 'unreadable', code: 'file_missing', file: 'rider_categories.txt' });
    const store = await FileDistributionStore.open({ directory, signer });
    await store.publishFareFeed(hanoiFeedFiles());
    await writeFile(join(directory, FARE_FEED_FILE_NAME), 'not an envelope');
    expect(await publishedFares(store)).toEqual({ status: 'unreadable', code: 'payload_invalid', file: null });
    const notAFeed = envelopeOf(new TextEncoder().encode('{"format":"something-else"}'));
    expect(await publishedFares({ currentFareFeed: () => Promise.resolve({ version: 1, envelope: notAFeed }) })).toEqual({ status: 'unreadable', code: 'payload_invalid', file: null });
    expect(usableFareTable({ status: 'unreadable', code: 'payload_invalid', file: null })).toBeUndefined();
  });
});
