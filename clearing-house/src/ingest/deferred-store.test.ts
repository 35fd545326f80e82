import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { testBackends } from '../../test/support/database.js';
import { DeviceJournal, type EventInput } from '../../test/support/journal.js';
import { createTestPki, OPERATOR_ID, registerTestDevice } from '../../test/support/seed.js';
import { canCopy, copyField, copyRows, CopyRefusedError } from '../db/copy.js';
import { queryRows, toNumber } from '../db/rows.js';
import { purseAccount } from '../ledger/accounts.js';
import { balanceOf, ledgerTotals } from '../ledger/balances.js';
import { postPendingEvents } from '../ledger/posting/job.js';

const AT = '2026-12-04T01:00:00.000Z';
const RACE_ROUND_COUNT = 5;

function topUp(cardNumber: string, tmc: number, beforeVnd: number, amountVnd: number): EventInput {
  return { at: AT, kind: 'top-up', application: 'transit', cardNumber, tmc, amountVnd, balanceBeforeVnd: beforeVnd, balanceAfterVnd: beforeVnd + amountVnd, operatorId: OPERATOR_ID };
}
function fare(cardNumber: string, tmc: number, beforeVnd: number, input: { readonly routeId: string }): EventInput {
  return { at: AT, kind: 'fare', application: 'transit', cardNumber, tmc, amountVnd: 7000, balanceBeforeVnd: beforeVnd, balanceAfterVnd: beforeVnd - 7000, operatorId: OPERATOR_ID, routeId: input.routeId };
}

describe('COPY text fields', () => {
  it('escapes backslash, tab, newline and carriage return and writes NULL as \\N', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
    expect(copyField(42)).toBe('42');
    expect(copyField('\\N')).toBe('\\\\N');
  });
});

