/**
 * The fake Stripe's in-memory objects (one set per fake server instance) and
 * their JSON in Stripe's wire shape (docs.stripe.com/api/payment_intents/object,
 * /api/charges/object, /api/refunds/object, /api/events/object).
 */
import { randomBytes } from 'node:crypto';
import type { StripeErrorBody } from './fake-errors.js';

export const FAKE_ID_RANDOM_CHARS = 24;
export const FAKE_EVENT_COUNT_MAX = 10_000;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export type PaymentIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'processing' | 'succeeded' | 'canceled';

export interface FakePaymentIntent {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly clientSecret: string;
  readonly createdSeconds: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly description: string | null;
  readonly paymentMethodTypes: readonly string[];
  status: PaymentIntentStatus;
  paymentMethod: string | null;
  latestChargeId: string | null;
  amountReceived: number;
  lastPaymentError: StripeErrorBody | null;
  canceledAtSeconds: number | null;
  cancellationReason: string | null;
}

export interface FakeCharge {
  readonly id: string;
  readonly paymentIntentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly createdSeconds: number;
  readonly paymentMethod: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly status: 'succeeded' | 'failed';
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  amountRefunded: number;
}

export interface FakeRefund {
  readonly id: string;
  readonly chargeId: string;
  readonly paymentIntentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly createdSeconds: number;
  readonly reason: string | null;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface FakeEvent {
  readonly id: string;
  readonly type: string;
  readonly createdSeconds: number;
  readonly apiVersion: string;
  readonly object: unknown;
  readonly requestId: string;
  readonly idempotencyKey: string | null;
}

export interface FakeCheckoutSession {
  readonly id: string;
  readonly amountTotal: number;
  readonly currency: string;
  readonly productName: string;
  readonly createdSeconds: number;
  readonly expiresAtSeconds: number;
  readonly successUrl: string;
  readonly cancelUrl: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly paymentIntentMetadata: Readonly<Record<string, string>>;
  readonly clientReferenceId: string | null;
  readonly url: string;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'unpaid' | 'paid';
  paymentIntentId: string | null;
}

export interface FakeState {
  readonly checkoutSessions: Map<string, FakeCheckoutSession>;
  readonly paymentIntents: Map<string, FakePaymentIntent>;
  readonly charges: Map<string, FakeCharge>;
  readonly refunds: Map<string, FakeRefund>;
  readonly events: Map<string, FakeEvent>;
  readonly nowSeconds: () => number;
}

export function createFakeState(nowMs: () => number): FakeState {
  return {
    checkoutSessions: new Map(),
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    events: new Map(),
    nowSeconds: () => Math.floor(nowMs() / 1000),
  };
}

/** A Stripe-looking id (`pi_…`, `ch_…`) from a CSPRNG. */
export function fakeId(prefix: string, length: number = FAKE_ID_RANDOM_CHARS): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ID_ALPHABET[byte % ID_ALPHABET.length] ?? 'x';
  return `${prefix}_${out}`;
}

export function paymentIntentJson(pi: FakePaymentIntent): Record<string, unknown> {
  return {
    id: pi.id,
    object: 'payment_intent',
    amount: pi.amount,
    amount_capturable: 0,
    amount_received: pi.amountReceived,
    automatic_payment_methods: null,
    canceled_at: pi.canceledAtSeconds,
    cancellation_reason: pi.cancellationReason,
    capture_method: 'automatic',
    client_secret: pi.clientSecret,
    confirmation_method: 'automatic',
    created: pi.createdSeconds,
    currency: pi.currency,
    customer: null,
    description: pi.description,
    last_payment_error: pi.lastPaymentError,
    latest_charge: pi.latestChargeId,
    livemode: false,
    metadata: pi.metadata,
    next_action: null,
    payment_method: pi.paymentMethod,
    payment_method_types: pi.paymentMethodTypes,
    receipt_email: null,
    status: pi.status,
  };
}

export function chargeJson(charge: FakeCharge): Record<string, unknown> {
  return {
    id: charge.id,
    object: 'charge',
    amount: charge.amount,
    amount_captured: charge.status === 'succeeded' ? charge.amount : 0,
    amount_refunded: charge.amountRefunded,
    captured: charge.status === 'succeeded',
    created: charge.createdSeconds,
    currency: charge.currency,
    failure_code: charge.failureCode,
    failure_message: charge.failureMessage,
    livemode: false,
    metadata: charge.metadata,
    paid: charge.status === 'succeeded',
    payment_intent: charge.paymentIntentId,
    payment_method: charge.paymentMethod,
    refunded: charge.amountRefunded === charge.amount && charge.amount > 0,
    status: charge.status,
  };
}

export function refundJson(refund: FakeRefund): Record<string, unknown> {
  return {
    id: refund.id,
    object: 'refund',
    amount: refund.amount,
    charge: refund.chargeId,
    created: refund.createdSeconds,
    currency: refund.currency,
    metadata: refund.metadata,
    payment_intent: refund.paymentIntentId,
    reason: refund.reason,
    status: 'succeeded',
  };
}

export function checkoutSessionJson(session: FakeCheckoutSession): Record<string, unknown> {
  return {
    id: session.id,
    object: 'checkout.session',
    amount_subtotal: session.amountTotal,
    amount_total: session.amountTotal,
    cancel_url: session.cancelUrl,
    client_reference_id: session.clientReferenceId,
    created: session.createdSeconds,
    currency: session.currency,
    expires_at: session.expiresAtSeconds,
    livemode: false,
    metadata: session.metadata,
    mode: 'payment',
    payment_intent: session.paymentIntentId,
    payment_status: session.paymentStatus,
    status: session.status,
    success_url: session.successUrl,
    url: session.status === 'open' ? session.url : null,
  };
}

export function eventJson(event: FakeEvent): Record<string, unknown> {
  return {
    id: event.id,
    object: 'event',
    api_version: event.apiVersion,
    created: event.createdSeconds,
    data: { object: event.object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: event.requestId, idempotency_key: event.idempotencyKey },
    type: event.type,
  };
}

/** Records an event, dropping the oldest past FAKE_EVENT_COUNT_MAX. */
export function recordEvent(state: FakeState, event: FakeEvent): void {
  state.events.set(event.id, event);
  if (state.events.size > FAKE_EVENT_COUNT_MAX) {
    const oldest = state.events.keys().next();
    if (oldest.done !== true) state.events.delete(oldest.value);
  }
}
