/**
 * StripePaymentGateway: the PaymentGateway on the real `stripe` SDK. Pointed
 * at api.stripe.com by default, or at the local fake through `endpoint`.
 * VND is zero-decimal in Stripe, so `amount` is the integer đồng.
 */
import Stripe from 'stripe';
import {
  PaymentGatewayError,
  type CheckoutGateway,
  type PaymentEventSource,
  type SweptPaymentEvent,
  type CreateCheckoutSessionInput,
  type CreatedCheckoutSession,
  type CreatePaymentIntentInput,
  type CreatedPaymentIntent,
  type PaymentGateway,
  type RefundInput,
  type RefundOutcome,
  type WebhookParseResult,
} from './payment-gateway.js';
import { STRIPE_AMOUNT_MAX } from './fake-payment-intents.js';
import { TOPUP_CURRENCY, typeStripeEvent } from './webhook-event.js';

export const WEBHOOK_TOLERANCE_SECONDS_DEFAULT = 300;
export const WEBHOOK_BODY_BYTES_MAX = 256 * 1024;
export const STRIPE_NETWORK_RETRY_COUNT_MAX = 3;
export const STRIPE_REQUEST_TIMEOUT_MS = 20_000;
export const IDEMPOTENCY_KEY_LENGTH_MAX = 255;
export const EVENT_SWEEP_COUNT_MAX = 100_000;
const EVENT_PAGE_SIZE = 100;
const ORDER_ID_LENGTH_MAX = 200;

export interface StripeEndpoint {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
}

export interface StripePaymentGatewayOptions {
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** Absent: api.stripe.com. Set for the local fake. */
  readonly endpoint?: StripeEndpoint;
  readonly webhookToleranceSeconds?: number;
  readonly networkRetryCountMax?: number;
  readonly nowMs?: () => number;
}

function errorCodeOf(error: unknown): PaymentGatewayError {
  if (!(error instanceof Stripe.errors.StripeError)) return new PaymentGatewayError('stripe_error', 'unexpected failure calling Stripe', { cause: error });
  const requestId = error.requestId;
  const detail = `Stripe answered ${error.type}${error.code === undefined ? '' : ` (${error.code})`}`;
  if (error instanceof Stripe.errors.StripeConnectionError) return new PaymentGatewayError('stripe_unreachable', 'cannot reach Stripe', { cause: error });
  if (error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError) {
    return new PaymentGatewayError('stripe_authentication', detail, { cause: error, stripeRequestId: requestId });
  }
  if (error instanceof Stripe.errors.StripeRateLimitError) return new PaymentGatewayError('stripe_rate_limited', detail, { cause: error, stripeRequestId: requestId });
  if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeIdempotencyError) {
    return new PaymentGatewayError('stripe_rejected', detail, { cause: error, stripeRequestId: requestId });
  }
  return new PaymentGatewayError('stripe_error', detail, { cause: error, stripeRequestId: requestId });
}

function checkIdempotencyKey(key: string): void {
  if (key.length === 0 || key.length > IDEMPOTENCY_KEY_LENGTH_MAX) throw new PaymentGatewayError('invalid_input', 'idempotency key must be 1–255 characters');
}

function checkOrder(input: { readonly orderId: string; readonly amountVnd: number; readonly idempotencyKey: string }): void {
  if (!Number.isSafeInteger(input.amountVnd) || input.amountVnd < 1 || input.amountVnd > STRIPE_AMOUNT_MAX) {
    throw new PaymentGatewayError('invalid_input', `amountVnd must be an integer in 1..${STRIPE_AMOUNT_MAX}`);
  }
  if (input.orderId.length === 0 || input.orderId.length > ORDER_ID_LENGTH_MAX) throw new PaymentGatewayError('invalid_input', 'orderId must be 1–200 characters');
  checkIdempotencyKey(input.idempotencyKey);
}

function signatureTimestampSeconds(header: string): number | undefined {
  for (const part of header.split(',')) {
    const [name, value] = part.split('=');
    if (name?.trim() === 't' && value !== undefined && /^\d{1,12}$/u.test(value.trim())) return Number(value.trim());
  }
  return undefined;
}

export class StripePaymentGateway implements PaymentGateway, CheckoutGateway, PaymentEventSource {
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;
  readonly #toleranceSeconds: number;
  readonly #nowMs: () => number;

