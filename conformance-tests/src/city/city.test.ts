/**
 * A small city end to end on the embedded defaults: 3 bus validators on
 * Hanoi routes and a school gate, 20 cards of every rider kind, 200 taps
 * through the real tap pipeline and journals, synced over HTTP by the real
 * agents into the clearing house on PGlite. The clearing house must end with
 * exactly the fares the validators journaled, no unexpected exception, every
 * card's shadow purse equal to what the card holds, and a re-send of every
 * batch must change nothing. Then one top-up through the Stripe fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from './demo.js';
import { startCity, type City } from './start-city.js';
import type { CitySummary } from './summary.js';

const TAP_COUNT = 200;
const TOPUP_AMOUNT_VND = 50_000;
const ROUTE_FARE_VND_MAX = 20_000;
/** PGlite always; PostgreSQL too when DATABASE_URL names a server (CI), in a fresh database dropped afterwards. */
const SERVER_URL = process.env['DATABASE_URL'];
const BACKENDS = SERVER_URL === undefined || SERVER_URL === '' ? ['pglite'] : ['pglite', 'postgres'];

describe.each(BACKENDS)('a small city on %s', (backend) => {
  let city: City;
  let afterSync: CitySummary;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let databaseUrl: string | undefined;
    if (backend === 'postgres' && SERVER_URL !== undefined) {
      const database = await freshPostgresDatabase(SERVER_URL);
      databaseUrl = database.url;
      dropDatabase = () => database.drop();
    }
    city = await startCity({ busValidatorCount: 3, cardCount: 20, clock: 'simulated', keepUploads: true, seed: 7, ...(databaseUrl === undefined ? {} : { databaseUrl }) });
    await city.runTaps({ count: TAP_COUNT });
    const sync = await city.syncAll();
    expect(sync).toMatchObject({ failedRoundCount: 0, pendingBatchCount: 0 });
    afterSync = await city.summary();
  }, 60_000);
  afterAll(async () => {
    await city.close();
    await dropDatabase?.();
  });

  it('taps every kind of rider through the real pipeline', () => {
    expect(afterSync.taps.tapCount).toBe(TAP_COUNT);
    const outcomes = afterSync.taps.byOutcome;
    for (const key of ['accepted:fare', 'accepted:free-ride', 'accepted:pass-use', 'accepted:gate-in']) expect(outcomes[key] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(outcomes).filter((key) => key.startsWith('refused:'))).toEqual([]);
  });

  it('ends with exactly the fares the validators journaled, every event applied, no batch quarantined', () => {
    expect(Object.keys(afterSync.taps.journaledFaresVnd).sort()).toEqual(['bao-yen', 'transerco']);
    expect(afterSync.ledgerFaresVnd).toEqual(afterSync.taps.journaledFaresVnd);
    expect(afterSync.ingest.eventCount).toBe(afterSync.taps.journaledEventCount);
    expect(afterSync.ingest.eventsByPostingStatus['held'] ?? 0).toBe(0);
    expect(afterSync.ingest.eventsByPostingStatus['tmc_duplicate'] ?? 0).toBe(0);
    expect(afterSync.ingest.batchesByStatus).toEqual({ accepted: city.validators.length });
  });

  it('raises no reconciliation exception: opening balances are booked when the cards are registered', () => {
    expect(afterSync.exceptions.unexpected).toEqual([]);
    expect(afterSync.exceptions.expected).toEqual([]);
  });

  it("keeps every card's shadow purse equal to what the card holds", async () => {
    const balances = await city.cardBalances();
    expect(balances).toHaveLength(city.cards.length);
    expect(balances.filter((b) => b.cardVnd !== b.shadowVnd)).toEqual([]);
    expect(balances.some((b) => b.cardVnd > 0)).toBe(true);
  });

  it('changes nothing when every batch is sent again', async () => {
    const uploads = city.uploadLog?.uploads ?? [];
    expect(uploads.length).toBe(city.validators.length);
    for (const upload of uploads) {
      const response = await fetch(upload.url, { method: 'POST', headers: upload.headers, body: upload.body });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'duplicate' });
    }
    expect(await city.syncAll()).toMatchObject({ acknowledgedBatchCount: 0, failedRoundCount: 0 });
    const again = await city.summary();
    expect({ ledger: again.ledgerFaresVnd, ingest: again.ingest, exceptions: again.exceptions }).toEqual({ ledger: afterSync.ledgerFaresVnd, ingest: afterSync.ingest, exceptions: afterSync.exceptions });
  });

  describe('a top-up paid through the Stripe fake', () => {
    let report: Awaited<ReturnType<City['topUp']>>;
    let balanceBeforeVnd: number;

    beforeAll(async () => {
      const card = city.cards.find((c) => c.kind === 'adult');
      if (card === undefined) throw new Error('the city has an adult');
      balanceBeforeVnd = (await city.cardBalances()).find((b) => b.cardNumber === card.cardNumber)?.cardVnd ?? -1;
      report = await city.topUp({ card, amountVnd: TOPUP_AMOUNT_VND, idempotencyKey: 'city-test-topup-0001' });
    }, 30_000);

    it('turns the signed webhook into an action the validator autoloads at the next tap', async () => {
      expect(report.statusAfterWebhook).toBe('paid');
      expect(report.autoloadTap).toMatchObject({ accepted: true, kind: 'fare' });
      const kinds = report.autoloadTap.events.map((e) => [e.kind, e.amountVnd]);
      expect(kinds.slice(0, 2)).toEqual([['autoload', 0], ['autoload', TOPUP_AMOUNT_VND]]);
      const fareVnd = report.autoloadTap.amountVnd;
      expect(fareVnd).toBeGreaterThan(0);
      expect(fareVnd).toBeLessThanOrEqual(ROUTE_FARE_VND_MAX);
      const card = (await city.cardBalances()).find((b) => b.cardNumber === report.autoloadTap.events[0]?.cardNumber);
      expect(card?.cardVnd).toBe(balanceBeforeVnd + TOPUP_AMOUNT_VND - fareVnd);
    });

    // The autoload claim (amount 0, PROFILE.md §12) moves no money; the credit posts the order's pending transfer.
    it('posts the autoload on ingest and applies the order', async () => {
      expect(report.statusAfterIngest).toBe('applied');
      const summary = await city.summary();
      expect(summary.ingest.batchesByStatus['quarantined'] ?? 0).toBe(0);
      expect((await city.cardBalances()).filter((b) => b.cardVnd !== b.shadowVnd)).toEqual([]);
    });
  });
});
