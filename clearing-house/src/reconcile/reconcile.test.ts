import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../test/support/database.js';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { DeviceJournal, type EventInput } from '../../test/support/journal.js';
import { insertDevicesDirect, OPERATOR_ID, SCHOOL_ID, SCHOOL_SITE_CODE } from '../../test/support/seed.js';
import { cards } from '../db/schema/cards.js';
import { purseAccount } from '../ledger/accounts.js';
import { balanceOf, ledgerTotals } from '../ledger/balances.js';
import { denyCardsWithFraudSigns } from '../lists/deny.js';
import { listSnapshot } from '../lists/entries.js';
import { listExceptions, reconciliationSummary } from './exception-queries.js';
import { fareTransactionsForDay } from './fare-transactions.js';
import { pendingGaps, sweepTmcGaps } from './gaps.js';
import { canteenPayoutForDay, revenueByOperator, ridershipByHourAndRoute, settlementForDay } from './settlement-queries.js';

/** 2026-12-04 08:15 in Hanoi. */
const AT = '2026-12-04T01:15:00.000Z';
const DAY = '2026-12-04';

const topUp = (cardNumber: string, tmc: number, beforeVnd: number, amountVnd: number): EventInput => ({ at: AT, kind: 'top-up', application: 'transit', cardNumber, tmc, amountVnd, balanceBeforeVnd: beforeVnd, balanceAfterVnd: beforeVnd + amountVnd, operatorId: OPERATOR_ID });
const fare = (cardNumber: string, tmc: number, beforeVnd: number, routeId = '32'): EventInput => ({ at: AT, kind: 'fare', application: 'transit', cardNumber, tmc, amountVnd: 8000, balanceBeforeVnd: beforeVnd, balanceAfterVnd: beforeVnd - 8000, operatorId: OPERATOR_ID, routeId, riderCategory: 'adult' });

