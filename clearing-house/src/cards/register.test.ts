import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.js';
import { seedOrganisations, SCHOOL_ID } from '../../test/support/seed.js';
import type { Database } from '../db/open.js';
import { accountBalances, balanceOf, ledgerTotals } from '../ledger/balances.js';
import { cashAccount, ISSUANCE_CASH_ACCOUNT, purseAccount } from '../ledger/accounts.js';
import { registerCards } from './register.js';

describe('card registration', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    await seedOrganisations(database.db);
  }, 60_000);
  afterAll(async () => {
    await database.close();
  });

  it('registers cards once with their purse accounts, and refuses bad numbers and unknown organisations', async () => {
    const cards = [
      { cardNumber: '9704000000000501', organisationId: SCHOOL_ID },
      { cardNumber: '9704000000000502', organisationId: null },
    ];
    expect(await registerCards(database.db, cards)).toEqual({ ok: true, newCardCount: 2 });
    expect(await registerCards(database.db, cards)).toEqual({ ok: true, newCardCount: 0 });
    const purses = await accountBalances(database.db, [purseAccount('9704000000000501', 'transit').id, purseAccount('9704000000000502', 'canteen').id]);
    expect(purses.size).toBe(2);
    expect(await registerCards(database.db, [{ cardNumber: '12', organisationId: null }])).toEqual({ ok: false, code: 'card_number_invalid' });
    expect(await registerCards(database.db, [{ cardNumber: '9704000000000503', organisationId: 'nowhere' }])).toEqual({ ok: false, code: 'organisation_unknown' });
  });

  it('books opening balances once, from the issuer\'s cash account (anonymous cards: the issuance desk), and keeps the ledger balanced', async () => {
    const cards = [
      { cardNumber: '9704000000000601', organisationId: SCHOOL_ID, openingBalancesVnd: { transit: 150_000, canteen: 100_000 } },
      { cardNumber: '9704000000000602', organisationId: null, openingBalancesVnd: { transit: 300_000 } },
      { cardNumber: '9704000000000602', organisationId: null, openingBalancesVnd: { transit: 300_000 } },
    ];
    expect(await registerCards(database.db, cards)).toEqual({ ok: true, newCardCount: 2 });
    expect(await registerCards(database.db, cards)).toEqual({ ok: true, newCardCount: 0 });
    expect(await balanceOf(database.db, purseAccount('9704000000000601', 'transit').id)).toBe(150_000);
    expect(await balanceOf(database.db, purseAccount('9704000000000601', 'canteen').id)).toBe(100_000);
    expect(await balanceOf(database.db, purseAccount('9704000000000602', 'transit').id)).toBe(300_000);
    expect(await balanceOf(database.db, purseAccount('9704000000000602', 'canteen').id)).toBe(0);
    expect(await balanceOf(database.db, cashAccount(SCHOOL_ID).id)).toBe(-250_000);
    expect(await balanceOf(database.db, ISSUANCE_CASH_ACCOUNT.id)).toBe(-300_000);
    const totals = await ledgerTotals(database.db);
    expect(totals.creditsPostedVnd).toBe(totals.debitsPostedVnd);
    expect(totals.recomputedMatches).toBe(true);
  });

  it('refuses a negative, fractional or over-limit opening balance and registers nothing', async () => {
    for (const transit of [-1, 0.5, 2_000_001, Number.NaN]) {
      expect(await registerCards(database.db, [{ cardNumber: '9704000000000701', organisationId: null, openingBalancesVnd: { transit } }])).toEqual({ ok: false, code: 'opening_balance_invalid' });
    }
    expect(await registerCards(database.db, [{ cardNumber: '9704000000000701', organisationId: null }])).toEqual({ ok: true, newCardCount: 1 });
  });
});
