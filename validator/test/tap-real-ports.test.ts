/**
 * The tap pipeline on the real parts that exist: the Hanoi GTFS-Fares feed
 * (src/fares, feeds/hanoi) and the durable SQLite journal (src/journal).
 * Route 01 is 27.6 km long: the 25–30 km band, 12,000 VND
 * (../shared/notes/fares-and-schemes.md). A validator that dies between the
 * commit and the journal write, restarted on the same journal file,
 * recovers the tap at the re-tap without a second fare.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileKeySource } from '@onecard/card-os/profile';
import { createFareEngine, loadFeedFromDirectory } from '../src/fares/index.js';
import { journalSignerFromSeed, openJournal, JOURNAL_READ_EVENT_COUNT_MAX } from '../src/journal/index.js';
import { busMode, BUS_RECOVERY_WINDOW_MS_DEFAULT, BUS_REPEAT_WINDOW_MS_DEFAULT } from '../src/modes/bus.js';
import type { FareEngine } from '../src/ports.js';
import { createTestKeyStore, issueCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { adultRider, cardUid } from '../src/tap/testing/holders.js';
import { CrashableJournal, MemoryActionList, MemoryDenyList } from '../src/tap/testing/ports.js';
import { createValidator } from '../src/tap/validator.js';

const DEVICE_ID = 3101;
const ROUTE_01_FARE_VND = 12_000;
const T0 = new Date('2025-09-03T01:00:00Z');
const SEED = new Uint8Array(32).fill(5);

let keyStore: TestKeyStore;
let busKeys: ProfileKeySource;
let hanoi: FareEngine;
let dir: string;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  busKeys = (await keyStore.deviceKeys('bus-validator')).keys;
  const feed = await loadFeedFromDirectory(new URL('../feeds/hanoi/', import.meta.url).pathname);
  if (!feed.ok) throw new Error('Hanoi feed does not load');
  const engine = createFareEngine(feed.value);
  if (!engine.ok) throw new Error(engine.message);
  hanoi = engine.engine;
  dir = mkdtempSync(join(tmpdir(), 'onecard-tap-real-'));
});
afterAll(() => {
  keyStore.close();
  rmSync(dir, { recursive: true, force: true });
});

function validatorOn(journalDir: string, clock: () => Date): { journal: CrashableJournal; close: () => void; validator: ReturnType<typeof createValidator<void>> } {
  const inner = openJournal({ dir: journalDir, deviceId: DEVICE_ID, signer: journalSignerFromSeed({ keyId: 'bus-3101', seed: SEED }) });
  const journal = new CrashableJournal(inner, { readAll: () => inner.readEvents({ fromSeq: 1, limit: JOURNAL_READ_EVENT_COUNT_MAX }) });
  const validator = createValidator({
    mode: busMode({ fares: hanoi, position: () => ({ routeId: '01', stopId: undefined }), fareMediaId: 'onecard', autoload: false, windows: { recoveryWindowMs: BUS_RECOVERY_WINDOW_MS_DEFAULT, repeatWindowMs: BUS_REPEAT_WINDOW_MS_DEFAULT } }),
    device: { deviceId: DEVICE_ID, operatorId: 'hanoi-bus' },
    keys: busKeys,
    denyList: new MemoryDenyList(),
    actions: new MemoryActionList(),
    journal,
    clock,
  });
  return { journal, validator, close: () => { inner.close(); } };
}

describe('bus taps on the Hanoi feed and the SQLite journal', () => {
  it('charges the route 01 fare, and recovers a tap torn before the journal after a restart', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(3000, { balanceVnd: 50_000 }), uid: cardUid(3000) });
    const journalDir = join(dir, 'torn');
    let now = T0;
    const first = validatorOn(journalDir, () => now);
    expect(await first.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', amountVnd: ROUTE_01_FARE_VND, balanceVnd: 50_000 - ROUTE_01_FARE_VND });
    now = new Date(T0.getTime() + 30 * 60_000);
    first.journal.failNextAppend = true;
    expect(await first.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'journal_failed' });
    first.close();
    // The validator restarts on the same journal file; the rider taps again.
    const second = validatorOn(journalDir, () => new Date(now.getTime() + 20_000));
    expect(await second.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, reason: 'recovered_torn_tap', balanceVnd: 50_000 - 2 * ROUTE_01_FARE_VND });
    expect(second.journal.events.map((e) => [e.seq, e.kind, e.tmc, e.amountVnd, e.reason])).toEqual([
      [1, 'fare', 1, ROUTE_01_FARE_VND, undefined],
      [2, 'fare', 2, ROUTE_01_FARE_VND, 'recovered_torn_tap'],
    ]);
    second.close();
  });
});
