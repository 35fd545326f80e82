/**
 * A running bus validator takes a downloaded fare feed between taps: the
 * sync round stores and stages it, the next tap is priced by it, a bad feed
 * is refused with the old one still pricing, and after a restart the stored
 * feed (not the configured folder) is in force.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hanoiFiles } from '../fares/test-feeds.fixtures.js';
import type { FareDecision, FareEngine } from '../ports.js';
import { DistributionServer, fareFeedEnvelope } from '../sync/distribution.fixtures.js';
import type { FetchFunction } from '../sync/index.js';
import { createTestKeyStore, issueCard, type TestCard, type TestKeyStore } from '../tap/testing/cards.js';
import { adultRider, cardUid } from '../tap/testing/holders.js';
import { readDeviceConfig } from './config-file.js';
import { openValidatorDevice } from './open-device.js';
import { TEST_LIST_SIGNER, TestClearingHouse, writeDeviceFiles } from './testing/device-files.js';
import { SwitchingFareEngine } from './update-fares.js';

const DEVICE_ID = 5160;
const ROUTE_01_FARE_VND = 12_000;
const ROUTE_01_NEW_FARE_VND = 13_000;
const T0 = new Date('2025-09-03T01:00:00Z');
const BUS_MODE = { kind: 'bus', routeId: '01', fareFeedDir: new URL('../../feeds/hanoi/', import.meta.url).pathname };

function feedWithAdultFare(amountVnd: number): Map<string, string> {
  const files = hanoiFiles();
  const products = files.get('fare_products.txt') ?? '';
  files.set('fare_products.txt', products.replace('adult,onecard,12000,VND', `adult,onecard,${amountVnd},VND`));
  return files;
}

let keyStore: TestKeyStore;
let house: TestClearingHouse;
let distribution: DistributionServer;
let dir: string;
const cards: TestCard[] = [];
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  house = await TestClearingHouse.start({ deviceId: DEVICE_ID });
  distribution = await DistributionServer.start();
  dir = mkdtempSync(join(tmpdir(), 'onecard-update-fares-'));
  for (let index = 0; index < 4; index += 1) cards.push(await issueCard({ issuer: keyStore.issuer, holder: adultRider(6001 + index, { balanceVnd: 50_000 }), uid: cardUid(6001 + index) }));
});
afterAll(async () => {
  await distribution.stop();
  await house.stop();
  keyStore.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Both are real HTTP servers: feeds from the distribution fixture, batches and lists from the test clearing house. */
const routed: FetchFunction = (url, init) => fetch(url.startsWith(`${house.baseUrl}/v1/feeds/`) ? url.replace(house.baseUrl, distribution.baseUrl) : url, init);
const tapOf = (card: TestCard | undefined) => {
  if (card === undefined) throw new Error('no such test card');
  return { channel: card.tap(), uid: card.uid };
};

describe('fare-feed updates on a running device', () => {
  it('switches to a downloaded feed between taps, refuses a bad one, and keeps the stored feed across a restart', async () => {
    const configPath = await writeDeviceFiles({ dir, store: keyStore.store, role: 'bus-validator', mode: BUS_MODE, deviceId: DEVICE_ID, overrides: { clearingHouse: { baseUrl: house.baseUrl } } });
    const read = await readDeviceConfig(configPath);
    if (!read.ok) throw new Error(read.problems.join('; '));
    const open = () => openValidatorDevice(read.config, { clock: () => T0, sync: 'manual', fetch: routed });
    let device = await open();
    try {
      expect(await device.tap(tapOf(cards[0]))).toMatchObject({ accepted: true, amountVnd: ROUTE_01_FARE_VND });
      distribution.fareFeed = { version: 1, envelope: fareFeedEnvelope({ signer: TEST_LIST_SIGNER, version: 1, files: feedWithAdultFare(ROUTE_01_NEW_FARE_VND) }) };
      expect(await device.syncOnce()).toMatchObject({ ok: true });
      expect(await device.tap(tapOf(cards[1]))).toMatchObject({ accepted: true, amountVnd: ROUTE_01_NEW_FARE_VND });

      const broken = feedWithAdultFare(ROUTE_01_NEW_FARE_VND);
      broken.delete('fare_products.txt');
      distribution.fareFeed = { version: 2, envelope: fareFeedEnvelope({ signer: TEST_LIST_SIGNER, version: 2, files: broken }) };
      expect(await device.syncOnce()).toMatchObject({ ok: false, errorCode: 'feed_rejected' });
      expect(await device.tap(tapOf(cards[2]))).toMatchObject({ accepted: true, amountVnd: ROUTE_01_NEW_FARE_VND });
    } finally {
      await device.close();
    }
    device = await open();
    try {
      expect(await device.tap(tapOf(cards[3]))).toMatchObject({ accepted: true, amountVnd: ROUTE_01_NEW_FARE_VND });
    } finally {
      await device.close();
    }
  }, 60_000);
});

describe('SwitchingFareEngine', () => {
  const engineAnswering = (decision: FareDecision): FareEngine => ({ decideBusTap: () => decision });
  const refused = (reason: string): FareDecision => ({ kind: 'refuse', reason }) as unknown as FareDecision;
  const args = [{}, {}] as unknown as Parameters<FareEngine['decideBusTap']>;

  it('keeps the current engine until applyStaged, then the latest staged one', () => {
    const first = refused('first');
    const engine = new SwitchingFareEngine({ engine: engineAnswering(first), version: 0 });
    engine.stage({ version: 1, engine: engineAnswering(refused('second')) });
    engine.stage({ version: 2, engine: engineAnswering(refused('third')) });
    expect(engine.decideBusTap(...args)).toBe(first);
    expect(engine.version).toBe(0);
    expect(engine.applyStaged()).toBe(true);
    expect(engine.decideBusTap(...args)).toEqual(refused('third'));
    expect(engine.version).toBe(2);
    expect(engine.applyStaged()).toBe(false);
  });
});
