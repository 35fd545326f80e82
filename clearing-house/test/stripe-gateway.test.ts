/**
 * StripePaymentGateway on the real SDK against the fake: create (idempotent),
 * refunds with typed refusals, webhooks typed after signature checks, hostile
 * webhook bodies, and the environment switch between Stripe and the fake.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripePaymentGateway, WEBHOOK_BODY_BYTES_MAX } from '../src/stripe/gateway.js';
import { PaymentGatewayError, type PaymentWebhookEvent, type WebhookParseResult } from '../src/stripe/payment-gateway.js';
import { openPaymentGateway, stripeEnvironmentFrom, type OpenedPaymentGateway } from '../src/stripe/stripe-environment.js';
import { stripeSignatureHeader } from '../src/stripe/webhook-signature.js';

let opened: OpenedPaymentGateway;
let sdk: Stripe;
let server: ReturnType<typeof serve>;
const parsed: WebhookParseResult[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.post('/stripe/webhook', async (c) => {
    const result = opened.gateway.parseWebhook(await c.req.text(), c.req.header('stripe-signature'));
    parsed.push(result);
    return result.ok ? c.json({ received: true }) : c.json({ error: result.failure }, 400);
  });
  server = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
      resolve(started);
    });
  });
  const { port } = server.address() as AddressInfo;
  opened = await openPaymentGateway({}, { webhookUrl: `http://127.0.0.1:${port}/stripe/webhook` });
  const fake = opened.fake;
  if (fake === undefined) throw new Error('expected the fake');
  sdk = new Stripe(fake.secretKey, { host: fake.host, port: fake.port, protocol: 'http' });
});

afterAll(async () => {
  await opened.close();
  await new Promise((resolve) => server.close(resolve));
});

async function eventsFor(paymentIntentId: string): Promise<PaymentWebhookEvent[]> {
  await opened.fake?.whenWebhooksIdle();
  return parsed.flatMap((result) => (result.ok && 'paymentIntentId' in result.event && result.event.paymentIntentId === paymentIntentId ? [result.event] : []));
}

function fakeSecrets(): { secretKey: string; webhookSecret: string; host: string; port: number } {
  const fake = opened.fake;
  if (fake === undefined) throw new Error('expected the fake');
  return fake;
}

describe('payments', () => {
  it('creates one PaymentIntent per idempotency key and reports the payment once paid', async () => {
    expect(opened.mode).toBe('fake');
    const first = await opened.gateway.createPaymentIntent({ orderId: 'topup-0001', amountVnd: 200_000, idempotencyKey: 'topup-0001' });
    const again = await opened.gateway.createPaymentIntent({ orderId: 'topup-0001', amountVnd: 200_000, idempotencyKey: 'topup-0001' });
    expect(again).toEqual(first);
    expect(first.clientSecret.startsWith(`${first.paymentIntentId}_secret_`)).toBe(true);
    const intent = await sdk.paymentIntents.retrieve(first.paymentIntentId);
    expect(intent).toMatchObject({ amount: 200_000, currency: 'vnd', metadata: { order_id: 'topup-0001' } });
    await sdk.paymentIntents.confirm(first.paymentIntentId, { payment_method: 'pm_card_visa' });
    const events = await eventsFor(first.paymentIntentId);
    expect(events).toEqual([expect.objectContaining({ kind: 'payment_succeeded', orderId: 'topup-0001', amountVnd: 200_000 })]);
  });

  it('reports a declined payment with Stripe code', async () => {
    const created = await opened.gateway.createPaymentIntent({ orderId: 'topup-0002', amountVnd: 50_000, idempotencyKey: 'topup-0002' });
    await expect(sdk.paymentIntents.confirm(created.paymentIntentId, { payment_method: 'pm_card_chargeDeclinedExpiredCard' })).rejects.toThrow();
    const events = await eventsFor(created.paymentIntentId);
    expect(events).toEqual([expect.objectContaining({ kind: 'payment_failed', orderId: 'topup-0002', failureCode: 'expired_card' })]);
  });

  it('reports a key reused for another amount as stripe_rejected', async () => {
    await opened.gateway.createPaymentIntent({ orderId: 'topup-0004', amountVnd: 70_000, idempotencyKey: 'topup-0004' });
    await expect(opened.gateway.createPaymentIntent({ orderId: 'topup-0004', amountVnd: 90_000, idempotencyKey: 'topup-0004' })).rejects.toMatchObject({ code: 'stripe_rejected' });
  });

  it('refuses bad input before calling Stripe', async () => {
    await expect(opened.gateway.createPaymentIntent({ orderId: 'o', amountVnd: 10.5, idempotencyKey: 'k' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(opened.gateway.createPaymentIntent({ orderId: 'o', amountVnd: 0, idempotencyKey: 'k' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(opened.gateway.createPaymentIntent({ orderId: 'o', amountVnd: 1_000, idempotencyKey: '' })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('maps an unreachable Stripe to stripe_unreachable without the key in the message', async () => {
    const { webhookSecret } = fakeSecrets();
    const gateway = new StripePaymentGateway({ secretKey: 'sk_test_unreachable_secret', webhookSecret, endpoint: { host: '127.0.0.1', port: 9, protocol: 'http' }, networkRetryCountMax: 0 });
    const error: unknown = await gateway.createPaymentIntent({ orderId: 'o', amountVnd: 1_000, idempotencyKey: 'k-unreachable' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentGatewayError);
    expect(error).toMatchObject({ code: 'stripe_unreachable' });
    expect((error as Error).message).not.toContain('sk_test');
  });
});

describe('refunds', () => {
  it('refunds in parts, with typed refusals, and reports cumulative refunds', async () => {
    const created = await opened.gateway.createPaymentIntent({ orderId: 'topup-0003', amountVnd: 100_000, idempotencyKey: 'topup-0003' });
    expect(await opened.gateway.refund({ paymentIntentId: created.paymentIntentId, idempotencyKey: 'r-0' })).toEqual({ ok: false, refusal: 'not_paid' });
    await sdk.paymentIntents.confirm(created.paymentIntentId, { payment_method: 'pm_card_visa' });
    const part = await opened.gateway.refund({ paymentIntentId: created.paymentIntentId, amountVnd: 40_000, idempotencyKey: 'r-1' });
    expect(part).toMatchObject({ ok: true, amountVnd: 40_000 });
    expect(await opened.gateway.refund({ paymentIntentId: created.paymentIntentId, amountVnd: 40_000, idempotencyKey: 'r-1' })).toEqual(part);
    expect(await opened.gateway.refund({ paymentIntentId: created.paymentIntentId, amountVnd: 70_000, idempotencyKey: 'r-2' })).toEqual({ ok: false, refusal: 'amount_exceeds_unrefunded' });
    expect(await opened.gateway.refund({ paymentIntentId: created.paymentIntentId, idempotencyKey: 'r-3' })).toMatchObject({ ok: true, amountVnd: 60_000 });
    expect(await opened.gateway.refund({ paymentIntentId: created.paymentIntentId, idempotencyKey: 'r-4' })).toEqual({ ok: false, refusal: 'already_refunded' });
    expect(await opened.gateway.refund({ paymentIntentId: 'pi_nope', idempotencyKey: 'r-5' })).toEqual({ ok: false, refusal: 'payment_not_found' });
    const refunds = (await eventsFor(created.paymentIntentId)).filter((event) => event.kind === 'refunded');
    expect(refunds.map((event) => event.amountRefundedVndTotal).sort((a, b) => a - b)).toEqual([40_000, 100_000]);
    expect(refunds.every((event) => event.amountChargedVnd === 100_000)).toBe(true);
  });
});

describe('sweepPaymentEvents', () => {
  it('finds every payment again from the event list, across pages, newest first', async () => {
    const { secretKey, webhookSecret, host, port } = fakeSecrets();
    const gateway = new StripePaymentGateway({ secretKey, webhookSecret, endpoint: { host, port, protocol: 'http' } });
    const fromSeconds = Math.floor(Date.now() / 1000) - 1;
    const orderIds = Array.from({ length: 40 }, (_, index) => `sweep-${index}`);
    for (const orderId of orderIds) {
      const created = await gateway.createPaymentIntent({ orderId, amountVnd: 20_000, idempotencyKey: orderId });
      await sdk.paymentIntents.confirm(created.paymentIntentId, { payment_method: 'pm_card_visa' });
    }
    const swept = [];
    for await (const item of gateway.sweepPaymentEvents({ createdFromSeconds: fromSeconds, eventCountMax: 1_000 })) swept.push(item);
    expect(swept.length).toBeGreaterThan(100);
    expect(new Set(swept.map((item) => item.eventId)).size).toBe(swept.length);
    const paid = swept.flatMap((item) => (item.result.ok && item.result.event.kind === 'payment_succeeded' ? [item.result.event.orderId] : []));
    expect(paid.filter((orderId) => orderId.startsWith('sweep-')).sort()).toEqual([...orderIds].sort());
    const limited = [];
    for await (const item of gateway.sweepPaymentEvents({ createdFromSeconds: fromSeconds, eventCountMax: 5 })) limited.push(item);
    expect(limited.map((item) => item.eventId)).toEqual(swept.slice(0, 5).map((item) => item.eventId));
    await expect(gateway.sweepPaymentEvents({ createdFromSeconds: 0, eventCountMax: 0 }).next()).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('parseWebhook', () => {
  const nowMs = 1_790_000_000_000;
  const nowSeconds = nowMs / 1000;
  const event = (type: string, object: Record<string, unknown>): string =>
    JSON.stringify({ id: 'evt_test_1', object: 'event', type, created: nowSeconds, data: { object } });
  const intent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    id: 'pi_test_1',
    object: 'payment_intent',
    amount: 30_000,
    amount_received: 30_000,
    currency: 'vnd',
    metadata: { order_id: 'topup-9' },
    ...overrides,
  });
  const gatewayAt = (atMs: number): StripePaymentGateway => {
    const { secretKey, webhookSecret, host, port } = fakeSecrets();
    return new StripePaymentGateway({ secretKey, webhookSecret, endpoint: { host, port, protocol: 'http' }, nowMs: () => atMs });
  };
  const sign = (payload: string, timestampSeconds = nowSeconds, secret = fakeSecrets().webhookSecret): string =>
    stripeSignatureHeader({ payload, secret, timestampSeconds });

  it('types a good event and ignores ones the flow does not act on', () => {
    const gateway = gatewayAt(nowMs);
    const body = event('payment_intent.succeeded', intent());
    expect(gateway.parseWebhook(body, sign(body))).toEqual({
      ok: true,
      event: { kind: 'payment_succeeded', eventId: 'evt_test_1', occurredAt: new Date(nowMs), paymentIntentId: 'pi_test_1', orderId: 'topup-9', amountVnd: 30_000 },
    });
    const other = event('customer.created', { id: 'cus_1', object: 'customer' });
    expect(gateway.parseWebhook(other, sign(other))).toEqual({ ok: true, event: { kind: 'ignored', eventId: 'evt_test_1', eventType: 'customer.created' } });
  });

  it('refuses missing, forged, tampered and stale signatures', () => {
    const gateway = gatewayAt(nowMs);
    const body = event('payment_intent.succeeded', intent());
    expect(gateway.parseWebhook(body, undefined)).toEqual({ ok: false, failure: 'signature_missing' });
    expect(gateway.parseWebhook(body, 'garbage')).toEqual({ ok: false, failure: 'signature_invalid' });
    expect(gateway.parseWebhook(body, sign(body, nowSeconds, 'whsec_attacker'))).toEqual({ ok: false, failure: 'signature_invalid' });
    expect(gateway.parseWebhook(body.replace('30000', '3000000'), sign(body))).toEqual({ ok: false, failure: 'signature_invalid' });
    expect(gatewayAt(nowMs + 301_000).parseWebhook(body, sign(body))).toEqual({ ok: false, failure: 'timestamp_outside_tolerance' });
    const huge = `{"pad":"${'x'.repeat(WEBHOOK_BODY_BYTES_MAX)}"}`;
    expect(gateway.parseWebhook(huge, sign(huge))).toEqual({ ok: false, failure: 'payload_too_large' });
  });

  it('refuses signed but malformed, truncated or unexpected payloads', () => {
    const gateway = gatewayAt(nowMs);
    const check = (body: string): WebhookParseResult => gateway.parseWebhook(body, sign(body));
    const full = event('payment_intent.succeeded', intent());
    expect(check(full.slice(0, full.length - 5))).toEqual({ ok: false, failure: 'payload_malformed' });
    expect(check('[]')).toEqual({ ok: false, failure: 'payload_malformed' });
    expect(check(event('payment_intent.succeeded', intent({ amount_received: -1 })))).toEqual({ ok: false, failure: 'payload_malformed' });
    expect(check(event('payment_intent.succeeded', intent({ amount_received: 10.5 })))).toEqual({ ok: false, failure: 'payload_malformed' });
    expect(check(event('payment_intent.succeeded', intent({ currency: 'usd' })))).toEqual({ ok: false, failure: 'currency_unexpected' });
    expect(check(event('payment_intent.succeeded', intent({ metadata: {} })))).toEqual({ ok: false, failure: 'order_id_missing' });
    expect(check(event('charge.refunded', { id: 'ch_1', object: 'charge' }))).toEqual({ ok: false, failure: 'payload_malformed' });
  });
});

describe('stripeEnvironmentFrom', () => {
  it('uses Stripe only with both secrets, the fake with neither, and refuses half a configuration', () => {
    expect(stripeEnvironmentFrom({})).toEqual({ kind: 'fake' });
    expect(stripeEnvironmentFrom({ STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_y' })).toEqual({ kind: 'stripe', secretKey: 'sk_test_x', webhookSecret: 'whsec_y' });
    expect(stripeEnvironmentFrom({ STRIPE_SECRET_KEY: 'sk_test_x' })).toEqual({ kind: 'misconfigured', missing: 'STRIPE_WEBHOOK_SECRET' });
    expect(stripeEnvironmentFrom({ STRIPE_WEBHOOK_SECRET: 'whsec_y' })).toEqual({ kind: 'misconfigured', missing: 'STRIPE_SECRET_KEY' });
  });

  it('opens a real-Stripe gateway when both secrets are set (no request is made until used)', async () => {
    const real = await openPaymentGateway({ STRIPE_SECRET_KEY: 'sk_test_offline_unused', STRIPE_WEBHOOK_SECRET: 'whsec_offline_unused' }, { webhookUrl: 'http://127.0.0.1:1/' });
    expect(real.mode).toBe('stripe');
    expect(real.fake).toBeUndefined();
    expect(real.gateway.parseWebhook('{}', undefined)).toEqual({ ok: false, failure: 'signature_missing' });
    await real.close();
  });

  it('throws on half a configuration instead of falling back to the fake', async () => {
    await expect(openPaymentGateway({ STRIPE_SECRET_KEY: 'sk_test_x' }, { webhookUrl: 'http://127.0.0.1:1/' })).rejects.toMatchObject({ code: 'stripe_misconfigured' });
  });
});
