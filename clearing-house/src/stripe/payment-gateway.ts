/**
 * The payment edge the top-up flow depends on. Implemented by
 * StripePaymentGateway (gateway.ts) against real Stripe or the local fake.
 *
 * Written here because clearing-house/src/topups/ did not define one yet; the
 * shape is the one the top-up flow was specified with:
 * createPaymentIntent({ orderId, amountVnd, idempotencyKey }) → { paymentIntentId, clientSecret },
 * refund, parseWebhook(rawBody, signatureHeader) → typed event or typed failure.
 */

export interface CreatePaymentIntentInput {
  /** The top-up order this payment pays for; stored as Stripe metadata `order_id`. */
  readonly orderId: string;
  /** Integer đồng. VND is zero-decimal in Stripe: the amount is sent as is. */
  readonly amountVnd: number;
  /** Same key → same PaymentIntent, also across process restarts. */
  readonly idempotencyKey: string;
  readonly description?: string;
}

export interface CreatedPaymentIntent {
  readonly paymentIntentId: string;
  /** Handed to the payer's browser or app (Stripe.js confirmCardPayment); never logged. */
  readonly clientSecret: string;
}

export interface RefundInput {
  readonly paymentIntentId: string;
  /** Integer đồng; absent refunds whatever is not refunded yet. */
  readonly amountVnd?: number;
  readonly idempotencyKey: string;
  readonly reason?: 'duplicate' | 'fraudulent' | 'requested_by_customer';
}

export type RefundRefusal = 'not_paid' | 'already_refunded' | 'amount_exceeds_unrefunded' | 'payment_not_found';

export type RefundOutcome =
  | { readonly ok: true; readonly refundId: string; readonly paymentIntentId: string; readonly amountVnd: number }
  | { readonly ok: false; readonly refusal: RefundRefusal };

export type PaymentWebhookEvent =
  | {
      readonly kind: 'payment_succeeded';
      readonly eventId: string;
      readonly occurredAt: Date;
      readonly paymentIntentId: string;
      readonly orderId: string;
      readonly amountVnd: number;
    }
  | {
      readonly kind: 'payment_failed';
      readonly eventId: string;
      readonly occurredAt: Date;
      readonly paymentIntentId: string;
      readonly orderId: string;
      /** Stripe's error code (`card_declined`, `expired_card` …), or `unknown`. */
      readonly failureCode: string;
    }
  | {
      readonly kind: 'payment_canceled';
      readonly eventId: string;
      readonly occurredAt: Date;
      readonly paymentIntentId: string;
      readonly orderId: string;
    }
  | {
      readonly kind: 'refunded';
      readonly eventId: string;
      readonly occurredAt: Date;
      readonly paymentIntentId: string;
      readonly chargeId: string;
      /** Cumulative: everything refunded on the charge so far (apply the difference to what is already booked). */
      readonly amountRefundedVndTotal: number;
      readonly amountChargedVnd: number;
    }
  | { readonly kind: 'ignored'; readonly eventId: string; readonly eventType: string };

export type WebhookParseFailure =
  | 'signature_missing'
  | 'signature_invalid'
  | 'timestamp_outside_tolerance'
  | 'payload_too_large'
  | 'payload_malformed'
  | 'currency_unexpected'
  | 'order_id_missing';

export type WebhookParseResult =
  | { readonly ok: true; readonly event: PaymentWebhookEvent }
  | { readonly ok: false; readonly failure: WebhookParseFailure };

export interface PaymentGateway {
  createPaymentIntent(input: CreatePaymentIntentInput): Promise<CreatedPaymentIntent>;
  refund(input: RefundInput): Promise<RefundOutcome>;
  /** Verifies the `Stripe-Signature` over the raw body (exact bytes as received), then types the event. */
  parseWebhook(rawBody: string, signatureHeader: string | undefined): WebhookParseResult;
}

export interface CreateCheckoutSessionInput {
  readonly orderId: string;
  readonly amountVnd: number;
  readonly idempotencyKey: string;
  /** What the payer sees, e.g. "Nạp thẻ OneCard". */
  readonly productName: string;
  /** May contain `{CHECKOUT_SESSION_ID}`, which Stripe fills in. */
  readonly successUrl: string;
  readonly cancelUrl: string;
}

export interface CreatedCheckoutSession {
  readonly checkoutSessionId: string;
  /** Stripe's hosted payment page (the fake's test page offline). */
  readonly url: string;
}

/**
 * Checkout instead of a PaymentIntent the app confirms itself. Optional beside
 * PaymentGateway: the PaymentIntent Stripe makes carries `order_id` metadata,
 * so the same `payment_succeeded` webhook event completes the order.
 */
export interface CheckoutGateway {
  createCheckoutSession(input: CreateCheckoutSessionInput): Promise<CreatedCheckoutSession>;
}

export interface SweptPaymentEvent {
  readonly eventId: string;
  readonly result: WebhookParseResult;
}

/**
 * Catching up on events whose webhooks never arrived (endpoint down longer
 * than Stripe retries): list them from Stripe and apply them like webhooks;
 * the event id makes a second application a no-op.
 */
export interface PaymentEventSource {
  /** Events created at or after `createdFromSeconds`, newest first, at most `eventCountMax`. */
  sweepPaymentEvents(input: { readonly createdFromSeconds: number; readonly eventCountMax: number }): AsyncGenerator<SweptPaymentEvent>;
}

export type PaymentGatewayErrorCode = 'invalid_input' | 'stripe_unreachable' | 'stripe_authentication' | 'stripe_rate_limited' | 'stripe_rejected' | 'stripe_error';

/** An I/O or configuration failure talking to Stripe. Carries Stripe's request id, never a key or a client secret. */
export class PaymentGatewayError extends Error {
  override readonly name = 'PaymentGatewayError';
  readonly code: PaymentGatewayErrorCode;
  readonly stripeRequestId: string | undefined;

  constructor(code: PaymentGatewayErrorCode, message: string, options: { readonly cause?: unknown; readonly stripeRequestId?: string | undefined } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.stripeRequestId = options.stripeRequestId;
  }
}
