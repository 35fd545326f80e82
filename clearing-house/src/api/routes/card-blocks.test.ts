import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTestTokens, testAppOptions, TEST_STAFF } from '../../../test/support/api.js';
import { openHarness, type Harness } from '../../../test/support/harness.js';
import { cardNumberOf, createTestPki, NOW_MS, SCHOOL_ID } from '../../../test/support/seed.js';
import { cards } from '../../db/schema/cards.js';
import { withdrawConfirmedActions } from '../../lists/actions.js';
import { denyCards } from '../../lists/deny.js';
import { currentListVersion, listSnapshot, type ListEntry } from '../../lists/entries.js';
import { createApp } from '../app.js';
import { CARD_BLOCK_BODY_BYTES_MAX } from './card-blocks.js';

const PUPIL = cardNumberOf(100);
const PUPIL_2 = cardNumberOf(101);
const PUPIL_3 = cardNumberOf(102);

interface Unblocked {
  actionId: string;
  actionListVersion: number;
  denyListVersion: number;
  created: boolean;
}

describe('POST /v1/cards/block and /v1/cards/unblock (app.request)', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let tokens: Record<'admin' | 'school' | 'operator' | 'clinic', string>;

  beforeAll(async () => {
    h = await openHarness('pglite', { cardCount: 3 });
    await h.database.db.insert(cards).values([PUPIL, PUPIL_2, PUPIL_3].map((cardNumber) => ({ cardNumber, organisationId: SCHOOL_ID })));
    const pki = createTestPki();
    app = createApp(testAppOptions(h, pki));
    tokens = await issueTestTokens(h.database.db, { admin: TEST_STAFF.admin, school: TEST_STAFF.school, operator: TEST_STAFF.operator, clinic: TEST_STAFF.clinic });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  const post = (path: '/v1/cards/block' | '/v1/cards/unblock', payload: unknown, token: string | null) =>
    app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  const block = (cardNumber: string, token: string | null, reason = 'lost') => post('/v1/cards/block', { cardNumber, reason }, token);
  const unblock = (cardNumber: string, idempotencyKey: string, token: string | null) => post('/v1/cards/unblock', { cardNumber, idempotencyKey }, token);
  const liveDeny = async (): Promise<string[]> => {
    const snapshot = await listSnapshot(h.database.db, 'deny', 0);
    return snapshot.status === 'full' ? snapshot.entries.map((e) => e.cardNumber) : [];
  };
  const liveActions = async (): Promise<readonly ListEntry[]> => {
    const snapshot = await listSnapshot(h.database.db, 'action', 0);
    return snapshot.status === 'full' ? snapshot.entries : [];
  };
  const statusOf = async (cardNumber: string) => (await h.database.db.select({ status: cards.status }).from(cards).where(eq(cards.cardNumber, cardNumber)))[0]?.status;

  it('school staff block a pupil card and lift their own block: deny entry out, one unblock action in, replay answers the same', async () => {
    const blocked = await block(PUPIL, tokens.school);
    expect(blocked.status).toBe(201);
    const first = (await blocked.json()) as { denyListVersion: number; created: boolean };
    expect(first).toMatchObject({ reason: 'lost', created: true, actionListVersion: null });
    const again = await block(PUPIL, tokens.school, 'stolen');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...first, created: false });
    expect(await liveDeny()).toContain(PUPIL);
    expect(await statusOf(PUPIL)).toBe('blocked');

    const response = await unblock(PUPIL, 'desk-1:unblock-0001', tokens.school);
    expect(response.status).toBe(201);
    const unblocked = (await response.json()) as Unblocked;
    expect(unblocked).toMatchObject({ created: true, denyListVersion: first.denyListVersion + 1 });
    expect(unblocked.actionId).toMatch(/^unblock:[0-9a-f-]{36}$/);
    expect(await liveDeny()).not.toContain(PUPIL);
    expect(await statusOf(PUPIL)).toBe('active');
    const action = (await liveActions()).find((entry) => entry.entryKey === unblocked.actionId);
    // The action's seq is the list version that added it (the city's encoder).
    expect(action).toMatchObject({ cardNumber: PUPIL, addedVersion: unblocked.actionListVersion, payload: { kind: 'unblock', actionId: unblocked.actionId, application: 'transit', denyListVersion: unblocked.denyListVersion, requestedByOrganisationId: SCHOOL_ID, requestedAt: new Date(NOW_MS).toISOString() } });

    const versions = [await currentListVersion(h.database.db, 'deny'), await currentListVersion(h.database.db, 'action')];
    const replay = await unblock(PUPIL, 'desk-1:unblock-0001', tokens.school);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ ...unblocked, created: false });
    const notBlocked = await unblock(PUPIL, 'desk-1:unblock-0002', tokens.school);
    expect(notBlocked.status).toBe(409);
    expect(await notBlocked.json()).toMatchObject({ error: { code: 'request_invalid', detail: 'card_not_blocked' } });
    expect([await currentListVersion(h.database.db, 'deny'), await currentListVersion(h.database.db, 'action')]).toEqual(versions);
  });

  it('the first committed tap confirms the unblock and withdraws it; a new block withdraws a waiting unblock', async () => {
    await block(PUPIL_2, tokens.school);
    const unblocked = (await (await unblock(PUPIL_2, 'desk-1:unblock-0100', tokens.school)).json()) as Unblocked;
    const version = await withdrawConfirmedActions(h.database.db, [{ actionId: unblocked.actionId, cardNumber: PUPIL_2 }]);
    expect(version).toBe(unblocked.actionListVersion + 1);
    expect((await liveActions()).map((e) => e.entryKey)).not.toContain(unblocked.actionId);

    await block(PUPIL_2, tokens.school);
    const waiting = (await (await unblock(PUPIL_2, 'desk-1:unblock-0101', tokens.school)).json()) as Unblocked;
    const reblocked = await block(PUPIL_2, tokens.school, 'stolen');
    expect(await reblocked.json()).toMatchObject({ created: true, reason: 'stolen', actionListVersion: waiting.actionListVersion + 1 });
    expect((await liveActions()).map((e) => e.entryKey)).not.toContain(waiting.actionId);
  });

  it('scopes: other organisations are refused; the school cannot lift a block the clearing house placed; the admin can', async () => {
    const [anonymous] = h.cardNumbers;
    if (anonymous === undefined) throw new Error('no seeded card');
    const versions = [await currentListVersion(h.database.db, 'deny'), await currentListVersion(h.database.db, 'action')];
    expect((await block(PUPIL_3, tokens.operator)).status).toBe(403);
    expect((await block(PUPIL_3, tokens.clinic)).status).toBe(403);
    expect((await block(anonymous, tokens.school)).status).toBe(403);
    expect(await (await block(PUPIL_3, null)).json()).toMatchObject({ error: { code: 'token_missing' } });
    expect([await currentListVersion(h.database.db, 'deny'), await currentListVersion(h.database.db, 'action')]).toEqual(versions);

    expect((await block(PUPIL_3, tokens.admin, 'fraud_suspected')).status).toBe(201);
    expect((await unblock(PUPIL_3, 'desk-1:unblock-0200', tokens.school)).status).toBe(403);
    expect((await unblock(PUPIL_3, 'desk-1:unblock-0201', tokens.operator)).status).toBe(403);
    expect(await liveDeny()).toContain(PUPIL_3);
    expect((await unblock(PUPIL_3, 'desk-1:unblock-0202', tokens.admin)).status).toBe(201);
    expect((await block(anonymous, tokens.admin)).status).toBe(201);
    expect((await unblock(anonymous, 'desk-1:unblock-0203', tokens.admin)).status).toBe(201);
  });

  it('refuses unknown cards, replaced cards, fraud-sign blocks for staff, and a key reused for another card', async () => {
    const unknown = await unblock(cardNumberOf(999), 'desk-1:unblock-0300', tokens.admin);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found', detail: 'card_unknown' } });
    expect((await block(cardNumberOf(999), tokens.admin)).status).toBe(404);

    await denyCards(h.database.db, [{ cardNumber: PUPIL, reason: 'replaced' }]);
    const replaced = await unblock(PUPIL, 'desk-1:unblock-0301', tokens.admin);
    expect(replaced.status).toBe(409);
    expect(await replaced.json()).toMatchObject({ error: { detail: 'card_replaced' } });
    expect(await liveDeny()).toContain(PUPIL);

    // A block without an author (reconciliation's fraud signs) is lifted by the clearing admin only.
    await denyCards(h.database.db, [{ cardNumber: PUPIL_3, reason: 'fraud_suspected' }]);
    expect((await unblock(PUPIL_3, 'desk-1:unblock-0302', tokens.school)).status).toBe(403);
    const reused = await unblock(PUPIL_3, 'desk-1:unblock-0001', tokens.admin);
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ error: { detail: 'idempotency_key_reused' } });
    expect(await liveDeny()).toContain(PUPIL_3);
  });

  it('malformed, hostile, truncated and oversized bodies are refused with stable codes, and change nothing', async () => {
    const versions = [await currentListVersion(h.database.db, 'deny'), await currentListVersion(h.database.db, 'action')];
    const cases: [string, unknown, number, string | undefined][] = [
      ['/v1/cards/block', `{"cardNumber": "${PUPIL_2}", "reas`, 400, 'body_not_json'],
      ['/v1/cards/unblock', '', 400, 'body_not_json'],
      ['/v1/cards/block', 'null', 400, undefined],
      ['/v1/cards/block', { cardNumber: '1234', reason: 'lost' }, 400, undefined],
      ['/v1/cards/block', { cardNumber: `${PUPIL_2}' OR 1=1 --`, reason: 'lost' }, 400, undefined],
      ['/v1/cards/block', { cardNumber: PUPIL_2, reason: 'angry' }, 400, undefined],
      ['/v1/cards/block', { cardNumber: PUPIL_2, reason: 'lost', extra: 1 }, 400, undefined],
      ['/v1/cards/unblock', { cardNumber: PUPIL_2 }, 400, undefined],
      ['/v1/cards/unblock', { cardNumber: PUPIL_2, idempotencyKey: 'has spaces in it' }, 400, 'idempotency_key_invalid'],
      ['/v1/cards/unblock', { cardNumber: PUPIL_2, idempotencyKey: 'x'.repeat(CARD_BLOCK_BODY_BYTES_MAX) }, 413, 'body_too_large'],
    ];
    for (const [path, body, status, detail] of cases) {
      const response = await post(path as '/v1/cards/block', body, tokens.school);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      const answer = (await response.json()) as { error: { code: string; detail?: string; message: string } };
      expect(answer.error.code).toBe('request_invalid');
      if (detail !== undefined) expect(answer.error.detail).toBe(detail);
      expect(answer.error.message).not.toContain(PUPIL_2);
    }
    const untyped = await app.request('/v1/cards/block', { method: 'POST', headers: { authorization: `Bearer ${tokens.school}`, 'content-type': 'text/plain' }, body: JSON.stringify({ cardNumber: PUPIL_2, reason: 'lost' }) });
    expect(untyped.status).toBe(415);
    expect([await currentListVersion(h.database.db, 'deny'), await currentListVersion(h.database.db, 'action')]).toEqual(versions);
  });

  it('a validator downloads the new lists by version: 304 when current, the delta after an unblock', async () => {
    await block(PUPIL_2, tokens.admin);
    const deny = await currentListVersion(h.database.db, 'deny');
    const actions = await currentListVersion(h.database.db, 'action');
    expect((await app.request(`/v1/lists/deny?since=${deny}`)).status).toBe(304);
    const unblocked = (await (await unblock(PUPIL_2, 'desk-1:unblock-0400', tokens.admin)).json()) as Unblocked;
    const denyDelta = (await (await app.request(`/v1/lists/deny?since=${deny}`)).json()) as { status: string; removedKeys: string[] };
    expect(denyDelta).toMatchObject({ status: 'delta', removedKeys: [PUPIL_2] });
    const actionDelta = (await (await app.request(`/v1/lists/actions?since=${actions}`)).json()) as { status: string; added: { entryKey: string }[] };
    expect(actionDelta.status).toBe('delta');
    expect(actionDelta.added.map((e) => e.entryKey)).toEqual([unblocked.actionId]);
  });
});
