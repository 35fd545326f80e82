/**
 * One top-up end to end: an order at the clearing house (POST /v1/topups,
 * which creates the PaymentIntent through the real `stripe` SDK), the payment
 * confirmed through the SDK as the payer's browser would, the signed webhook
 * delivered by the Stripe fake to the clearing house, the action list
 * downloaded by the validators, the autoload at the card's next tap on the
 * autoload validator, and its posting when that tap is uploaded.
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import type { Executor } from '@onecard/clearing-house';
import type { OpenedPaymentGateway } from '@onecard/clearing-house/stripe';
import type { TapOutcome } from '@onecard/validator';
import type { CityCard } from './cards.js';
import type { CityValidator } from './devices.js';
import { CITY_TOPUP_AMOUNT_VND_MAX, CITY_WEBHOOK_WAIT_MS } from './limits.js';
import { syncDevices } from './sync-all.js';

const ORDER_POLL_MS = 50;
const TEST_PAYMENT_METHOD = 'pm_card_visa';

export interface TopUpReport {
  readonly orderId: string;
  readonly paymentIntentId: string;
  /** The order's status once the webhook was applied (`paid`), and after the autoload was ingested (`applied`). */
  readonly statusAfterWebhook: string;
  readonly statusAfterIngest: string;
  readonly autoloadTap: TapOutcome;
}

export interface TopUpCity {
  readonly clearingHouseUrl: string;
  readonly payments: OpenedPaymentGateway;
  readonly validators: readonly CityValidator[];
  readonly autoloader: CityValidator;
  readonly db: Executor;
  tapCard(card: CityCard, validator: CityValidator): Promise<TapOutcome>;
}

async function orderStatus(db: Executor, orderId: string): Promise<string> {
  const result: unknown = await db.execute(sql`SELECT status FROM topup_orders WHERE id = ${orderId}`);
  const rows = Array.isArray(result) ? (result as Record<string, unknown>[]) : ((result as { rows: Record<string, unknown>[] }).rows);
  const status = rows[0]?.['status'];
  return typeof status === 'string' ? status : 'missing';
}

export async function runTopUp(input: { readonly city: TopUpCity; readonly card: CityCard; readonly amountVnd: number; readonly idempotencyKey: string }): Promise<TopUpReport> {
  if (!Number.isInteger(input.amountVnd) || input.amountVnd < 1 || input.amountVnd > CITY_TOPUP_AMOUNT_VND_MAX) throw new RangeError(`amountVnd must be 1..${CITY_TOPUP_AMOUNT_VND_MAX}`);
  const { city } = input;
  const response = await fetch(`${city.clearingHouseUrl}/v1/topups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cardNumber: input.card.cardNumber, application: 'transit', amountVnd: input.amountVnd, idempotencyKey: input.idempotencyKey }),
  });
  if (response.status !== 201) throw new Error(`the top-up order was refused (HTTP ${response.status})`);
  const order = (await response.json()) as { orderId: string; paymentIntentId: string };
  const fake = city.payments.fake;
  if (fake === undefined) throw new Error('the city confirms payments itself only against the Stripe fake; with real Stripe the payer confirms in Checkout');
  const sdk = new Stripe(fake.secretKey, { host: fake.host, port: fake.port, protocol: 'http', telemetry: false });
  await sdk.paymentIntents.confirm(order.paymentIntentId, { payment_method: TEST_PAYMENT_METHOD });
  await fake.whenWebhooksIdle();
  const deadlineMs = Date.now() + CITY_WEBHOOK_WAIT_MS;
  let statusAfterWebhook = await orderStatus(city.db, order.orderId);
  while (statusAfterWebhook === 'created' && Date.now() < deadlineMs) {
    await sleepMs(ORDER_POLL_MS);
    statusAfterWebhook = await orderStatus(city.db, order.orderId);
  }
  // The validators download the new action list on their next round.
  await syncDevices(city.validators);
  const autoloadTap = await city.tapCard(input.card, city.autoloader);
  await syncDevices(city.validators);
  return { orderId: order.orderId, paymentIntentId: order.paymentIntentId, statusAfterWebhook, statusAfterIngest: await orderStatus(city.db, order.orderId), autoloadTap };
}
