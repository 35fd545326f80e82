import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '@onecard/keys';
import { issueTestTokens, TEST_STAFF } from '../../test/support/api.js';
import { openHarness, type Harness } from '../../test/support/harness.js';
import { DeviceJournal } from '../../test/support/journal.js';
import { RecordingPaymentGateway } from '../../test/support/payment-gateway.js';
import { createTestPki, insertDevicesDirect, issueTestCertificate, NOW_MS, OPERATOR_ID, type TestPki } from '../../test/support/seed.js';
import { BATCH_BYTES_MAX } from '../ingest/ingest-batch.js';
import { createApp } from './app.js';

const AT = '2026-12-04T01:15:00.000Z';

describe('clearing-house HTTP API (app.request)', () => {
  let h: Harness;
  let pki: TestPki;
  let app: ReturnType<typeof createApp>;
  const gateway = new RecordingPaymentGateway();
  const bus = new DeviceJournal({ deviceId: 5001 });
  let tokens: Record<'admin' | 'operator' | 'otherOperator' | 'school' | 'expired', string>;

  beforeAll(async () => {
    h = await openHarness('pglite', { cardCount: 3 });
    pki = createTestPki();
    await insertDevicesDirect(h.database.db, [bus]);
    app = createApp({ database: h.database, verifier: h.context.verifier, trust: pki.trust, crl: () => pki.crlWith([]), gateway, nowMs: () => NOW_MS });
    tokens = await issueTestTokens(h.database.db, { admin: TEST_STAFF.admin, operator: TEST_STAFF.operator, otherOperator: TEST_STAFF.otherOperator, school: TEST_STAFF.school, expired: { email: 'late@hanoibus.vn', role: 'operator_staff', organisationId: OPERATOR_ID, ttlMs: 500 } });
  }, 60_000);
  afterAll(async () => {
    await h.close();
  });

  const upload = (deviceId: number, body: Uint8Array, header = String(deviceId)) =>
    app.request(`/v1/devices/${deviceId}/batches`, { method: 'POST', body: Buffer.from(body), headers: { 'content-type': 'application/octet-stream', 'x-onecard-device': header } });
  const get = (path: string, token?: string) => app.request(path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

  it('uploads: accepted, duplicate, quarantined, and the error codes of the protocol', async () => {
    const card = h.cardNumbers[0] ?? '';
    bus.append({ at: AT, kind: 'top-up', application: 'transit', cardNumber: card, tmc: 1, amountVnd: 50_000, balanceBeforeVnd: 0, balanceAfterVnd: 50_000, operatorId: OPERATOR_ID });
    bus.append({ at: AT, kind: 'fare', application: 'transit', cardNumber: card, tmc: 2, amountVnd: 8000, balanceBeforeVnd: 50_000, balanceAfterVnd: 42_000, operatorId: OPERATOR_ID, routeId: '32' });
    const batch = bus.batch({ fromSeq: 1, toSeq: 2 });
    let response = await upload(5001, batch.bytes);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'accepted', batchSeq: 1, eventCount: 2 });
    response = await upload(5001, batch.bytes);
    expect(await response.json()).toEqual({ status: 'duplicate', batchSeq: 1 });
    bus.append({ at: AT, kind: 'fare', application: 'transit', cardNumber: '9704123412341234', tmc: 1, amountVnd: 8000, balanceBeforeVnd: 9000, balanceAfterVnd: 1000, operatorId: OPERATOR_ID });
    response = await upload(5001, bus.batch({ fromSeq: 3, toSeq: 3 }).bytes);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'quarantined', batchSeq: 2, reason: 'card_unknown' });
    response = await upload(5001, bus.batch({ fromSeq: 1, toSeq: 1, batchSeq: 1 }).bytes);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'batch_conflict' } });
    expect((await upload(5001, batch.bytes, '5002')).status).toBe(400);
    response = await upload(5001, new Uint8Array([1, 2, 3]));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'envelope_malformed' } });
    response = await upload(5999, batch.bytes);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'device_unknown' } });
    response = await upload(5001, new Uint8Array(BATCH_BYTES_MAX + 1));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'batch_too_large' } });
  });

  it('tells a device where the clearing house is', async () => {
    const response = await get('/v1/devices/5001/status');
    expect(await response.json()).toEqual({ lastBatchSeq: 1, lastEventSeq: 2, denyListVersion: 0, actionListVersion: 0 });
    expect((await get('/v1/devices/abc/status')).status).toBe(400);
  });

  it('takes top-up orders and verified webhooks, and publishes the action list with deltas and 304', async () => {
    const orderBody = JSON.stringify({ cardNumber: h.cardNumbers[1], application: 'transit', amountVnd: 100_000, idempotencyKey: 'api-order-0001' });
    gateway.failNextCreate = true;
    let response = await app.request('/v1/topups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: orderBody });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: 'payment_gateway_unavailable', detail: 'stripe_unreachable' } });
    response = await app.request('/v1/topups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: orderBody });
    expect(response.status).toBe(201);
    const order = (await response.json()) as { orderId: string; paymentIntentId: string; actionId: string };
    const event = gateway.paymentIntentEvent({ eventId: 'evt_api_1', type: 'payment_intent.succeeded', paymentIntentId: order.paymentIntentId, orderId: order.orderId, amountVnd: 100_000 });
    response = await app.request('/v1/webhooks/payments', { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': event.signature }, body: event.body });
    expect(await response.json()).toEqual({ outcome: 'paid' });
    response = await app.request('/v1/webhooks/payments', { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': event.signature }, body: `${event.body} ` });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'webhook_refused', detail: 'signature_invalid' } });
    const full = (await (await get('/v1/lists/actions?since=0')).json()) as { status: string; version: number; entries: { entryKey: string }[] };
    expect(full).toMatchObject({ status: 'full', version: 1 });
    expect(full.entries.map((e) => e.entryKey)).toEqual([order.actionId]);
    expect((await get('/v1/lists/actions?since=1')).status).toBe(304);
    // Nothing deny-listed yet (version 0): the device's empty list is current.
    expect((await get('/v1/lists/deny?since=0')).status).toBe(304);
    response = await app.request('/v1/topups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cardNumber: 'not-a-card', application: 'transit', amountVnd: 1, idempotencyKey: 'x' }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'request_invalid' } });
  });

  it('scopes reports to the caller organisation and refuses missing, bad and expired tokens', async () => {
    const path = `/v1/reports/settlement?operatorId=${OPERATOR_ID}&businessDay=2026-12-04`;
    const own = await get(path, tokens.operator);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { rows: { faresCollectedVnd: number }[] }).rows[0]?.faresCollectedVnd).toBe(8000);
    expect((await get(path, tokens.admin)).status).toBe(200);
    expect((await get(path, tokens.otherOperator)).status).toBe(403);
    expect((await get(path, tokens.school)).status).toBe(403);
    expect(await (await get(path)).json()).toMatchObject({ error: { code: 'token_missing' } });
    expect(await (await get(path, 'och_nope')).json()).toMatchObject({ error: { code: 'token_invalid' } });
    expect(await (await get(path, tokens.expired)).json()).toMatchObject({ error: { code: 'token_expired' } });
    const revenue = (await (await get('/v1/reports/revenue?from=2026-12-04&to=2026-12-04', tokens.otherOperator)).json()) as { rows: unknown[] };
    expect(revenue.rows).toEqual([]);
    const exceptions = (await (await get('/v1/exceptions', tokens.operator)).json()) as { rows: unknown[] };
    expect(exceptions.rows).toEqual([]);
  });

  it('registers devices through the PKI for the clearing admin only', async () => {
    const keyPair = generateEd25519KeyPair();
    const certificate = issueTestCertificate(pki, { deviceId: '5100', keyPair });
    const body = JSON.stringify({ certificatePem: certificate.certificatePem, journalKeyId: 'device-5100' });
    const request = (token: string) => app.request('/v1/devices', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    expect((await request(tokens.operator)).status).toBe(403);
    const response = await request(tokens.admin);
    expect(await response.json()).toEqual({ deviceId: 5100, serialHex: certificate.serialHex });
    const refused = await app.request('/v1/devices', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` }, body: JSON.stringify({ certificatePem: 'garbage', journalKeyId: 'x' }) });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { code: 'registration_refused', detail: 'certificate_corrupt' } });
  });

  it('registers cards for the caller organisation only', async () => {
    const post = (token: string, organisationId: string | null) =>
      app.request('/v1/cards', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ cards: [{ cardNumber: '9704000000000777', organisationId }] }) });
    expect((await post(tokens.school, 'school-42')).status).toBe(200);
    expect((await post(tokens.school, null)).status).toBe(403);
    expect((await post(tokens.operator, null)).status).toBe(403);
    expect(await (await post(tokens.admin, 'school-42')).json()).toEqual({ newCardCount: 0 });
  });

  it('documents itself with OpenAPI', async () => {
    const doc = (await (await get('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/devices/{deviceId}/batches', '/v1/lists/deny', '/v1/lists/actions', '/v1/topups', '/v1/webhooks/payments', '/v1/reports/settlement']));
    expect((await get('/nowhere')).status).toBe(404);
  });
});