describe.each(testBackends())('deferred ingest stores each event once (%s)', (backend) => {
  let h: Harness;
  const device = new DeviceJournal({ deviceId: 2101 });

  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 8, posting: 'deferred' });
    await registerTestDevice(h.database.db, createTestPki(), device);
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  it('stores text that needs COPY escaping unchanged', async () => {
    const card = h.cardNumbers[0] ?? '';
    device.append(topUp(card, 1, 0, 100_000));
    device.append(fare(card, 2, 100_000, { routeId: 'R\t1\\n\nx\r' }));
    expect(await h.ingest(device.deviceId, device.batch({ fromSeq: 1, toSeq: 2 }).bytes)).toMatchObject({ kind: 'accepted', newEventCount: 2 });
    const [row] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT route_id, posting_status FROM events WHERE device_id = ${device.deviceId} AND seq = 2`);
    expect(row).toEqual({ route_id: 'R\t1\\n\nx\r', posting_status: 'held' });
  });

  it('applies racing uploads of overlapping seq ranges under different batchSeqs exactly once', async () => {
    const card = h.cardNumbers[1] ?? '';
    const from = device.events.length + 1;
    let balanceVnd = 0;
    for (let round = 0; round < RACE_ROUND_COUNT; round += 1) {
      const start = device.events.length + 1;
      device.append(topUp(card, round * 3 + 1, balanceVnd, 21_000));
      device.append(fare(card, round * 3 + 2, balanceVnd + 21_000, { routeId: '32' }));
      device.append(fare(card, round * 3 + 3, balanceVnd + 14_000, { routeId: '32' }));
      balanceVnd += 7000;
      const whole = device.batch({ fromSeq: start, toSeq: start + 2 });
      const tail = device.batch({ fromSeq: start + 1, toSeq: start + 2 });
      const outcomes = await Promise.all([whole, tail, whole, tail].map((b) => h.ingest(device.deviceId, b.bytes)));
      expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(2);
      expect(outcomes.filter((o) => o.kind === 'duplicate')).toHaveLength(2);
    }
    await postPendingEvents(h.database.db);
    const [row] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT count(*) AS n, count(*) FILTER (WHERE posting_status = 'posted') AS posted FROM events WHERE device_id = ${device.deviceId} AND seq >= ${from}`);
    expect({ n: toNumber(row?.['n']), posted: toNumber(row?.['posted']) }).toEqual({ n: RACE_ROUND_COUNT * 3, posted: RACE_ROUND_COUNT * 3 });
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(balanceVnd);
    const totals = await ledgerTotals(h.database.db);
    expect(totals.recomputedMatches).toBe(true);
  });

  it('queues a card for the posting job only while it has new events: a gap parks it, the event filling the gap brings it back', async () => {
    const card = h.cardNumbers[2] ?? '';
    const other = new DeviceJournal({ deviceId: 2102 });
    await registerTestDevice(h.database.db, createTestPki(), other);
    const queued = async (): Promise<number> => {
      const [row] = await queryRows<Record<string, unknown>>(h.database.db, sql`SELECT count(*) AS n FROM posting_queue WHERE card_number = ${card}`);
      return toNumber(row?.['n']);
    };
    // TMC 2 arrives first (from this device); TMC 1 is on the other bus, not uploaded yet.
    const start = device.events.length + 1;
    device.append(fare(card, 2, 50_000, { routeId: '32' }));
    expect(await h.ingest(device.deviceId, device.batch({ fromSeq: start, toSeq: start }).bytes)).toMatchObject({ kind: 'accepted' });
    expect(await queued()).toBe(1);
    expect((await postPendingEvents(h.database.db)).postedEventCount).toBe(0);
    expect(await queued()).toBe(0);
    // Nothing new for the card: the job does not look at it again.
    expect(await postPendingEvents(h.database.db)).toEqual({ postedEventCount: 0, roundCount: 0 });
    other.append(topUp(card, 1, 0, 50_000));
    expect(await h.ingest(other.deviceId, other.batch({ fromSeq: 1, toSeq: 1 }).bytes)).toMatchObject({ kind: 'accepted' });
    expect(await queued()).toBe(1);
    // Two job runs at once take disjoint cards (SKIP LOCKED): both events post exactly once.
    const runs = await Promise.all([postPendingEvents(h.database.db), postPendingEvents(h.database.db)]);
    expect(runs.reduce((sum, r) => sum + r.postedEventCount, 0)).toBe(2);
    expect(await balanceOf(h.database.db, purseAccount(card, 'transit').id)).toBe(43_000);
    expect(await queued()).toBe(0);
  });

  it.runIf(backend === 'postgres')('refuses a COPY of an already stored event or of bad columns without hanging, and stores nothing', async () => {
    const { db } = h.database;
    expect(canCopy(db)).toBe(true);
    const stored = device.events[0];
    if (stored === undefined) throw new Error('assertion failed: no stored event');
    const columns = ['device_id', 'seq', 'batch_seq', 'at', 'kind', 'application', 'card_number', 'amount_vnd', 'prev_hash', 'hash', 'posting_status'];
    const row = [stored.deviceId, stored.seq, 99, stored.at, stored.kind, stored.application, stored.cardNumber, stored.amountVnd, stored.prevHash, stored.hash, 'recorded'];
    const fresh = [stored.deviceId, 999_999, 99, stored.at, stored.kind, stored.application, stored.cardNumber, stored.amountVnd, stored.prevHash, stored.hash, 'recorded'];
    const many = Array.from({ length: 3000 }, (_, i) => [stored.deviceId, 500_000 + i, 99, stored.at, stored.kind, stored.application, stored.cardNumber, stored.amountVnd, stored.prevHash, stored.hash, 'recorded']);
    await expect(db.transaction((tx) => copyRows(tx, { table: 'events', columns, rows: [fresh, row] }))).rejects.toBeInstanceOf(CopyRefusedError);
    await expect(db.transaction((tx) => copyRows(tx, { table: 'events', columns, rows: [...many, row] }))).rejects.toBeInstanceOf(CopyRefusedError);
    await expect(db.transaction((tx) => copyRows(tx, { table: 'events', columns, rows: [[...fresh.slice(0, 7), 'not a number', ...fresh.slice(8)]] }))).rejects.toBeInstanceOf(CopyRefusedError);
    await expect(db.transaction((tx) => copyRows(tx, { table: 'events', columns: [...columns, 'nonsense'], rows: [[...fresh, 1]] }))).rejects.toBeInstanceOf(CopyRefusedError);
    const [count] = await queryRows<Record<string, unknown>>(db, sql`SELECT count(*) AS n FROM events WHERE batch_seq = 99`);
    expect(toNumber(count?.['n'])).toBe(0);
    // The connection is usable afterwards, and a good COPY stores its rows.
    await db.transaction((tx) => copyRows(tx, { table: 'events', columns, rows: [fresh] }));
    const [after] = await queryRows<Record<string, unknown>>(db, sql`SELECT count(*) AS n FROM events WHERE batch_seq = 99`);
    expect(toNumber(after?.['n'])).toBe(1);
  });
});
