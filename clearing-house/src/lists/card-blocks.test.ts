import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { testBackends } from '../../test/support/database.js';
import { NOW_MS, SCHOOL_ID } from '../../test/support/seed.js';
import { blockCard, unblockActionId, unblockCard, type ListActor } from './card-blocks.js';
import { currentListVersion, listSnapshot } from './entries.js';

const ADMIN: ListActor = { userId: 'user-admin', organisationId: 'clearing', scope: 'all' };
const SCHOOL: ListActor = { userId: 'user-school', organisationId: SCHOOL_ID, scope: 'own_organisation' };
const AT = new Date(NOW_MS).toISOString();

describe.each(testBackends())('card blocks and unblocks (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(backend, { cardCount: 3 });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });
  const card = (index: number): string => {
    const number = h.cardNumbers[index];
    if (number === undefined) throw new Error('no such seeded card');
    return number;
  };

  it('concurrent unblocks of one card with different keys: one lifts the block, the others find it lifted', async () => {
    await blockCard(h.database.db, { cardNumber: card(0), reason: 'lost', actor: ADMIN, at: AT });
    const actionsBefore = await currentListVersion(h.database.db, 'action');
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => unblockCard(h.database.db, { cardNumber: card(0), idempotencyKey: `race-key-${i}`, actor: ADMIN, at: AT })));
    expect(results.filter((r) => r.ok && r.unblock.created)).toHaveLength(1);
    expect(results.flatMap((r) => (r.ok ? [] : [r.code]))).toEqual(['card_not_blocked', 'card_not_blocked', 'card_not_blocked']);
    expect(await currentListVersion(h.database.db, 'action')).toBe(actionsBefore + 1);
  });

  it('concurrent retries of one key publish one action and answer it to all', async () => {
    await blockCard(h.database.db, { cardNumber: card(1), reason: 'stolen', actor: ADMIN, at: AT });
    const results = await Promise.all(Array.from({ length: 4 }, () => unblockCard(h.database.db, { cardNumber: card(1), idempotencyKey: 'retry-key-1', actor: ADMIN, at: AT })));
    expect(results.filter((r) => r.ok && r.unblock.created)).toHaveLength(1);
    expect(new Set(results.map((r) => (r.ok ? r.unblock.actionListVersion : 0))).size).toBe(1);
    const snapshot = await listSnapshot(h.database.db, 'action', 0);
    expect(snapshot.status === 'full' && snapshot.entries.filter((e) => e.entryKey === unblockActionId('retry-key-1'))).toHaveLength(1);
  });

  it('concurrent blocks of one card add one deny entry', async () => {
    const denyBefore = await currentListVersion(h.database.db, 'deny');
    const results = await Promise.all(Array.from({ length: 3 }, () => blockCard(h.database.db, { cardNumber: card(2), reason: 'lost', actor: ADMIN, at: AT })));
    expect(results.filter((r) => r.ok && r.block.created)).toHaveLength(1);
    expect(await currentListVersion(h.database.db, 'deny')).toBe(denyBefore + 1);
  });

  it('staff of an organisation cannot touch cards it did not issue (anonymous transit cards included)', async () => {
    expect(await blockCard(h.database.db, { cardNumber: card(0), reason: 'lost', actor: SCHOOL, at: AT })).toEqual({ ok: false, code: 'forbidden' });
    expect(await unblockCard(h.database.db, { cardNumber: card(2), idempotencyKey: 'school-key-1', actor: SCHOOL, at: AT })).toEqual({ ok: false, code: 'forbidden' });
    expect(await unblockCard(h.database.db, { cardNumber: card(2), idempotencyKey: 'bad key', actor: ADMIN, at: AT })).toEqual({ ok: false, code: 'idempotency_key_invalid' });
  });

  it('an unblock action id is a valid list action id (lower-case ASCII, at most 64 bytes)', () => {
    const id = unblockActionId('Counter-7:UNBLOCK-0001');
    expect(id).toMatch(/^[a-z0-9][a-z0-9_.:-]*$/);
    expect(id.length).toBeLessThanOrEqual(64);
    expect(unblockActionId('Counter-7:UNBLOCK-0001')).toBe(id);
    expect(unblockActionId('Counter-7:UNBLOCK-0002')).not.toBe(id);
  });
});