  constructor(options: StripePaymentGatewayOptions) {
    if (options.secretKey === '' || options.webhookSecret === '') throw new PaymentGatewayError('invalid_input', 'Stripe secret key and webhook secret are required');
    this.#stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: options.networkRetryCountMax ?? STRIPE_NETWORK_RETRY_COUNT_MAX,
      timeout: STRIPE_REQUEST_TIMEOUT_MS,
      telemetry: false,
      ...(options.endpoint === undefined ? {} : { host: options.endpoint.host, port: options.endpoint.port, protocol: options.endpoint.protocol }),
    });
    this.#webhookSecret = options.webhookSecret;
    this.#toleranceSeconds = options.webhookToleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS_DEFAULT;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  async createPaymentIntent(input: CreatePaymentIntentInput): Promise<CreatedPaymentIntent> {
    checkOrder(input);
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.#stripe.paymentIntents.create(
        {
          amount: input.amountVnd,
          currency: TOPUP_CURRENCY,
          automatic_payment_methods: { enabled: true },
          metadata: { order_id: input.orderId },
          ...(input.description === undefined ? {} : { description: input.description }),
        },
        { idempotencyKey: input.idempotencyKey },
      );
    } catch (error: unknown) {
      throw errorCodeOf(error);
    }
    if (intent.client_secret === null) throw new PaymentGatewayError('stripe_error', 'Stripe returned a PaymentIntent without a client secret');
    return { paymentIntentId: intent.id, clientSecret: intent.client_secret };
  }

  async createCheckoutSession(input: CreateCheckoutSessionInput): Promise<CreatedCheckoutSession> {
    checkOrder(input);
    let session: Stripe.Checkout.Session;
    try {
      session = await this.#stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [{ quantity: 1, price_data: { currency: TOPUP_CURRENCY, unit_amount: input.amountVnd, product_data: { name: input.productName } } }],
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          client_reference_id: input.orderId,
          metadata: { order_id: input.orderId },
          payment_intent_data: { metadata: { order_id: input.orderId } },
        },
        { idempotencyKey: input.idempotencyKey },
      );
    } catch (error: unknown) {
      throw errorCodeOf(error);
    }
    if (session.url === null) throw new PaymentGatewayError('stripe_error', 'Stripe returned a Checkout Session without a URL');
    return { checkoutSessionId: session.id, url: session.url };
  }

  async refund(input: RefundInput): Promise<RefundOutcome> {
    if (input.amountVnd !== undefined && (!Number.isSafeInteger(input.amountVnd) || input.amountVnd < 1)) {
      throw new PaymentGatewayError('invalid_input', 'amountVnd must be a positive integer');
    }
    checkIdempotencyKey(input.idempotencyKey);
    try {
      const refund = await this.#stripe.refunds.create(
        {
          payment_intent: input.paymentIntentId,
          ...(input.amountVnd === undefined ? {} : { amount: input.amountVnd }),
          ...(input.reason === undefined ? {} : { reason: input.reason }),
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return { ok: true, refundId: refund.id, paymentIntentId: input.paymentIntentId, amountVnd: refund.amount };
    } catch (error: unknown) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError) {
        if (error.code === 'charge_already_refunded') return { ok: false, refusal: 'already_refunded' };
        if (error.code === 'amount_too_large') return { ok: false, refusal: 'amount_exceeds_unrefunded' };
        if (error.code === 'resource_missing') return { ok: false, refusal: 'payment_not_found' };
        if (error.param === 'payment_intent' || error.code === 'charge_not_refundable') return { ok: false, refusal: 'not_paid' };
      }
      throw errorCodeOf(error);
    }
  }

  async *sweepPaymentEvents(input: { readonly createdFromSeconds: number; readonly eventCountMax: number }): AsyncGenerator<SweptPaymentEvent> {
    if (!Number.isSafeInteger(input.eventCountMax) || input.eventCountMax < 1 || input.eventCountMax > EVENT_SWEEP_COUNT_MAX) {
      throw new PaymentGatewayError('invalid_input', `eventCountMax must be in 1..${EVENT_SWEEP_COUNT_MAX}`);
    }
    let seen = 0;
    try {
      // The SDK pages with starting_after; events come over the authenticated API, so no signature to check.
      for await (const event of this.#stripe.events.list({ created: { gte: input.createdFromSeconds }, limit: EVENT_PAGE_SIZE })) {
        yield { eventId: event.id, result: typeStripeEvent(JSON.stringify(event)) };
        seen += 1;
        if (seen >= input.eventCountMax) return;
      }
    } catch (error: unknown) {
      throw errorCodeOf(error);
    }
  }

  parseWebhook(rawBody: string, signatureHeader: string | undefined): WebhookParseResult {
    if (signatureHeader === undefined || signatureHeader.trim() === '') return { ok: false, failure: 'signature_missing' };
    if (Buffer.byteLength(rawBody, 'utf8') > WEBHOOK_BODY_BYTES_MAX) return { ok: false, failure: 'payload_too_large' };
    const timestampSeconds = signatureTimestampSeconds(signatureHeader);
    if (timestampSeconds === undefined) return { ok: false, failure: 'signature_invalid' };
    try {
      this.#stripe.webhooks.constructEvent(rawBody, signatureHeader, this.#webhookSecret, this.#toleranceSeconds, undefined, this.#nowMs());
    } catch (error: unknown) {
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) return { ok: false, failure: 'payload_malformed' };
      const ageSeconds = Math.floor(this.#nowMs() / 1000) - timestampSeconds;
      return { ok: false, failure: ageSeconds > this.#toleranceSeconds ? 'timestamp_outside_tolerance' : 'signature_invalid' };
    }
    return typeStripeEvent(rawBody);
  }
}
