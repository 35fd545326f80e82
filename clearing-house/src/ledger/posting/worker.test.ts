import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { testBackends } from '../../../test/support/database.js';
import { openHarness, type Harness } from '../../../test/support/harness.js';
import { DeviceJournal, type EventInput } from '../../../test/support/journal.js';
import { testAppOptions } from '../../../test/support/api.js';
import { createTestPki, OPERATOR_ID, registerTestDevice, type TestPki } from '../../../test/support/seed.js';
import { createApp } from '../../api/app.js';
import type { Executor } from '../../db/open.js';
import { queryRows, toNumber } from '../../db/rows.js';
import { purseAccount } from '../accounts.js';
import { balanceOf, ledgerTotals } from '../balances.js';
import { describeFailure, startPostingWorker } from './worker.js';

const AT = '2026-12-04T01:00:00.000Z';
/** Far longer than any wait below: a worker sleeping this long only posts when nudged or drained. */
const ASLEEP_MS = 600_000;
const WAIT = { timeout: 15_000, interval: 20 };
/** Longer than WAIT: on a loaded machine a test may wait most of it. */
const TEST_TIMEOUT_MS = 30_000;

const topUp = (cardNumber: string, tmc: number, beforeVnd: number, amountVnd: number): EventInput => ({ at: AT, kind: 'top-up', application: 'transit', cardNumber, tmc, amountVnd, balanceBeforeVnd: beforeVnd, balanceAfterVnd: beforeVnd + amountVnd, operatorId: OPERATOR_ID });
const fare = (cardNumber: string, tmc: number, beforeVnd: number): EventInput => ({ at: AT, kind: 'fare', application: 'transit', cardNumber, tmc, amountVnd: 7000, balanceBeforeVnd: beforeVnd, balanceAfterVnd: beforeVnd - 7000, operatorId: OPERATOR_ID, routeId: '32' });

