import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testBackends } from '../../test/support/database.js';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { DeviceJournal } from '../../test/support/journal.js';
import { insertDevicesDirect, OPERATOR_ID, SCHOOL_ID } from '../../test/support/seed.js';
import { cards } from '../db/schema/cards.js';
import { cashAccount } from '../ledger/accounts.js';
import { accountBalances, ledgerTotals } from '../ledger/balances.js';
import { postPendingEvents } from '../ledger/posting/job.js';
import { addListEntries, currentListVersion, listSnapshot } from '../lists/entries.js';
import { operatorPassRevenueAccount } from './accounts.js';
import type { PassContract } from './contract.js';
import { sellPass, type SellPassInput } from './sales.js';

const AT = '2026-12-04T02:00:00.000Z';
const ROUTE_32: PassContract = { kind: 'monthly-single-route', tariff: 'regular', routeId: 32, validFrom: '2026-12-01', validUntil: '2026-12-31', priceVnd: 200_000 };

describe.each(testBackends())('pass sales and confirmed actions (%s)', (backend) => {
  let h: Harness;
  const bus = new DeviceJournal({ deviceId: 3001 });
  const otherBus = new DeviceJournal({ deviceId: 3002 });
  const card = (i: number): string => h.cardNumbers[i] ?? '';
  const sale = (i: number, key: string, contract: PassContract = ROUTE_32, operatorId = OPERATOR_ID): SellPassInput => ({ operatorId, cardNumber: card(i), contract, payment: { method: 'cash' }, idempotencyKey: key, at: AT });
  const liveKeys = async (): Promise<string[]> => {
    const snapshot = await listSnapshot(h.database.db, 'action', 0);
    return snapshot.status === 'full' ? snapshot.entries.map((e) => e.entryKey) : [];
  };

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 4 });
    await insertDevicesDirect(h.database.db, [bus, otherBus]);
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('sells once per idempotency key: cash into pass revenue, one load-contract entry, per-card saleIds', async () => {
    const first = await sellPass(h.database.db, sale(0, 'pass-key-0001'));
    if (!first.ok) throw new Error(first.code);
    expect(first.sale).toMatchObject({ saleId: 1, created: true });
    expect(first.sale.actionId).toMatch(/^pass:[0-9a-f-]{36}$/);
    const again = await sellPass(h.database.db, sale(0, 'pass-key-0001'));
    expect(again).toEqual({ ok: true, sale: { ...first.sale, created: false } });
    expect(await sellPass(h.database.db, sale(0, 'pass-key-0001', { ...ROUTE_32, priceVnd: 150_000 }))).toEqual({ ok: false, code: 'idempotency_key_reused' });
    expect(await sellPass(h.database.db, sale(1, 'pass-key-0001'))).toEqual({ ok: false, code: 'idempotency_key_reused' });
    const [concurrentA, concurrentB] = await Promise.all([sellPass(h.database.db, sale(0, 'pass-key-0002')), sellPass(h.database.db, sale(0, 'pass-key-0003', { ...ROUTE_32, kind: 'monthly-all-routes', routeId: 0, priceVnd: 400_000 }))]);
    expect([concurrentA.ok && concurrentA.sale.saleId, concurrentB.ok && concurrentB.sale.saleId].sort()).toEqual([2, 3]);
    const other = await sellPass(h.database.db, sale(1, 'pass-key-1001'));
    expect(other.ok && other.sale.saleId).toBe(1);

    const snapshot = await listSnapshot(h.database.db, 'action', 0);
    const entry = snapshot.status === 'full' ? snapshot.entries.find((e) => e.entryKey === first.sale.actionId) : undefined;
    expect(entry).toMatchObject({ cardNumber: card(0), addedVersion: first.sale.listVersion, payload: { kind: 'load-contract', application: 'transit', saleId: 1, contractKind: 'monthly-single-route', tariff: 'regular', routeId: 32, validFrom: '2026-12-01', validUntil: '2026-12-31', pricePaidVnd: 200_000 } });
    expect((await liveKeys()).filter((k) => k.startsWith('pass:'))).toHaveLength(4);

    const cash = cashAccount(OPERATOR_ID).id;
    const revenue = operatorPassRevenueAccount(OPERATOR_ID).id;
    const balances = await accountBalances(h.database.db, [cash, revenue]);
    expect(balances.get(revenue)?.balanceVnd).toBe(200_000 + 200_000 + 400_000 + 200_000);
    expect(balances.get(cash)?.balanceVnd).toBe(-(200_000 + 200_000 + 400_000 + 200_000));
    expect((await ledgerTotals(h.database.db)).recomputedMatches).toBe(true);
  });

  it('refuses bad contracts, keys, cards and operators without writing anything', async () => {
    const versionBefore = await currentListVersion(h.database.db, 'action');
    const refusals: [SellPassInput, string][] = [
      [sale(2, 'pass-key-2001', { ...ROUTE_32, routeId: 0 }), 'route_invalid'],
      [sale(2, 'pass-key-2002', { ...ROUTE_32, kind: 'monthly-all-routes' }), 'route_invalid'],
      [sale(2, 'pass-key-2003', { ...ROUTE_32, validFrom: '2026-02-30' }), 'dates_invalid'],
      [sale(2, 'pass-key-2004', { ...ROUTE_32, validUntil: '2026-11-30' }), 'dates_invalid'],
      [sale(2, 'pass-key-2005', { ...ROUTE_32, validUntil: '2027-01-01' }), 'dates_invalid'],
      [sale(2, 'pass-key-2006', { ...ROUTE_32, priceVnd: 0 }), 'price_invalid'],
      [sale(2, 'pass-key-2007', { ...ROUTE_32, tariff: 'free' }), 'price_invalid'],
      [sale(2, 'pass-key-2008', { ...ROUTE_32, priceVnd: 1.5 }), 'price_invalid'],
      [sale(2, 'short'), 'idempotency_key_invalid'],
      [sale(2, "pass'; DROP TABLE cards; --"), 'idempotency_key_invalid'],
      [{ ...sale(2, 'pass-key-2009'), cardNumber: '9704000000009999' }, 'card_unknown'],
      [sale(2, 'pass-key-2010', ROUTE_32, SCHOOL_ID), 'operator_unknown'],
    ];
    for (const [input, code] of refusals) expect(await sellPass(h.database.db, input)).toEqual({ ok: false, code });
    await h.database.db.update(cards).set({ status: 'blocked' }).where(eq(cards.cardNumber, card(3)));
    expect(await sellPass(h.database.db, sale(3, 'pass-key-3001'))).toEqual({ ok: false, code: 'card_blocked' });
    await h.database.db.update(cards).set({ status: 'active' }).where(eq(cards.cardNumber, card(3)));
    expect(await currentListVersion(h.database.db, 'action')).toBe(versionBefore);
    const free = await sellPass(h.database.db, sale(2, 'pass-key-2011', { ...ROUTE_32, tariff: 'free', priceVnd: 0 }));
    expect(free.ok && free.sale.saleId).toBe(1);
  });

  it('withdraws a pass entry once its contract-load is ingested, once under re-sends, other cards and other devices', async () => {
    const sold = await sellPass(h.database.db, sale(1, 'pass-key-1002'));
    if (!sold.ok) throw new Error(sold.code);
    const versionSold = await currentListVersion(h.database.db, 'action');
    // A hostile or confused event naming the action for another card withdraws nothing.
    bus.append({ at: AT, kind: 'contract-load', application: 'transit', cardNumber: card(3), tmc: 1, amountVnd: 0, balanceAfterVnd: 0, actionId: sold.sale.actionId, contractSlot: 0, detail: { actionSeq: sold.sale.listVersion, saleId: sold.sale.saleId } });
    expect(await h.ingest(bus.deviceId, bus.batch({ fromSeq: 1, toSeq: 1 }).bytes)).toMatchObject({ kind: 'accepted' });
    expect(await currentListVersion(h.database.db, 'action')).toBe(versionSold);

    bus.append({ at: AT, kind: 'contract-load', application: 'transit', cardNumber: card(1), tmc: 1, amountVnd: 0, balanceAfterVnd: 0, actionId: sold.sale.actionId, contractSlot: 0, detail: { actionSeq: sold.sale.listVersion, saleId: sold.sale.saleId } });
    const confirming = bus.batch({ fromSeq: 2, toSeq: 2 });
    expect(await h.ingest(bus.deviceId, confirming.bytes)).toMatchObject({ kind: 'accepted' });
    const versionWithdrawn = await currentListVersion(h.database.db, 'action');
    expect(versionWithdrawn).toBe(versionSold + 1);
    expect(await listSnapshot(h.database.db, 'action', versionSold)).toMatchObject({ status: 'delta', added: [], removedKeys: [sold.sale.actionId] });
    expect(await liveKeys()).not.toContain(sold.sale.actionId);

    expect(await h.ingest(bus.deviceId, confirming.bytes)).toMatchObject({ kind: 'duplicate' });
    // The same confirmation settled again by another validator (the card's contract-load seen twice).
    otherBus.append({ at: AT, kind: 'contract-load', application: 'transit', cardNumber: card(1), tmc: 2, amountVnd: 0, balanceAfterVnd: 0, actionId: sold.sale.actionId, contractSlot: 0, detail: { actionSeq: sold.sale.listVersion, saleId: sold.sale.saleId } });
    expect(await h.ingest(otherBus.deviceId, otherBus.batch({ fromSeq: 1, toSeq: 1 }).bytes)).toMatchObject({ kind: 'accepted' });
    expect(await currentListVersion(h.database.db, 'action')).toBe(versionWithdrawn);
    // A retry of the sale after the card loaded it answers the sale, and does not publish it again.
    expect(await sellPass(h.database.db, sale(1, 'pass-key-1002'))).toEqual({ ok: true, sale: { ...sold.sale, created: false } });
    expect(await currentListVersion(h.database.db, 'action')).toBe(versionWithdrawn);
  });

  it('withdraws an unblock on the first transit tap carrying its actionId, even when that batch arrives before the earlier one', async () => {
    const actionId = 'unblock:test-0001';
    const added = await addListEntries(h.database.db, 'action', [{ entryKey: actionId, cardNumber: card(2), payload: { kind: 'unblock', actionId, application: 'transit' } }]);
    expect(added).not.toBeNull();
    const journal = new DeviceJournal({ deviceId: 3003 });
    await insertDevicesDirect(h.database.db, [journal]);
    journal.append({ at: AT, kind: 'fare', application: 'transit', cardNumber: card(2), tmc: 1, amountVnd: 0, balanceBeforeVnd: 0, balanceAfterVnd: 0, operatorId: OPERATOR_ID });
    journal.append({ at: AT, kind: 'fare', application: 'transit', cardNumber: card(2), tmc: 2, amountVnd: 0, balanceBeforeVnd: 0, balanceAfterVnd: 0, operatorId: OPERATOR_ID, actionId, detail: { actionSeq: added ?? 0 } });
    const earlier = journal.batch({ fromSeq: 1, toSeq: 1 });
    const later = journal.batch({ fromSeq: 2, toSeq: 2 });
    expect(await h.ingest(journal.deviceId, later.bytes)).toMatchObject({ kind: 'accepted' });
    expect(await liveKeys()).not.toContain(actionId);
    const version = await currentListVersion(h.database.db, 'action');
    expect(await h.ingest(journal.deviceId, earlier.bytes)).toMatchObject({ kind: 'accepted' });
    expect(await h.ingest(journal.deviceId, later.bytes)).toMatchObject({ kind: 'duplicate' });
    expect(await currentListVersion(h.database.db, 'action')).toBe(version);
    expect(await listSnapshot(h.database.db, 'action', (added ?? 0))).toMatchObject({ status: 'delta', removedKeys: [actionId] });
  });

  it('withdraws a pass entry under deferred posting when the posting job runs, not before', async () => {
    const deferred = await openHarness(backend, { cardCount: 1, posting: 'deferred' });
    try {
      const journal = new DeviceJournal({ deviceId: 3004 });
      await insertDevicesDirect(deferred.database.db, [journal]);
      const sold = await sellPass(deferred.database.db, { ...sale(0, 'pass-key-4001'), cardNumber: deferred.cardNumbers[0] ?? '' });
      if (!sold.ok) throw new Error(sold.code);
      journal.append({ at: AT, kind: 'contract-load', application: 'transit', cardNumber: deferred.cardNumbers[0] ?? '', tmc: 1, amountVnd: 0, balanceAfterVnd: 0, actionId: sold.sale.actionId, contractSlot: 0, detail: { actionSeq: sold.sale.listVersion, saleId: sold.sale.saleId } });
      expect(await deferred.ingest(journal.deviceId, journal.batch({ fromSeq: 1, toSeq: 1 }).bytes)).toMatchObject({ kind: 'accepted' });
      expect(await currentListVersion(deferred.database.db, 'action')).toBe(sold.sale.listVersion);
      await postPendingEvents(deferred.database.db);
      await postPendingEvents(deferred.database.db);
      expect(await listSnapshot(deferred.database.db, 'action', sold.sale.listVersion)).toMatchObject({ status: 'delta', version: sold.sale.listVersion + 1, removedKeys: [sold.sale.actionId] });
    } finally {
      await deferred.close();
    }
  }, 60_000);
});
