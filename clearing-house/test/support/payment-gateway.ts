/**
 * A PaymentGateway for the top-up tests: webhooks are signed and verified by
 * the real `stripe` SDK (generateTestHeaderString / constructEvent) and typed
 * by src/stripe/webhook-event.ts; createPaymentIntent records its calls and
 * answers one PaymentIntent per idempotency key, as Stripe does. The real
 * gateway against the local Stripe fake is tested in src/stripe/.
 */
import Stripe from 'stripe';
import { PaymentGatewayError, type CreatePaymentIntentInput, type CreatedPaymentIntent, type PaymentGateway, type RefundOutcome, type WebhookParseResult } from '../../src/stripe/payment-gateway.js';
import { typeStripeEvent } from '../../src/stripe/webhook-event.js';

export const TEST_WEBHOOK_SECRET = 'whsec_test_onecard_clearing_house';

export class RecordingPaymentGateway implements PaymentGateway {
  readonly stripe = new Stripe('sk_test_not_used_offline');
  readonly calls: CreatePaymentIntentInput[] = [];
  /** The next createPaymentIntent fails as if Stripe were unreachable. */
  failNextCreate = false;
  readonly #byKey = new Map<string, CreatedPaymentIntent>();

  createPaymentIntent(input: CreatePaymentIntentInput): Promise<CreatedPaymentIntent> {
    this.calls.push(input);
    if (this.failNextCreate) {
      this.failNextCreate = false;
      return Promise.reject(new PaymentGatewayError('stripe_unreachable', 'cannot reach Stripe'));
    }
    const existing = this.#byKey.get(input.idempotencyKey);
    if (existing !== undefined) return Promise.resolve(existing);
    const id = `pi_test_${this.#byKey.size + 1}`;
    const created = { paymentIntentId: id, clientSecret: `${id}_secret_test` };
    this.#byKey.set(input.idempotencyKey, created);
    return Promise.resolve(created);
  }

  refund(): Promise<RefundOutcome> {
    return Promise.resolve({ ok: false, refusal: 'payment_not_found' });
  }

  parseWebhook(rawBody: string, signatureHeader: string | undefined): WebhookParseResult {
    if (signatureHeader === undefined) return { ok: false, failure: 'signature_missing' };
    try {
      this.stripe.webhooks.constructEvent(rawBody, signatureHeader, TEST_WEBHOOK_SECRET);
    } catch {
      return { ok: false, failure: 'signature_invalid' };
    }
    return typeStripeEvent(rawBody);
  }

  /** A Stripe event body and its `Stripe-Signature` header, signed with the SDK. */
  signedEvent(input: { readonly id: string; readonly type: string; readonly object: Record<string, unknown> }): { readonly body: string; readonly signature: string } {
    const body = JSON.stringify({ id: input.id, object: 'event', type: input.type, created: Math.floor(Date.now() / 1000), data: { object: input.object } });
    return { body, signature: this.stripe.webhooks.generateTestHeaderString({ payload: body, secret: TEST_WEBHOOK_SECRET }) };
  }

  paymentIntentEvent(input: { readonly eventId: string; readonly type: string; readonly paymentIntentId: string; readonly orderId: string; readonly amountVnd: number }): { readonly body: string; readonly signature: string } {
    return this.signedEvent({
      id: input.eventId,
      type: input.type,
      object: { id: input.paymentIntentId, object: 'payment_intent', amount: input.amountVnd, amount_received: input.type === 'payment_intent.succeeded' ? input.amountVnd : 0, currency: 'vnd', metadata: { order_id: input.orderId }, last_payment_error: null },
    });
  }

  refundEvent(input: { readonly eventId: string; readonly paymentIntentId: string; readonly amountVnd: number; readonly refundedVnd: number }): { readonly body: string; readonly signature: string } {
    return this.signedEvent({ id: input.eventId, type: 'charge.refunded', object: { id: `ch_${input.paymentIntentId.slice(3)}`, object: 'charge', amount: input.amountVnd, amount_refunded: input.refundedVnd, currency: 'vnd', payment_intent: input.paymentIntentId } });
  }
}