describe.each(testBackends())('posting worker (%s)', (backend) => {
  let h: Harness;
  let pki: TestPki;
  const device = new DeviceJournal({ deviceId: 2301 });
  const heldCount = async (): Promise<number> => toNumber((await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT count(*) AS n FROM events WHERE posting_status = 'held'`))[0]?.['n']);
  const upload = async (inputs: readonly EventInput[]): Promise<void> => {
    const from = device.events.length + 1;
    for (const input of inputs) device.append(input);
    expect(await h.ingest(device.deviceId, device.batch({ fromSeq: from, toSeq: device.events.length }).bytes)).toMatchObject({ kind: 'accepted' });
  };

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 6, posting: 'deferred' });
    pki = createTestPki();
    await registerTestDevice(h.database.db, pki, device);
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('posts what deferred ingest stores while it runs, and stops between rounds', async () => {
    const [a, b] = [h.cardNumbers[0] ?? '', h.cardNumbers[1] ?? ''];
    const worker = startPostingWorker({ db: h.database.db, idleMs: 5, idleMsMax: 20, cardCountMax: 1 });
    await upload([topUp(a, 1, 0, 50_000), topUp(b, 1, 0, 20_000)]);
    await upload([fare(a, 2, 50_000), fare(b, 2, 20_000)]);
    await vi.waitFor(async () => {
      expect(await heldCount()).toBe(0);
    }, WAIT);
    const stats = await worker.stop();
    expect(stats).toMatchObject({ postedEventCount: 4, failureCount: 0, lastFailure: null });
    expect(stats.roundCount).toBeGreaterThanOrEqual(2); // one card per round
    expect(await balanceOf(h.database.db, purseAccount(a, 'transit').id)).toBe(43_000);
    expect(await balanceOf(h.database.db, purseAccount(b, 'transit').id)).toBe(13_000);
  }, TEST_TIMEOUT_MS);

  it('sleeps while the queue is empty and wakes when nudged', async () => {
    const card = h.cardNumbers[2] ?? '';
    const worker = startPostingWorker({ db: h.database.db, idleMs: ASLEEP_MS, idleMsMax: ASLEEP_MS });
    await vi.waitFor(() => {
      expect(worker.stats().runCount).toBe(1); // found nothing, now asleep
    }, WAIT);
    await upload([topUp(card, 1, 0, 30_000)]);
    expect(await heldCount()).toBe(1);
    worker.nudge();
    await vi.waitFor(async () => {
      expect(await heldCount()).toBe(0);
    }, WAIT);
    expect((await worker.stop()).postedEventCount).toBe(1);
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(30_000);
  }, TEST_TIMEOUT_MS);

  it('drain posts everything stored before it and resolves; a card with a TMC gap stays held, not lost', async () => {
    const [c, d] = [h.cardNumbers[3] ?? '', h.cardNumbers[4] ?? ''];
    const worker = startPostingWorker({ db: h.database.db, idleMs: ASLEEP_MS, idleMsMax: ASLEEP_MS });
    await vi.waitFor(() => {
      expect(worker.stats().runCount).toBe(1);
    }, WAIT);
    await upload([topUp(c, 1, 0, 40_000), fare(c, 2, 40_000), fare(d, 2, 10_000)]); // d's TMC 1 is still on another validator
    const stats = await worker.drain();
    expect(stats.postedEventCount).toBe(2);
    expect(await balanceOf(h.database.db, purseAccount(c, 'transit').id)).toBe(33_000);
    expect(await heldCount()).toBe(1);
    expect((await ledgerTotals(h.database.db)).recomputedMatches).toBe(true);
  }, TEST_TIMEOUT_MS);

  it('a server ingesting deferred wakes its worker with each stored batch', async () => {
    const card = h.cardNumbers[5] ?? '';
    const worker = startPostingWorker({ db: h.database.db, idleMs: ASLEEP_MS, idleMsMax: ASLEEP_MS });
    const app = createApp(testAppOptions(h, pki, { posting: 'deferred', postingWorker: worker }));
    await vi.waitFor(() => {
      expect(worker.stats().runCount).toBe(1);
    }, WAIT);
    const from = device.events.length + 1;
    device.append(topUp(card, 1, 0, 25_000));
    device.append(fare(card, 2, 25_000));
    const { bytes } = device.batch({ fromSeq: from, toSeq: device.events.length });
    const response = await app.request(`/v1/devices/${device.deviceId}/batches`, { method: 'POST', body: Buffer.from(bytes), headers: { 'content-type': 'application/octet-stream', 'x-onecard-device': String(device.deviceId) } });
    expect(await response.json()).toEqual({ status: 'accepted', batchSeq: expect.any(Number) as number, eventCount: 2 });
    await vi.waitFor(async () => {
      expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(18_000);
    }, WAIT);
    expect((await worker.stop()).postedEventCount).toBe(2);
  }, TEST_TIMEOUT_MS);

  it('records a failing run by class and code only, backs off, and still stops at once', async () => {
    const failing = {
      transaction: () => Promise.reject(Object.assign(new Error('connection to 9704 0000 0000 0018 lost'), { code: '57P01' })),
    } as unknown as Executor;
    const failures: string[] = [];
    const worker = startPostingWorker({ db: failing, idleMs: 1, failureBackoffMsMax: ASLEEP_MS, onFailure: (d) => failures.push(d) });
    await vi.waitFor(() => {
      expect(worker.stats().failureCount).toBeGreaterThanOrEqual(3);
    }, WAIT);
    const stats = await worker.stop();
    expect(stats).toMatchObject({ postedEventCount: 0, lastFailure: 'Error 57P01' });
    expect(stats.consecutiveFailureCount).toBe(stats.failureCount);
    expect(failures.every((f) => f === 'Error 57P01')).toBe(true);
  }, TEST_TIMEOUT_MS);
});

describe('posting worker options and failure descriptions', () => {
  it('refuses delays that are not positive integers, or a cap below the first sleep', () => {
    const db = null as unknown as Executor; // never used: the options are refused first
    for (const idleMs of [0, -1, 1.5, Number.NaN]) expect(() => startPostingWorker({ db, idleMs })).toThrow(RangeError);
    expect(() => startPostingWorker({ db, idleMs: 100, idleMsMax: 10 })).toThrow('idleMsMax must be at least idleMs');
  });

  it('names the class, the code and the cause, never the message', () => {
    const error = new TypeError('card 9704000000000018 went wrong', { cause: Object.assign(new Error('ECONNRESET 10.0.0.1'), { code: 'ECONNRESET' }) });
    expect(describeFailure(error)).toBe('TypeError (cause: Error ECONNRESET)');
    expect(describeFailure('a string with a secret')).toBe('non-error thrown');
  });
});
