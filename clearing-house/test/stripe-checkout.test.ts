/**
 * Checkout through the fake: the gateway creates a session with the real SDK,
 * a payer in headless Chromium is declined once then pays on the hosted test
 * page, lands on success_url, and the webhook completes the order by
 * `order_id`. Also expiry and idempotent creation. Screenshot in .scratch/.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium, type Browser } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripePaymentGateway } from '../src/stripe/gateway.js';
import { startFakeStripe, type RunningFakeStripe } from '../src/stripe/fake-server.js';
import type { PaymentWebhookEvent } from '../src/stripe/payment-gateway.js';

const SCRATCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.scratch');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let fake: RunningFakeStripe;
let gateway: StripePaymentGateway;
let sdk: Stripe;
let server: ReturnType<typeof serve>;
let appUrl: string;
let browser: Browser;
const events: PaymentWebhookEvent[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.post('/stripe/webhook', async (c) => {
    const result = gateway.parseWebhook(await c.req.text(), c.req.header('stripe-signature'));
    if (!result.ok) return c.json({ error: result.failure }, 400);
    events.push(result.event);
    return c.json({ received: true });
  });
  app.get('/topup/done', (c) => c.html(`<h1 id="done">Đã thanh toán</h1><p id="session">${c.req.query('session_id') ?? ''}</p>`));
  server = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
      resolve(started);
    });
  });
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake = await startFakeStripe({ webhookUrl: `${appUrl}/stripe/webhook` });
  gateway = new StripePaymentGateway({ secretKey: fake.secretKey, webhookSecret: fake.webhookSecret, endpoint: { host: fake.host, port: fake.port, protocol: 'http' } });
  sdk = new Stripe(fake.secretKey, { host: fake.host, port: fake.port, protocol: 'http' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 20_000);

afterAll(async () => {
  await browser.close();
  await fake.stop();
  await new Promise((resolve) => server.close(resolve));
});

function checkoutInput(orderId: string): Parameters<StripePaymentGateway['createCheckoutSession']>[0] {
  return {
    orderId,
    amountVnd: 150_000,
    idempotencyKey: `checkout-${orderId}`,
    productName: 'Nạp thẻ OneCard — ví xe buýt',
    successUrl: `${appUrl}/topup/done?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${appUrl}/topup/cancelled`,
  };
}

describe('Checkout on the fake', () => {
  it('a payer is declined, then pays, lands on success_url, and the order is paid by webhook', async () => {
    mkdirSync(SCRATCH_DIR, { recursive: true });
    const created = await gateway.createCheckoutSession(checkoutInput('order-ck-1'));
    expect(created.url.startsWith(`${fake.url}/_fake/checkout/cs_test_`)).toBe(true);
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    await page.goto(created.url);
    expect(await page.locator('.amount').textContent()).toBe(new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }).format(150_000));
    await page.getByRole('button', { name: /pm_card_chargeDeclined ✗/u }).click();
    expect(await page.getByRole('alert').textContent()).toBe('Your card was declined.');
    await page.screenshot({ path: join(SCRATCH_DIR, 'stripe-checkout-declined.png'), fullPage: true });
    await page.getByRole('button', { name: /pm_card_visa ✓/u }).click();
    await page.waitForURL(/\/topup\/done/u);
    expect(await page.locator('#session').textContent()).toBe(created.checkoutSessionId);
    await page.close();
    await fake.whenWebhooksIdle();
    const session = await sdk.checkout.sessions.retrieve(created.checkoutSessionId);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid', amount_total: 150_000, currency: 'vnd', url: null });
    const mine = events.filter((event) => 'orderId' in event && event.orderId === 'order-ck-1');
    expect(mine.map((event) => event.kind).sort()).toEqual(['payment_failed', 'payment_succeeded']);
    expect(mine.find((event) => event.kind === 'payment_succeeded')).toMatchObject({ amountVnd: 150_000, paymentIntentId: session.payment_intent });
  }, 20_000);

  it('creates one session per idempotency key, and an expired session cannot be paid', async () => {
    const first = await gateway.createCheckoutSession(checkoutInput('order-ck-2'));
    const again = await gateway.createCheckoutSession(checkoutInput('order-ck-2'));
    expect(again).toEqual(first);
    const expired = await sdk.checkout.sessions.expire(first.checkoutSessionId);
    expect(expired.status).toBe('expired');
    await expect(sdk.checkout.sessions.expire(first.checkoutSessionId)).rejects.toMatchObject({ code: 'checkout_session_not_open' });
    expect((await fetch(first.url)).status).toBe(410);
    const pay = await fetch(`${first.url}/pay`, { method: 'POST', body: new URLSearchParams({ payment_method: 'pm_card_visa' }), redirect: 'manual' });
    expect(pay.status).toBe(410);
  });

  it('refuses sessions Stripe would refuse', async () => {
    await expect(gateway.createCheckoutSession({ ...checkoutInput('order-ck-3'), successUrl: 'not a url' })).rejects.toMatchObject({ code: 'stripe_rejected' });
    const created = await gateway.createCheckoutSession(checkoutInput('order-ck-4'));
    const unknown = await fetch(`${created.url}/pay`, { method: 'POST', body: new URLSearchParams({ payment_method: 'pm_card_stolen_elsewhere' }), redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect((await fetch(`${fake.url}/_fake/checkout/cs_test_nope`)).status).toBe(404);
  });
});
