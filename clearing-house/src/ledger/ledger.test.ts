import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase, testBackends } from '../../test/support/database.js';
import type { Database } from '../db/open.js';
import { ensureAccounts, operatorRevenueAccount, purseAccount, STRIPE_CLEARING_ACCOUNT } from './accounts.js';
import { balanceOf, ledgerTotals } from './balances.js';
import { deterministicUuid, insertTransfers, tapTransferId, type TransferInput } from './transfers.js';

const CARD = '9704000000000018';
const AT = '2026-12-04T01:00:00.000Z';
const purse = purseAccount(CARD, 'transit');
const revenue = operatorRevenueAccount('hanoibus');

function transfer(name: string, overrides: Partial<TransferInput>): TransferInput {
  return { id: deterministicUuid(name), debitAccountId: STRIPE_CLEARING_ACCOUNT.id, creditAccountId: purse.id, amountVnd: 1000, phase: 'posted', pendingId: null, code: 'top_up', eventDeviceId: null, eventSeq: null, at: AT, ...overrides };
}

describe('transfer ids', () => {
  it('derive the same UUIDs as every earlier version (they are stored: a change would post a tap twice)', () => {
    expect(tapTransferId(3001, 42)).toBe('f9f78256-083d-892d-8f9e-db60279c1e6f');
    expect(deterministicUuid('adjust:7:1')).toBe('1fbb50af-eefa-89a7-b73a-02147092b2f1');
    expect(deterministicUuid('order:Đồng')).toBe('94987235-e0af-842c-9977-6e759003415e');
  });
});

describe.each(testBackends())('ledger invariants in the database (%s)', (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    await database.db.execute(sql`INSERT INTO organisations (id, kind, name) VALUES ('hanoibus', 'operator', 'Hanoi Bus')`);
    await ensureAccounts(database.db, [purse, revenue, STRIPE_CLEARING_ACCOUNT]);
  }, 60_000);
  afterAll(async () => {
    await database.close();
  });

  it('folds posted transfers into balances and keeps debits equal to credits', async () => {
    await insertTransfers(database.db, [transfer('t1', { amountVnd: 50_000 }), transfer('t2', { debitAccountId: purse.id, creditAccountId: revenue.id, amountVnd: 8000, code: 'fare' })]);
    expect(await balanceOf(database.db, purse.id)).toBe(42_000);
    expect(await balanceOf(database.db, revenue.id)).toBe(8000);
    const totals = await ledgerTotals(database.db);
    expect(totals.debitsPostedVnd).toBe(totals.creditsPostedVnd);
    expect(totals.recomputedMatches).toBe(true);
  });

  it('refuses a purse below its floor, a zero amount, one account on both sides, a re-used id and an unknown account', async () => {
    await expect(insertTransfers(database.db, [transfer('t3', { debitAccountId: purse.id, creditAccountId: revenue.id, amountVnd: 42_001, code: 'fare' })])).rejects.toThrow();
    await expect(insertTransfers(database.db, [transfer('t4', { amountVnd: 0 })])).rejects.toThrow();
    await expect(insertTransfers(database.db, [transfer('t5', { creditAccountId: STRIPE_CLEARING_ACCOUNT.id })])).rejects.toThrow();
    await expect(insertTransfers(database.db, [transfer('t1', { amountVnd: 1 })])).rejects.toThrow();
    await expect(insertTransfers(database.db, [transfer('t6', { creditAccountId: 'card:0000000000000000:transit' })])).rejects.toThrow();
    expect(await balanceOf(database.db, purse.id)).toBe(42_000);
  });

  it('keeps transfers immutable and account totals owned by transfers', async () => {
    await expect(database.db.execute(sql`UPDATE ledger_transfers SET amount_vnd = 1`)).rejects.toThrow();
    await expect(database.db.execute(sql`DELETE FROM ledger_transfers`)).rejects.toThrow();
    await expect(database.db.execute(sql`UPDATE ledger_accounts SET credits_posted_vnd = credits_posted_vnd + 1 WHERE id = ${purse.id}`)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/only through transfers/) as unknown } });
    await expect(database.db.execute(sql`UPDATE ledger_accounts SET floor_vnd = floor_vnd - 1 WHERE id = ${purse.id}`)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/only through transfers/) as unknown } });
    await expect(database.db.execute(sql`DELETE FROM ledger_accounts WHERE id = ${purse.id}`)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/never deleted/) as unknown } });
    await expect(database.db.execute(sql`INSERT INTO ledger_accounts (id, kind, credits_posted_vnd) VALUES ('suspense:forged', 'suspense', 5)`)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/start at zero/) as unknown } });
    expect(await balanceOf(database.db, purse.id)).toBe(42_000);
  });

  it('resolves a pending transfer once: post or void, same accounts and amount', async () => {
    const pending = transfer('p1', { phase: 'pending', amountVnd: 20_000, code: 'autoload' });
    await insertTransfers(database.db, [pending]);
    expect(await balanceOf(database.db, purse.id)).toBe(42_000);
    await expect(insertTransfers(database.db, [transfer('p1-bad', { phase: 'post_pending', pendingId: pending.id, amountVnd: 19_999 })])).rejects.toThrow();
    await insertTransfers(database.db, [transfer('p1-post', { phase: 'post_pending', pendingId: pending.id, amountVnd: 20_000 })]);
    expect(await balanceOf(database.db, purse.id)).toBe(62_000);
    await expect(insertTransfers(database.db, [transfer('p1-void', { phase: 'void_pending', pendingId: pending.id, amountVnd: 20_000 })])).rejects.toThrow();
    const totals = await ledgerTotals(database.db);
    expect(totals.debitsPendingVnd).toBe(0);
    expect(totals.recomputedMatches).toBe(true);
  });

  it('counts pending debits against the floor', async () => {
    const hold = transfer('h1', { debitAccountId: purse.id, creditAccountId: revenue.id, phase: 'pending', amountVnd: 60_000, code: 'fare' });
    await insertTransfers(database.db, [hold]);
    await expect(insertTransfers(database.db, [transfer('h2', { debitAccountId: purse.id, creditAccountId: revenue.id, amountVnd: 2001, code: 'fare' })])).rejects.toThrow();
    await insertTransfers(database.db, [transfer('h1-void', { debitAccountId: purse.id, creditAccountId: revenue.id, phase: 'void_pending', pendingId: hold.id, amountVnd: 60_000, code: 'fare' })]);
    await insertTransfers(database.db, [transfer('h2', { debitAccountId: purse.id, creditAccountId: revenue.id, amountVnd: 2001, code: 'fare' })]);
    expect(await balanceOf(database.db, purse.id)).toBe(59_999);
  });
});
