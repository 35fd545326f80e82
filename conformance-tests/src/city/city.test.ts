/**
 * A small city end to end on the embedded defaults: 3 bus validators on
 * Hanoi routes and a school gate, 20 cards of every rider kind, 200 taps
 * through the real tap pipeline and journals, synced over HTTP by the real
 * agents into the clearing house on PGlite. The clearing house must end with
 * exactly the fares the validators journaled, no unexpected exception, every
 * card's shadow purse equal to what the card holds, and a re-send of every
 * batch must change nothing. The bus validators price with the fare feed the
 * clearing admin published and their agents downloaded, and settlement prices
 * the concessions of that day from the same feed. Then one top-up through the
 * Stripe fake; last, forged feeds the validators must refuse.
 */
import { createHash } from 'node:crypto';
import type { JournalEvent } from '@onecard/card-os/profile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from './demo.js';
import { publishFareFeed, readFeedFolder } from './fare-feed.js';
import { forgedFeeds } from './forged-feeds.fixtures.js';
import { expectedConcessions, fetchSettlement, hanoiFeed, settlementCsvTotals } from './settlement.fixtures.js';
import { HANOI_FEED_DIR, startCity, type City } from './start-city.js';
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
  const journaled: JournalEvent[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let databaseUrl: string | undefined;
    if (backend === 'postgres' && SERVER_URL !== undefined) {
      const database = await freshPostgresDatabase(SERVER_URL);
      databaseUrl = database.url;
      dropDatabase = () => database.drop();
    }
    city = await startCity({ busValidatorCount: 3, cardCount: 20, clock: 'simulated', keepUploads: true, seed: 7, onOutcome: (outcome) => { journaled.push(...outcome.events); }, ...(databaseUrl === undefined ? {} : { databaseUrl }) });
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

  it('prices every bus tap with the feed the clearing admin published, as each validator downloaded it', async () => {
    const buses = city.validators.filter((v) => v.kind === 'bus');
    expect(city.fareFeed).toMatchObject({ version: 1, created: true });
    expect(buses.map((v) => [v.fareFeedVersion(), v.agent.status().fareFeed?.version])).toEqual(buses.map(() => [1, 1]));
    expect(city.validators.filter((v) => v.kind === 'school-gate').map((v) => [v.fareFeedVersion(), v.fareFeed])).toEqual([[undefined, undefined]]);
    const served = await fetch(`${city.clearingHouseUrl}/v1/feeds/fares?since=0`);
    expect([served.status, served.headers.get('x-onecard-version')]).toEqual([200, '1']);
    expect(createHash('sha256').update(new Uint8Array(await served.arrayBuffer())).digest('hex')).toBe(city.fareFeed.envelopeSha256);
  });

  it('settles the day with concessions priced from the published feed (API rows and the dashboard CSV)', async () => {
    const expected = expectedConcessions(journaled, await hanoiFeed());
    expect(expected.kinds.has('free-ride') && expected.kinds.has('fare')).toBe(true);
    expect(expected.byOperatorDay.size).toBeGreaterThan(0);
    let carriedVnd = 0;
    for (const [key, routes] of expected.byOperatorDay) {
      const [operatorId = '', businessDay = ''] = key.split(' ');
      const rows = await fetchSettlement(city, { operatorId, businessDay });
      const routeRows = rows.filter((row) => row.routeId !== '');
      expect(Object.fromEntries(routeRows.map((row) => [row.routeId, { concessionTapCount: row.concessionTapCount, concessionsCarriedVnd: row.concessionsCarriedVnd }]))).toEqual(Object.fromEntries(routeRows.map((row) => [row.routeId, routes.get(row.routeId) ?? { concessionTapCount: 0, concessionsCarriedVnd: 0 }])));
      expect([...routes.keys()].filter((routeId) => !routeRows.some((row) => row.routeId === routeId))).toEqual([]);
      const dayCarriedVnd = [...routes.values()].reduce((sum, route) => sum + route.concessionsCarriedVnd, 0);
      const dayTapCount = [...routes.values()].reduce((sum, route) => sum + route.concessionTapCount, 0);
      expect(await settlementCsvTotals(city, { operatorId, businessDay })).toEqual({ concessionTapCount: dayTapCount, concessionsCarriedVnd: dayCarriedVnd, concessionsStatus: 'priced' });
      carriedVnd += dayCarriedVnd;
    }
    // Elderly riders ride free: the scheme owes the operators their full fares.
    expect(carriedVnd).toBeGreaterThan(0);
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
  describe('fare feeds the validators must refuse', () => {
    let bus: City['validators'][number];
    let served: Uint8Array;

    beforeAll(async () => {
      const found = city.validators.find((v) => v.kind === 'bus');
      if (found?.fareFeed === undefined) throw new Error('the city has a bus validator with a feed sink');
      bus = found;
      served = new Uint8Array(await (await fetch(`${city.clearingHouseUrl}/v1/feeds/fares?since=0`)).arrayBuffer());
    });

    it('refuses a feed whose signature or content was changed, one signed by another key, and truncated bytes, keeping version 1', async () => {
      const forgeries = forgedFeeds(served, city.fareFeed.version + 1);
      const answers: Record<string, unknown> = {};
      for (const [name, bytes] of Object.entries(forgeries)) answers[name] = await bus.fareFeed?.install(bytes);
      expect(answers).toEqual({
        signatureFlipped: { ok: false, code: 'signature_invalid' },
        cheaperFareSameSignature: { ok: false, code: 'signature_invalid' },
        signedByAnotherKeySameKeyId: { ok: false, code: 'signature_invalid' },
        signedByAnUnknownKeyId: { ok: false, code: 'key_unknown' },
        truncated: { ok: false, code: 'envelope_malformed' },
        empty: { ok: false, code: 'envelope_malformed' },
      });
      expect(await bus.fareFeed?.install(served)).toEqual({ ok: false, code: 'version_not_newer' });
      expect([bus.fareFeed?.version(), bus.fareFeedVersion()]).toEqual([1, 1]);
    });

    it('refuses a publication without a session or with a feed missing a file, and serves version 1 still', async () => {
      const files = new Map([['routes.txt', 'route_id\n01\n']]);
      await expect(publishFareFeed({ baseUrl: city.clearingHouseUrl, adminToken: 'och_not-a-session', files })).rejects.toThrow('HTTP 401 token_invalid');
      await expect(publishFareFeed({ baseUrl: city.clearingHouseUrl, adminToken: city.clearing.adminToken, files })).rejects.toThrow('HTTP 400 request_invalid feed_file_missing');
      expect((await city.clearing.distribution.currentFareFeed())?.version).toBe(1);
    });

    it('installs the next published version at the next sync round and prices with it from the next tap on', async () => {
      const next = await publishFareFeed({ baseUrl: city.clearingHouseUrl, adminToken: city.clearing.adminToken, files: await readFeedFolder(HANOI_FEED_DIR), idempotencyKey: 'city-test-feed-republished' });
      expect(next).toMatchObject({ version: 2, created: true });
      expect(await city.syncAll()).toMatchObject({ failedRoundCount: 0 });
      expect([bus.agent.status().fareFeed?.version, bus.fareFeedVersion()]).toEqual([2, 1]);
      const adult = city.cards.find((card) => card.kind === 'adult');
      if (adult === undefined) throw new Error('the city has an adult');
      expect(await city.tapCard(adult, bus)).toMatchObject({ accepted: true });
      expect(bus.fareFeedVersion()).toBe(2);
    });
  });
});
