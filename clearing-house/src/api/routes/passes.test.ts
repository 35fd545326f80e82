import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTestTokens, testAppOptions, TEST_STAFF } from '../../../test/support/api.js';
import { openHarness, type Harness } from '../../../test/support/harness.js';
import { createTestPki, OPERATOR_2_ID, OPERATOR_ID } from '../../../test/support/seed.js';
import { currentListVersion, listSnapshot } from '../../lists/entries.js';
import { createApp } from '../app.js';

describe('POST /v1/passes (app.request)', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let tokens: Record<'admin' | 'operator' | 'otherOperator' | 'school', string>;

  beforeAll(async () => {
    h = await openHarness('pglite', { cardCount: 2 });
    const pki = createTestPki();
    app = createApp(testAppOptions(h, pki));
    tokens = await issueTestTokens(h.database.db, { admin: TEST_STAFF.admin, operator: TEST_STAFF.operator, otherOperator: TEST_STAFF.otherOperator, school: TEST_STAFF.school });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  const body = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    operatorId: OPERATOR_ID,
    cardNumber: h.cardNumbers[0],
    contract: { kind: 'monthly-single-route', tariff: 'concession', routeId: 9, validFrom: '2026-12-01', validUntil: '2026-12-31', priceVnd: 100_000 },
    payment: { method: 'cash' },
    idempotencyKey: 'counter-7:sale-0001',
    ...overrides,
  });
  const post = (payload: unknown, token?: string) =>
    app.request('/v1/passes', { method: 'POST', headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });

  it('sells for the caller operator, answers the same sale on a retry, publishes one action entry', async () => {
    const response = await post(body(), tokens.operator);
    expect(response.status).toBe(201);
    const sale = (await response.json()) as { actionId: string; saleId: number; created: boolean; listVersion: number };
    expect(sale).toMatchObject({ saleId: 1, created: true });
    const retry = await post(body(), tokens.operator);
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual({ ...sale, created: false });
    const listed = await listSnapshot(h.database.db, 'action', 0);
    expect(listed.status === 'full' && listed.entries.map((e) => e.entryKey)).toEqual([sale.actionId]);
    const reused = await post(body({ cardNumber: h.cardNumbers[1] }), tokens.admin);
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ error: { code: 'order_refused', detail: 'idempotency_key_reused' } });
  });

  it('scopes sales: another operator, school staff and anonymous callers are refused', async () => {
    const versionBefore = await currentListVersion(h.database.db, 'action');
    expect((await post(body({ idempotencyKey: 'counter-7:sale-0002' }), tokens.otherOperator)).status).toBe(403);
    expect((await post(body({ idempotencyKey: 'counter-7:sale-0003' }), tokens.school)).status).toBe(403);
    expect(await (await post(body({ idempotencyKey: 'counter-7:sale-0004' }))).json()).toMatchObject({ error: { code: 'token_missing' } });
    expect((await post(body({ idempotencyKey: 'counter-7:sale-0005', operatorId: OPERATOR_2_ID }), tokens.admin)).status).toBe(201);
    expect(await currentListVersion(h.database.db, 'action')).toBe(versionBefore + 1);
  });

  it('answers malformed, hostile and truncated bodies with request_invalid or a typed refusal, and writes nothing', async () => {
    const versionBefore = await currentListVersion(h.database.db, 'action');
    const contract = body()['contract'] as Record<string, unknown>;
    const invalid: unknown[] = [
      '{"operatorId": "hanoibus", "cardNumber": "97040000',
      'null',
      [],
      body({ cardNumber: '1234' }),
      body({ extra: true }),
      body({ contract: { ...contract, priceVnd: -1 } }),
      body({ contract: { ...contract, priceVnd: '100000' } }),
      body({ contract: { ...contract, routeId: 70_000 } }),
      body({ contract: { ...contract, kind: 'yearly' } }),
      body({ contract: { ...contract, validFrom: '01/12/2026' } }),
      JSON.stringify(body()).replace('"priceVnd":100000', '"priceVnd":100000,"__proto__":{"priceVnd":1}'),
      body({ payment: { method: 'card', token: 'tok_x' } }),
      body({ idempotencyKey: 'x'.repeat(129) }),
    ];
    for (const payload of invalid) {
      const response = await post(payload, tokens.admin);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'request_invalid' } });
    }
    const oversized = await post(`{"pad": "${'x'.repeat(20_000)}"}`, tokens.admin);
    expect(oversized.status).toBe(413);
    expect(await oversized.json()).toMatchObject({ error: { code: 'request_invalid', detail: 'body_too_large' } });
    const notJson = await app.request('/v1/passes', { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${tokens.admin}` }, body: JSON.stringify(body()) });
    expect(notJson.status).toBe(415);
    expect(await notJson.json()).toMatchObject({ error: { code: 'request_invalid', detail: 'content_type_not_json' } });
    const refused = await post(body({ idempotencyKey: 'counter-7:sale-0006', contract: { ...contract, validUntil: '2027-03-01' } }), tokens.admin);
    expect(refused.status).toBe(422);
    const answer = JSON.stringify(await refused.json());
    expect(answer).toContain('dates_invalid');
    expect(answer).not.toContain(h.cardNumbers[0] ?? '');
    expect(await currentListVersion(h.database.db, 'action')).toBe(versionBefore);
  });
});
