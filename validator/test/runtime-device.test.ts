/**
 * End to end, in-process: a device opened from its configuration file (test
 * key store bundle, Hanoi feed, SQLite journal, list stores), cards
 * personalised with the profile plan, taps through the real fare engine,
 * then sync rounds against a clearing house speaking SYNC-PROTOCOL.md:
 * every event arrives exactly once (also when an answer is lost), and the
 * signed deny list it downloads is installed, persisted and enforced.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_TAP_RESERVE_EVENT_COUNT } from '../src/journal/index.js';
import { readDeviceConfig } from '../src/runtime/config-file.js';
import type { DeviceConfig } from '../src/runtime/config-schema.js';
import { openValidatorDevice, type ValidatorDevice } from '../src/runtime/open-device.js';
import { TestClearingHouse, writeDeviceFiles } from '../src/runtime/testing/device-files.js';
import { createTestKeyStore, issueCard, type TestCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { adultRider, cardNumber, cardUid } from '../src/tap/testing/holders.js';

const DEVICE_ID = 5150;
const ROUTE_01_FARE_VND = 12_000;
const T0 = new Date('2025-09-03T01:00:00Z');
const MINUTE_MS = 60_000;
const BUS_MODE = { kind: 'bus', routeId: '01', fareFeedDir: new URL('../feeds/hanoi/', import.meta.url).pathname };

let keyStore: TestKeyStore;
let house: TestClearingHouse;
let dir: string;
let alice: TestCard;
let bob: TestCard;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  house = await TestClearingHouse.start({ deviceId: DEVICE_ID });
  dir = mkdtempSync(join(tmpdir(), 'onecard-runtime-device-'));
  alice = await issueCard({ issuer: keyStore.issuer, holder: adultRider(5001, { balanceVnd: 50_000 }), uid: cardUid(5001) });
  bob = await issueCard({ issuer: keyStore.issuer, holder: adultRider(5002, { balanceVnd: 50_000 }), uid: cardUid(5002) });
});
afterAll(async () => {
  await house.stop();
  keyStore.close();
  rmSync(dir, { recursive: true, force: true });
});

async function configAt(path: string): Promise<DeviceConfig> {
  const read = await readDeviceConfig(path);
  if (!read.ok) throw new Error(read.problems.join('; '));
  return read.config;
}

const tapOf = (card: TestCard) => ({ channel: card.tap(), uid: card.uid });

describe('a bus validator device from its configuration', () => {
  it('taps, syncs events exactly once, installs and enforces the downloaded deny list, and keeps it across a restart', async () => {
    const configPath = await writeDeviceFiles({ dir, store: keyStore.store, role: 'bus-validator', mode: BUS_MODE, deviceId: DEVICE_ID, overrides: { clearingHouse: { baseUrl: house.baseUrl } } });
    const config = await configAt(configPath);
    let now = T0;
    const device: ValidatorDevice = await openValidatorDevice(config, { clock: () => now, sync: 'manual' });
    try {
      expect(await device.tap(tapOf(alice))).toMatchObject({ accepted: true, kind: 'fare', amountVnd: ROUTE_01_FARE_VND, balanceVnd: 50_000 - ROUTE_01_FARE_VND });
      expect(await device.tap(tapOf(bob))).toMatchObject({ accepted: true, kind: 'fare', amountVnd: ROUTE_01_FARE_VND });
      expect(device.status().journal).toMatchObject({ state: 'ok', lastSeq: 2, unacknowledgedEventCount: 2 });

      // The clearing house has denied Bob's card (lost) since; the first answer to the upload is lost after it was applied.
      house.denyVersions.push([{ cardNumber: cardNumber(5002), reason: 'lost' }]);
      house.batches.faults.push('apply_then_500');
      const failed = await device.syncOnce();
      expect(failed).toMatchObject({ ok: false, errorCode: 'server_error' });
      expect(device.status().journal.pendingBatchCount).toBe(1);
      const round = await device.syncOnce();
      expect(round).toMatchObject({ ok: true, acknowledgedBatchSeqs: [1] });
      expect(house.batches.posts.map((p) => p.status)).toEqual([500, 200]);
      expect([...house.batches.eventApplyCount.values()]).toEqual([1, 1]);
      expect(house.batches.events.map((e) => [e.seq, e.kind, e.amountVnd])).toEqual([[1, 'fare', ROUTE_01_FARE_VND], [2, 'fare', ROUTE_01_FARE_VND]]);
      expect(device.status()).toMatchObject({ journal: { pendingBatchCount: 0, unacknowledgedEventCount: 0 }, lists: { deny: { version: 1, entryCount: 1 } }, sync: { lastErrorCode: 'server_error', consecutiveFailureCount: 0 } });

      now = new Date(T0.getTime() + 30 * MINUTE_MS);
      expect(await device.tap(tapOf(bob))).toMatchObject({ accepted: false, reason: 'deny_listed', amountVnd: 0 });
      expect(await device.tap(tapOf(alice))).toMatchObject({ accepted: true, kind: 'fare', balanceVnd: 50_000 - 2 * ROUTE_01_FARE_VND });
      // A deny list delta: Bob off, nothing else; the device asks since=1.
      house.denyVersions.push([]);
      expect(await device.syncOnce()).toMatchObject({ ok: true, acknowledgedBatchSeqs: [2] });
      expect(house.listRequests.filter((r) => r.startsWith('deny'))).toEqual(['deny?since=0', 'deny?since=1', 'deny?since=1']);
      expect(house.batches.events.map((e) => [e.seq, e.kind])).toEqual([[1, 'fare'], [2, 'fare'], [3, 'denied'], [4, 'fare']]);
      expect([...house.batches.eventApplyCount.values()].every((count) => count === 1)).toBe(true);
      expect(device.status().lists.deny).toMatchObject({ version: 2, entryCount: 0 });
    } finally {
      await device.close();
    }
    await expect(device.tap(tapOf(alice))).rejects.toMatchObject({ code: 'device_closed' });

    // Restarted on the same data folder: the list held and the journal are where they were, nothing is sent twice.
    const again = await openValidatorDevice(config, { clock: () => new Date(T0.getTime() + 60 * MINUTE_MS), sync: 'manual' });
    try {
      expect(again.status()).toMatchObject({ journal: { lastSeq: 4, pendingBatchCount: 0 }, lists: { deny: { version: 2, loadStatus: 'loaded' } } });
      expect(await again.syncOnce()).toMatchObject({ ok: true, acknowledgedBatchSeqs: [] });
      expect(house.batches.events).toHaveLength(4);
    } finally {
      await again.close();
    }
    // The closing device left its status for `validator status`.
    expect(JSON.parse(readFileSync(join(config.dataDir, 'device-status.json'), 'utf8'))).toMatchObject({ deviceId: DEVICE_ID, journal: { lastSeq: 4 } });
  });

  it('refuses a tap without touching the card when the journal has no room left', async () => {
    const deviceDir = mkdtempSync(join(dir, 'full-'));
    const config = await configAt(await writeDeviceFiles({ dir: deviceDir, store: keyStore.store, role: 'bus-validator', mode: BUS_MODE, deviceId: DEVICE_ID }));
    const journalBounds = { eventCountMax: 64 };
    let now = T0;
    const carol = await issueCard({ issuer: keyStore.issuer, holder: adultRider(5003, { balanceVnd: 2_000_000 }), uid: cardUid(5003) });
    const device = await openValidatorDevice(config, { clock: () => now, sync: 'manual', journalBounds });
    try {
      let accepted = 0;
      const states = new Set<string>();
      for (let tap = 0; tap < 64; tap++) {
        states.add(device.status().journal.state);
        now = new Date(T0.getTime() + tap * 20 * MINUTE_MS);
        const outcome = await device.tap(tapOf(carol));
        if (!outcome.accepted) {
          expect(outcome).toMatchObject({ reason: 'out_of_service', events: [], cardNumberTail: undefined });
          break;
        }
        accepted += 1;
      }
      // 64 events bound, 4 kept for taps in flight (JOURNAL_TAP_RESERVE_EVENT_COUNT): the 62nd tap is refused.
      expect(accepted).toBe(64 - JOURNAL_TAP_RESERVE_EVENT_COUNT + 1);
      expect(device.status().journal).toMatchObject({ state: 'full', lastSeq: accepted });
      expect(device.status().journal.warning).toMatch(/taps are refused/);
      // The operator was warned (80 %) before the journal filled.
      expect([...states]).toEqual(['ok', 'warning', 'full']);
    } finally {
      await device.close();
    }
    // The card was not charged for the refused tap: one fare per accepted tap only.
    const reopened = await openValidatorDevice(config, { clock: () => now, sync: 'manual', journalBounds: { eventCountMax: 128 } });
    try {
      now = new Date(now.getTime() + 20 * MINUTE_MS);
      expect(await reopened.tap(tapOf(carol))).toMatchObject({ accepted: true, balanceVnd: 2_000_000 - 62 * ROUTE_01_FARE_VND });
    } finally {
      await reopened.close();
    }
  });

  it('will not open a second device on a data folder in use, and names the problem', async () => {
    const config = await configAt(join(dir, 'device.json'));
    const first = await openValidatorDevice(config, { sync: 'manual' });
    try {
      await expect(openValidatorDevice(config, { sync: 'manual' })).rejects.toMatchObject({ code: 'journal_locked', field: 'dataDir' });
    } finally {
      await first.close();
    }
    writeFileSync(join(dir, 'keys', 'journal.seed'), 'not hex\n');
    await expect(openValidatorDevice(config, { sync: 'manual' })).rejects.toMatchObject({ code: 'journal_seed_invalid', field: 'keys.journalSeedFile' });
  });
});
