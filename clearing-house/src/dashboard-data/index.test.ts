/**
 * databaseDashboardData over a real ingested day (PGlite): what the dashboard
 * shows comes from the clearing house's ledger, events and exceptions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { DeviceJournal } from '../../test/support/journal.js';
import { insertDevicesDirect, OPERATOR_2_ID, OPERATOR_ID, SCHOOL_ID } from '../../test/support/seed.js';
import { createDashboardRoutes } from '../dashboard/routes.js';
import type { FareTransactionRow } from '../reports/rows.js';
import { databaseDashboardData } from './index.js';

const DAY = '2026-12-04';
/** 08:15 and 09:40 in Hanoi on DAY. */
const AT_1 = '2026-12-04T01:15:00.000Z';
const AT_2 = '2026-12-04T02:40:00.000Z';

describe('databaseDashboardData', () => {
  let h: Harness;
  const bus = new DeviceJournal({ deviceId: 7001 });

  beforeAll(async () => {
    h = await openHarness('pglite', { cardCount: 2 });
    await insertDevicesDirect(h.database.db, [bus]);
    const [first = '', second = ''] = h.cardNumbers;
    bus.append({ at: AT_1, kind: 'top-up', application: 'transit', cardNumber: first, tmc: 1, amountVnd: 50_000, balanceBeforeVnd: 0, balanceAfterVnd: 50_000, operatorId: OPERATOR_ID });
    bus.append({ at: AT_1, kind: 'fare', application: 'transit', cardNumber: first, tmc: 2, amountVnd: 8_000, balanceBeforeVnd: 50_000, balanceAfterVnd: 42_000, operatorId: OPERATOR_ID, routeId: '32' });
    bus.append({ at: AT_2, kind: 'fare', application: 'transit', cardNumber: first, tmc: 3, amountVnd: 12_000, balanceBeforeVnd: 42_000, balanceAfterVnd: 30_000, operatorId: OPERATOR_ID, routeId: '01' });
    // A card the clearing house never saw loaded: its balance rises without a load (an exception).
    bus.append({ at: AT_2, kind: 'fare', application: 'transit', cardNumber: second, tmc: 1, amountVnd: 8_000, balanceBeforeVnd: 20_000, balanceAfterVnd: 12_000, operatorId: OPERATOR_ID, routeId: '32' });
    const outcome = await h.ingest(bus.deviceId, bus.batch({ fromSeq: 1, toSeq: 4 }).bytes);
    expect(outcome.kind).toBe('accepted');
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('lists the business days with events, the operators and the schools', async () => {
    const data = databaseDashboardData(h.database.db);
    expect(await data.businessDays()).toEqual([DAY]);
    expect((await data.operators()).map((o) => o.operatorId)).toEqual([OPERATOR_2_ID, OPERATOR_ID].sort());
    expect((await data.schools()).map((s) => s.schoolId)).toEqual([SCHOOL_ID]);
  });

  it('answers ridership, revenue and settlement from the ledger, scoped by operator', async () => {
    const data = databaseDashboardData(h.database.db);
    const ridership = await data.ridership({ businessDay: DAY });
    expect(ridership.reduce((sum, row) => sum + row.taps, 0)).toBe(3);
    expect(new Set(ridership.map((row) => row.routeId))).toEqual(new Set(['01', '32']));
    expect(await data.ridership({ businessDay: DAY, operatorId: OPERATOR_2_ID })).toEqual([]);
    expect(await data.revenue({ businessDay: DAY })).toEqual([{ businessDay: DAY, operatorId: OPERATOR_ID, operatorName: 'Hanoi Bus', fareRevenueVnd: 28_000, passRevenueVnd: 0 }]);
    const settlement = await data.settlement({ businessDay: DAY, operatorId: OPERATOR_ID });
    expect(settlement.reduce((sum, row) => sum + row.faresCollectedVnd, 0)).toBe(28_000);
    const rows: FareTransactionRow[] = [];
    const transactions = data.fareTransactions({ businessDay: DAY, operatorId: OPERATOR_ID });
    if (Symbol.asyncIterator in transactions) for await (const row of transactions) rows.push(row);
    else rows.push(...(await transactions));
    expect(rows.filter((row) => row.kind === 'fare').map((row) => row.amountVnd).sort()).toEqual([12_000, 8_000, 8_000]);
    expect(await data.canteenPayouts({ businessDay: DAY })).toEqual([{ businessDay: DAY, schoolId: SCHOOL_ID, schoolName: 'School 42', purchaseCount: 0, salesVnd: 0, refundsVnd: 0 }]);
  });

  it('shows the reconciliation exception and its summary, never a card number', async () => {
    const data = databaseDashboardData(h.database.db);
    const exceptions = await data.exceptions({ businessDay: DAY });
    expect(exceptions.map((e) => [e.kind, e.differenceVnd])).toEqual([['balance_rise_without_load', -20_000]]);
    expect(JSON.stringify(exceptions)).not.toContain(h.cardNumbers[1] ?? 'x');
    expect(await data.exceptions({ businessDay: DAY, operatorId: OPERATOR_2_ID })).toEqual([]);
    const summaries = await data.reconciliationSummaries({ businessDay: DAY, operatorId: OPERATOR_ID });
    expect(summaries).toMatchObject([{ scopeKind: 'operator', scopeId: OPERATOR_ID, eventsReceived: 4, eventsApplied: 4 }]);
  });

  it('feeds the dashboard page', async () => {
    const routes = createDashboardRoutes(databaseDashboardData(h.database.db), { viewerOf: () => ({ kind: 'clearing_admin' }), basePath: '/dashboard' });
    const response = await routes.request('/?lang=en');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Hanoi Bus');
    expect(html).not.toContain(h.cardNumbers[0] ?? 'x');
  });
});
