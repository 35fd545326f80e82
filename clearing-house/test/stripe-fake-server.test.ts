/**
 * The fake Stripe driven by the real `stripe` SDK over HTTP: PaymentIntents,
 * declines, refunds, idempotency (SDK retries, key reuse), Stripe error
 * classes, webhooks signed and verified with `stripe.webhooks.constructEvent`,
 * and webhook retries.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeStripe, type RunningFakeStripe } from '../src/stripe/fake-server.js';

interface Receiver {
  readonly url: string;
  readonly received: { readonly body: string; readonly signature: string }[];
  failNext(count: number): void;
  stop(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const received: { body: string; signature: string }[] = [];
  let failuresLeft = 0;
  const app = new Hono();
  app.post('/webhooks/stripe', async (c) => {
    const body = await c.req.text();
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      return c.text('unavailable', 503);
    }
    received.push({ body, signature: c.req.header('stripe-signature') ?? '' });
    return c.text('ok');
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
      resolve(started);
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    received,
    failNext: (count) => {
      failuresLeft = count;
    },
    stop: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

let fake: RunningFakeStripe;
let receiver: Receiver;
let stripe: Stripe;

beforeAll(async () => {
  receiver = await startReceiver();
  fake = await startFakeStripe({
    webhookUrl: receiver.url,
    webhookRetryPolicy: { attemptCountMax: 4, retryDelayMsInitial: 20, retryDelayMsMax: 100, attemptTimeoutMs: 2_000 },
  });
  stripe = new Stripe(fake.secretKey, { host: fake.host, port: fake.port, protocol: 'http', maxNetworkRetries: 2 });
});

afterAll(async () => {
  await fake.stop();
  await receiver.stop();
});

beforeEach(async () => {
  await fake.whenWebhooksIdle();
  receiver.received.length = 0;
});

function receivedEvents(): Stripe.Event[] {
  return receiver.received.map(({ body, signature }) => stripe.webhooks.constructEvent(body, signature, fake.webhookSecret));
}

describe('PaymentIntents through the real SDK', () => {
  it('creates a VND intent in đồng with a client secret and confirms it with pm_card_visa', async () => {
    const created = await stripe.paymentIntents.create({ amount: 50_000, currency: 'vnd', metadata: { order_id: 'ord_1' } });
    expect(created).toMatchObject({ object: 'payment_intent', amount: 50_000, currency: 'vnd', status: 'requires_payment_method', metadata: { order_id: 'ord_1' } });
    expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_`, 'u'));
    const confirmed = await stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.amount_received).toBe(50_000);
    const fetched = await stripe.paymentIntents.retrieve(created.id);
    expect(fetched.latest_charge).toBe(confirmed.latest_charge);
    await fake.whenWebhooksIdle();
    const types = receivedEvents().map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']));
    const succeeded = receivedEvents().find((event) => event.type === 'payment_intent.succeeded');
    expect(succeeded?.data.object).toMatchObject({ id: created.id, amount_received: 50_000, metadata: { order_id: 'ord_1' } });
  });

  it('declines pm_card_chargeDeclined with a StripeCardError and a payment_failed event', async () => {
    const created = await stripe.paymentIntents.create({ amount: 20_000, currency: 'vnd' });
    const error: unknown = await stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'insufficient_funds' });
    const after = await stripe.paymentIntents.retrieve(created.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.code).toBe('card_declined');
    await fake.whenWebhooksIdle();
    expect(receivedEvents().map((event) => event.type)).toContain('payment_intent.payment_failed');
  });

  it('answers Stripe errors the SDK maps to its classes', async () => {
    await expect(stripe.paymentIntents.retrieve('pi_missing')).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'resource_missing', statusCode: 404 });
    await expect(stripe.paymentIntents.create({ amount: 0, currency: 'vnd' })).rejects.toMatchObject({ code: 'parameter_invalid_integer', param: 'amount' });
    await expect(stripe.paymentIntents.create({ amount: 100_000_000, currency: 'vnd' })).rejects.toMatchObject({ code: 'amount_too_large' });
    const unknownParam = { amount: 1_000, currency: 'vnd', colour: 'red' } as Stripe.PaymentIntentCreateParams;
    await expect(stripe.paymentIntents.create(unknownParam)).rejects.toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    await expect(stripe.paymentIntents.create({ currency: 'vnd' } as Stripe.PaymentIntentCreateParams)).rejects.toMatchObject({ code: 'parameter_missing', param: 'amount' });
    const wrongKey = new Stripe('sk_test_wrong_key_0000', { host: fake.host, port: fake.port, protocol: 'http' });
    await expect(wrongKey.paymentIntents.create({ amount: 1_000, currency: 'vnd' })).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('cancels an open intent and refuses to cancel a succeeded one', async () => {
    const open = await stripe.paymentIntents.create({ amount: 10_000, currency: 'vnd' });
    expect((await stripe.paymentIntents.cancel(open.id, { cancellation_reason: 'abandoned' })).status).toBe('canceled');
    const paid = await stripe.paymentIntents.create({ amount: 10_000, currency: 'vnd', payment_method: 'pm_card_visa', confirm: true });
    expect(paid.status).toBe('succeeded');
    await expect(stripe.paymentIntents.cancel(paid.id)).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });
    await expect(stripe.paymentIntents.confirm(open.id, { payment_method: 'pm_card_visa' })).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });
  });
});

describe('hostile requests', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${fake.url}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${fake.secretKey}`, 'content-type': 'application/x-www-form-urlencoded', ...headers } });

  it('answers malformed bodies with a Stripe invalid_request_error and changes nothing', async () => {
    const eventsBefore = fake.events().length;
    for (const body of ['amount=1&amount=2&currency=vnd', 'amount[x=1', `metadata${'[a]'.repeat(10)}=1`, 'amount=1e3&currency=vnd', 'amount=&currency=vnd']) {
      const response = await post('/v1/payment_intents', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    }
    expect(fake.events().length).toBe(eventsBefore);
  });

  it('refuses an over-long idempotency key and unknown routes', async () => {
    const response = await post('/v1/payment_intents', 'amount=1000&currency=vnd', { 'idempotency-key': 'k'.repeat(256) });
    expect(response.status).toBe(400);
    const unknown = await post('/v1/customers', 'email=x');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL (POST: /v1/customers).' } });
  });
});

describe('refunds', () => {
  it('refunds in parts, emits charge.refunded with the cumulative amount, refuses over-refunds', async () => {
    const paid = await stripe.paymentIntents.create({ amount: 100_000, currency: 'vnd', payment_method: 'pm_card_visa', confirm: true });
    const first = await stripe.refunds.create({ payment_intent: paid.id, amount: 30_000 });
    expect(first).toMatchObject({ object: 'refund', amount: 30_000, status: 'succeeded', payment_intent: paid.id });
    await expect(stripe.refunds.create({ payment_intent: paid.id, amount: 80_000 })).rejects.toMatchObject({ code: 'amount_too_large' });
    const rest = await stripe.refunds.create({ payment_intent: paid.id });
    expect(rest.amount).toBe(70_000);
    await expect(stripe.refunds.create({ payment_intent: paid.id })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    expect((await stripe.refunds.retrieve(first.id)).amount).toBe(30_000);
    await fake.whenWebhooksIdle();
    const refunded = receivedEvents()
      .filter((event): event is Stripe.ChargeRefundedEvent => event.type === 'charge.refunded')
      .map((event) => event.data.object.amount_refunded);
    expect(refunded.sort((a, b) => a - b)).toEqual([30_000, 100_000]);
  });

  it('refuses to refund an intent that has not been paid', async () => {
    const open = await stripe.paymentIntents.create({ amount: 10_000, currency: 'vnd' });
    await expect(stripe.refunds.create({ payment_intent: open.id })).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });
});

describe('idempotency', () => {
  it('replays the same answer for the same key and body, and refuses the key with another body', async () => {
    const key = `topup-${Date.now()}`;
    const first = await stripe.paymentIntents.create({ amount: 30_000, currency: 'vnd' }, { idempotencyKey: key });
    const again = await stripe.paymentIntents.create({ amount: 30_000, currency: 'vnd' }, { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    const error: unknown = await stripe.paymentIntents.create({ amount: 31_000, currency: 'vnd' }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400 });
  });

  it('answers concurrent requests with one key with one intent', async () => {
    const postsBefore = fake.executedPostCount();
    const key = `concurrent-${Date.now()}`;
    const created = await Promise.all(Array.from({ length: 8 }, () => stripe.paymentIntents.create({ amount: 25_000, currency: 'vnd' }, { idempotencyKey: key })));
    expect(new Set(created.map((intent) => intent.id)).size).toBe(1);
    expect(fake.executedPostCount() - postsBefore).toBe(1);
  });

  it('does not store a reply to a request that failed validation, as Stripe does not', async () => {
    const key = `validation-${Date.now()}`;
    await expect(stripe.paymentIntents.create({ amount: -5, currency: 'vnd' }, { idempotencyKey: key })).rejects.toMatchObject({ code: 'parameter_invalid_integer' });
    const created = await stripe.paymentIntents.create({ amount: 5_000, currency: 'vnd' }, { idempotencyKey: key });
    expect(created.amount).toBe(5_000);
  });

  it('replays a stored decline instead of charging again', async () => {
    const created = await stripe.paymentIntents.create({ amount: 12_000, currency: 'vnd' });
    const key = `confirm-${created.id}`;
    const first: unknown = await stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_chargeDeclined' }, { idempotencyKey: key }).catch((e: unknown) => e);
    const second: unknown = await stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_chargeDeclined' }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((second as Stripe.errors.StripeCardError).charge).toBe((first as Stripe.errors.StripeCardError).charge);
  });

  it('the SDK retry after a lost answer resends the same key and creates exactly one intent', async () => {
    const postsBefore = fake.executedPostCount();
    const eventsBefore = fake.events().length;
    fake.injectFault({ kind: 'drop_connection_after_processing' }, { requestCount: 1 });
    const created = await stripe.paymentIntents.create({ amount: 40_000, currency: 'vnd', metadata: { order_id: 'ord_retry' } });
    expect(created.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(fake.executedPostCount() - postsBefore).toBe(1);
    expect(fake.events().length - eventsBefore).toBe(1);
  });

  it('the SDK retries a 500 with Stripe-Should-Retry and succeeds on the next attempt', async () => {
    const postsBefore = fake.executedPostCount();
    fake.injectFault({ kind: 'server_error_before_processing' }, { requestCount: 1 });
    const created = await stripe.paymentIntents.create({ amount: 41_000, currency: 'vnd' });
    expect(created.status).toBe('requires_payment_method');
    expect(fake.executedPostCount() - postsBefore).toBe(1);
  });
});

describe('webhooks', () => {
  it('signs with t=…,v1=…; tampered bodies and stale timestamps are rejected by constructEvent', async () => {
    await stripe.paymentIntents.create({ amount: 15_000, currency: 'vnd' });
    await fake.whenWebhooksIdle();
    const delivery = receiver.received[0];
    if (delivery === undefined) throw new Error('no webhook delivered');
    expect(delivery.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/u);
    expect(stripe.webhooks.constructEvent(delivery.body, delivery.signature, fake.webhookSecret).type).toBe('payment_intent.created');
    const tampered = delivery.body.replace('15000', '15001');
    expect(() => stripe.webhooks.constructEvent(tampered, delivery.signature, fake.webhookSecret)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => stripe.webhooks.constructEvent(delivery.body, delivery.signature, 'whsec_other')).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const tolerateTenSecondsFromAnHourLater = (): Stripe.Event => {
      const timestampSeconds = Number(/t=(\d+)/u.exec(delivery.signature)?.[1]);
      return stripe.webhooks.constructEvent(delivery.body, delivery.signature, fake.webhookSecret, 10, undefined, (timestampSeconds + 3_600) * 1_000);
    };
    expect(tolerateTenSecondsFromAnHourLater).toThrow(/tolerance/u);
  });

  it('retries a failing endpoint until it answers 2xx, with a fresh signature each time', async () => {
    receiver.failNext(2);
    const created = await stripe.paymentIntents.create({ amount: 16_000, currency: 'vnd' });
    await fake.whenWebhooksIdle();
    const attempts = fake.webhookAttempts().filter((attempt) => attempt.eventType === 'payment_intent.created').slice(-3);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual([503, 503, 200]);
    expect(new Set(attempts.map((attempt) => attempt.eventId)).size).toBe(1);
    const events = receivedEvents();
    expect(events).toHaveLength(1);
    expect(events[0]?.data.object).toMatchObject({ id: created.id });
    expect((await stripe.events.retrieve(events[0]?.id ?? '')).type).toBe('payment_intent.created');
  });

  it('counts an unreachable endpoint as a network error and retries it', async () => {
    const lonely = await startFakeStripe({ webhookUrl: 'http://127.0.0.1:9/nothing-listens-here', webhookRetryPolicy: { attemptCountMax: 2, retryDelayMsInitial: 10, retryDelayMsMax: 10, attemptTimeoutMs: 1_000 } });
    try {
      const client = new Stripe(lonely.secretKey, { host: lonely.host, port: lonely.port, protocol: 'http' });
      await client.paymentIntents.create({ amount: 1_000, currency: 'vnd' });
      await lonely.whenWebhooksIdle();
      expect(lonely.webhookAttempts().map((attempt) => attempt.outcome)).toEqual(['network_error', 'network_error']);
    } finally {
      await lonely.stop();
    }
  });

  it('lists events newest first with type and limit filters', async () => {
    const created = await stripe.paymentIntents.create({ amount: 18_000, currency: 'vnd', payment_method: 'pm_card_visa', confirm: true });
    const page = await stripe.events.list({ type: 'payment_intent.succeeded', limit: 1 });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]?.data.object).toMatchObject({ id: created.id });
    expect(page.has_more).toBe(true);
    await expect(stripe.events.list({ limit: 101 })).rejects.toMatchObject({ code: 'parameter_invalid_integer' });
    await expect(stripe.events.list({ starting_after: 'evt_unknown' })).rejects.toMatchObject({ code: 'resource_missing' });
  });

  it('gives up after the attempt limit', async () => {
    receiver.failNext(10);
    await stripe.paymentIntents.create({ amount: 17_000, currency: 'vnd' });
    await fake.whenWebhooksIdle();
    const last = fake.webhookAttempts().at(-1);
    expect(last).toMatchObject({ attemptNumber: 4, delivered: false, outcome: 503 });
    expect(receiver.received).toHaveLength(0);
    receiver.failNext(0);
  });
});