describe.each(testBackends())('reconciliation (%s)', (backend) => {
  let h: Harness;
  const bus1 = new DeviceJournal({ deviceId: 3001 });
  const bus2 = new DeviceJournal({ deviceId: 3002 });
  const canteen = new DeviceJournal({ deviceId: 3003 });
  const upload = async (device: DeviceJournal): Promise<void> => {
    const from = (uploaded.get(device.deviceId) ?? 0) + 1;
    const outcome = await h.ingest(device.deviceId, device.batch({ fromSeq: from, toSeq: device.events.length }).bytes);
    expect(outcome.kind).toBe('accepted');
    uploaded.set(device.deviceId, device.events.length);
  };
  const uploaded = new Map<number, number>([[3001, 0], [3002, 0], [3003, 0]]);

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 6 });
    await insertDevicesDirect(h.database.db, [bus1, bus2, canteen]);
    await h.database.db.insert(cards).values({ cardNumber: '9704000000000100', organisationId: SCHOOL_ID });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('flags two devices committing the same card TMC (clone sign) and posts it once', async () => {
    const card = h.cardNumbers[0] ?? '';
    bus1.append(topUp(card, 1, 0, 40_000));
    bus1.append(fare(card, 2, 40_000));
    await upload(bus1);
    bus2.append(fare(card, 2, 40_000, '09'));
    await upload(bus2);
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(32_000);
    const exceptions = await listExceptions(h.database.db, { operatorId: OPERATOR_ID });
    expect(exceptions.map((e) => e.kind)).toEqual(['tmc_duplicate']);
    expect(exceptions[0]?.cardReference).toMatch(/^card-[0-9a-f]{16}$/);
  });

  it('flags a balance that rose without a load, and makes the shadow follow the card through suspense', async () => {
    const card = h.cardNumbers[1] ?? '';
    bus1.append(topUp(card, 1, 0, 10_000));
    bus1.append(fare(card, 2, 60_000));
    await upload(bus1);
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(52_000);
    const kinds = (await listExceptions(h.database.db)).map((e) => [e.kind, e.differenceVnd]);
    expect(kinds).toContainEqual(['balance_rise_without_load', -50_000]);
  });

  it('holds events behind a TMC gap, then flags and skips the gap after the deadline', async () => {
    const card = h.cardNumbers[2] ?? '';
    bus1.append(topUp(card, 1, 0, 30_000));
    bus1.append(fare(card, 3, 22_000));
    await upload(bus1);
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(30_000);
    expect(await pendingGaps(h.database.db)).toEqual([{ cardNumber: card, application: 'transit', fromTmc: 2, toTmc: 2, heldEventCount: 1 }]);
    expect(await sweepTmcGaps(h.database.db, { nowMs: Date.now() })).toEqual({ cardCount: 0, postedEventCount: 0 });
    expect(await sweepTmcGaps(h.database.db, { nowMs: Date.now() + 4 * 86_400_000 })).toEqual({ cardCount: 1, postedEventCount: 1 });
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(14_000);
    const kinds = (await listExceptions(h.database.db)).map((e) => e.kind);
    expect(kinds).toContain('tmc_gap');
    expect(kinds).toContain('balance_mismatch');
    expect(await pendingGaps(h.database.db)).toEqual([]);
  });

  it('answers settlement, revenue, ridership, canteen payout and TIDES rows for the business day', async () => {
    const pupil = '9704000000000100';
    canteen.append({ at: AT, kind: 'canteen-top-up', application: 'canteen', cardNumber: pupil, tmc: 1, amountVnd: 100_000, balanceBeforeVnd: 0, balanceAfterVnd: 100_000, siteCode: SCHOOL_SITE_CODE });
    canteen.append({ at: AT, kind: 'canteen-purchase', application: 'canteen', cardNumber: pupil, tmc: 2, amountVnd: 25_000, balanceBeforeVnd: 100_000, balanceAfterVnd: 75_000, siteCode: SCHOOL_SITE_CODE });
    await upload(canteen);
    const settlement = await settlementForDay(h.database.db, OPERATOR_ID, DAY);
    expect(settlement.find((r) => r.routeId === '32')).toMatchObject({ fareTapCount: 3, faresCollectedVnd: 24_000 });
    expect(settlement.reduce((sum, r) => sum + r.faresCollectedVnd, 0)).toBe(24_000);
    expect(await revenueByOperator(h.database.db, { fromBusinessDay: DAY, toBusinessDay: DAY })).toEqual([{ businessDay: DAY, operatorId: OPERATOR_ID, operatorName: 'Hanoi Bus', fareRevenueVnd: 24_000, passRevenueVnd: 0 }]);
    expect(await revenueByOperator(h.database.db, { fromBusinessDay: '2026-12-05', toBusinessDay: '2026-12-05' })).toEqual([]);
    const ridership = await ridershipByHourAndRoute(h.database.db, { businessDay: DAY, operatorId: OPERATOR_ID });
    expect(ridership).toEqual([{ hourStart: new Date('2026-12-04T01:00:00.000Z'), operatorId: OPERATOR_ID, routeId: '32', taps: 3 }]);
    expect(await canteenPayoutForDay(h.database.db, SCHOOL_ID, DAY)).toEqual([{ businessDay: DAY, schoolId: SCHOOL_ID, schoolName: 'School 42', purchaseCount: 1, salesVnd: 25_000, refundsVnd: 0 }]);
    const tides = await fareTransactionsForDay(h.database.db, OPERATOR_ID, DAY);
    expect(tides.filter((t) => t.kind === 'fare')).toHaveLength(3);
    expect(tides.every((t) => !t.fareMediaId.includes('9704'))).toBe(true);
    const summary = await reconciliationSummary(h.database.db, DAY);
    expect(summary.find((r) => r.scopeKind === 'operator')).toMatchObject({ scopeId: OPERATOR_ID, eventsReceived: 7, duplicatesDropped: 1, suspectedClones: 1, gapsOverdue: 1, gapsPending: 0 });
    expect(summary.find((r) => r.scopeKind === 'school')).toMatchObject({ scopeId: SCHOOL_ID, eventsReceived: 2, eventsApplied: 2 });
  });

  it('deny-lists cards with fraud signs, versioned, and keeps the ledger balanced', async () => {
    const version = await denyCardsWithFraudSigns(h.database.db);
    expect(version).toBe(1);
    const snapshot = await listSnapshot(h.database.db, 'deny', 0);
    expect(snapshot.status === 'full' && snapshot.entries.map((e) => e.entryKey).sort()).toEqual([h.cardNumbers[0], h.cardNumbers[1]].sort());
    expect(await denyCardsWithFraudSigns(h.database.db)).toBeNull();
    expect(await listSnapshot(h.database.db, 'deny', 1)).toEqual({ status: 'not_modified', kind: 'deny', version: 1 });
    const totals = await ledgerTotals(h.database.db);
    expect(totals.recomputedMatches && totals.debitsPostedVnd === totals.creditsPostedVnd).toBe(true);
  });
});
