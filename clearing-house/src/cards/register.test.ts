import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.js';
import { seedOrganisations, SCHOOL_ID } from '../../test/support/seed.js';
import type { Database } from '../db/open.js';
import { accountBalances } from '../ledger/balances.js';
import { purseAccount } from '../ledger/accounts.js';
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
});
