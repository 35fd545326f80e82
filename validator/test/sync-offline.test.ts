import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_BATCH_EVENT_COUNT_DEFAULT, openJournal, type DeviceJournal } from '../src/journal/index.js';
import { FIXTURE_DEVICE_ID, fareEntry, fixtureKeyPair, fixtureSigner, tempDir } from '../src/journal/journal.fixtures.js';
import { SYNC_BACKOFF_BASE_MS, SYNC_BACKOFF_MS_MAX, createSyncAgent } from '../src/sync/index.js';
import { ClearingHouseFixture } from '../src/sync/clearing-house.fixtures.js';

const OFFLINE_DAYS = 3;
const DAY_MS = 24 * 60 * 60_000;
const TAP_EVERY_MS = 4 * 60_000;
const START_MS = Date.parse('2026-12-01T00:00:00.000Z');
const ROUND_COUNT_MAX = 2_000;
/** A closed port on this host: every connection is refused. */
/** ~1,100 fsynced appends: seconds on a busy shared machine. */
const TEST_TIMEOUT_MS = 30_000;
const REFUSING_BASE_URL = 'http://127.0.0.1:9';

/** Deterministic jitter source (LCG) so the test replays the same waits. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('sync agent after days offline', () => {
  let folder: ReturnType<typeof tempDir>;
  let journal: DeviceJournal;
  let server: ClearingHouseFixture | undefined;

  beforeEach(() => {
    folder = tempDir('sync-offline');
    journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
  });
  afterEach(async () => {
    await server?.stop();
    journal.close();
    folder.remove();
  });

  it('backs off within its maxima for days, accumulates full batches, then uploads everything exactly once', async () => {
    let nowMs = START_MS;
    let tapIndex = 0;
    let nextTapMs = START_MS;
    const advanceTo = (targetMs: number) => {
      while (nextTapMs <= targetMs) {
        journal.append(fareEntry((tapIndex += 1), { at: new Date(nextTapMs).toISOString() }));
        nextTapMs += TAP_EVERY_MS;
      }
      nowMs = targetMs;
    };
    const clock = () => new Date(nowMs);
    const offline = createSyncAgent({ journal, deviceId: FIXTURE_DEVICE_ID, baseUrl: REFUSING_BASE_URL, now: clock, random: lcg(42) });
    advanceTo(START_MS);
    const waitsMs: number[] = [];
    let rounds = 0;
    while (nowMs < START_MS + OFFLINE_DAYS * DAY_MS && rounds < ROUND_COUNT_MAX) {
      const round = await offline.syncOnce();
      rounds += 1;
      expect(round.errorCode).toBe('network_error');
      const waitMs = Date.parse(offline.status().backoffUntil ?? '') - nowMs;
      waitsMs.push(waitMs);
      advanceTo(nowMs + waitMs);
    }
    expect(waitsMs.every((waitMs) => waitMs >= SYNC_BACKOFF_BASE_MS / 2 && waitMs <= SYNC_BACKOFF_MS_MAX)).toBe(true);
    expect(waitsMs.slice(0, 4).every((waitMs, index) => index === 0 || waitMs > (waitsMs[index - 1] ?? 0) / 2)).toBe(true);
    expect(waitsMs.slice(20).every((waitMs) => waitMs >= SYNC_BACKOFF_MS_MAX / 2)).toBe(true);
    const status = offline.status();
    expect(status.consecutiveFailureCount).toBe(rounds);
    expect(status.lastSuccessAt).toBeUndefined();
    const journalStatus = journal.status();
    expect(journalStatus.lastSeq).toBe(tapIndex);
    expect(journalStatus.unacknowledgedEventCount).toBe(tapIndex);
    // Large batches while offline: one small first batch, then full ones.
    const batches = Array.from({ length: journalStatus.lastBatchSeq }, (_, index) => journal.batch(index + 1));
    expect(batches.slice(1).every((batch) => batch?.eventCount === JOURNAL_BATCH_EVENT_COUNT_DEFAULT)).toBe(true);
    expect(journalStatus.lastBatchSeq).toBeLessThan(tapIndex / 100);

    server = await ClearingHouseFixture.start({ deviceId: FIXTURE_DEVICE_ID, publicKey: fixtureKeyPair().publicKey });
    const online = createSyncAgent({ journal, deviceId: FIXTURE_DEVICE_ID, baseUrl: server.baseUrl, now: clock });
    for (let round = 0; round < 10 && journal.status().unacknowledgedEventCount > 0; round += 1) expect((await online.syncOnce()).ok).toBe(true);
    expect(server.events.map((event) => event.seq)).toEqual(Array.from({ length: tapIndex }, (_, index) => index + 1));
    expect([...server.eventApplyCount.values()].every((count) => count === 1)).toBe(true);
    expect(journal.status()).toMatchObject({ pendingBatchCount: 0, uncutEventCount: 0, unacknowledgedEventCount: 0 });
    expect(online.status().lastSuccessAt).toBe(new Date(nowMs).toISOString());
  }, TEST_TIMEOUT_MS);
});
