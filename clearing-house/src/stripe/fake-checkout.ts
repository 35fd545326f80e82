/**
 * Checkout Sessions in the fake (docs.stripe.com/api/checkout/sessions), mode
 * `payment` with inline `price_data` line items: create, retrieve, expire, and
 * paying one from the fake's hosted page (fake-checkout-page.ts). As in Stripe,
 * the PaymentIntent is made when the payer pays, with
 * `payment_intent_data[metadata]`, so its events carry the order id.
 */
import { z } from 'zod';
import { invalidRequest, resourceMissing } from './fake-errors.js';
import { executed, rejected, type EventDraft, type FakeHandler, type HandlerOutcome } from './fake-handler.js';
import { expandParam, integerParam, metadataParam, parseParams } from './fake-params.js';
import { STRIPE_AMOUNT_MAX, SUPPORTED_CURRENCIES, attemptPayment, newPaymentIntent, piEvent } from './fake-payment-intents.js';
import { checkoutSessionJson, fakeId, type FakeCheckoutSession, type FakeState } from './fake-state.js';

export const CHECKOUT_SESSION_LIFETIME_SECONDS = 24 * 60 * 60;
export const CHECKOUT_LINE_ITEM_COUNT_MAX = 20;
export const FAKE_CHECKOUT_PAGE_PATH = '/_fake/checkout';
const URL_LENGTH_MAX = 5000;

const lineItem = z.strictObject({
  quantity: integerParam,
  price_data: z.strictObject({
    currency: z.string(),
    unit_amount: integerParam,
    product_data: z.strictObject({ name: z.string().min(1).max(250), description: z.string().max(500).optional() }),
  }),
});

const createSchema = z.strictObject({
  mode: z.literal('payment'),
  line_items: z.array(lineItem).min(1).max(CHECKOUT_LINE_ITEM_COUNT_MAX),
  success_url: z.url().max(URL_LENGTH_MAX),
  cancel_url: z.url().max(URL_LENGTH_MAX).optional(),
  metadata: metadataParam.optional(),
  payment_intent_data: z.strictObject({ metadata: metadataParam.optional(), description: z.string().max(1000).optional() }).optional(),
  client_reference_id: z.string().max(200).optional(),
  customer_email: z.string().optional(),
  locale: z.string().optional(),
  payment_method_types: z.array(z.string()).optional(),
  expand: expandParam,
});
const retrieveSchema = z.strictObject({ expand: expandParam });

export const createCheckoutSession: FakeHandler = ({ state, params, origin }) => {
  const parsed = parseParams(createSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const input = parsed.value;
  const currencies = new Set(input.line_items.map((item) => item.price_data.currency));
  const [currency] = [...currencies];
  if (currencies.size !== 1 || currency === undefined || !SUPPORTED_CURRENCIES.includes(currency)) {
    return rejected(invalidRequest('All line items must use one supported currency.', { param: 'line_items' }));
  }
  if (input.line_items.some((item) => item.quantity < 1 || item.price_data.unit_amount < 0)) {
    return rejected(invalidRequest('Line item quantities must be positive and amounts not negative.', { code: 'parameter_invalid_integer', param: 'line_items' }));
  }
  const amountTotal = input.line_items.reduce((sum, item) => sum + item.quantity * item.price_data.unit_amount, 0);
  if (amountTotal < 1 || amountTotal > STRIPE_AMOUNT_MAX) {
    return rejected(invalidRequest(`The Checkout Session's total amount must be between 1 and ${STRIPE_AMOUNT_MAX}.`, { code: 'amount_too_large', param: 'line_items' }));
  }
  const id = fakeId('cs_test', 58);
  const now = state.nowSeconds();
  const session: FakeCheckoutSession = {
    id,
    amountTotal,
    currency,
    productName: input.line_items.map((item) => item.price_data.product_data.name).join(', '),
    createdSeconds: now,
    expiresAtSeconds: now + CHECKOUT_SESSION_LIFETIME_SECONDS,
    successUrl: input.success_url,
    cancelUrl: input.cancel_url ?? null,
    metadata: input.metadata ?? {},
    paymentIntentMetadata: input.payment_intent_data?.metadata ?? {},
    clientReferenceId: input.client_reference_id ?? null,
    url: `${origin}${FAKE_CHECKOUT_PAGE_PATH}/${id}`,
    status: 'open',
    paymentStatus: 'unpaid',
    paymentIntentId: null,
  };
  state.checkoutSessions.set(id, session);
  return executed({ status: 200, body: checkoutSessionJson(session) });
};

export const retrieveCheckoutSession: FakeHandler = ({ state, params, id }) => {
  const parsed = parseParams(retrieveSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const session = state.checkoutSessions.get(id);
  if (session === undefined) return rejected(resourceMissing('checkout.session', id, 'session'));
  return executed({ status: 200, body: checkoutSessionJson(session) });
};

export const expireCheckoutSession: FakeHandler = ({ state, params, id }) => {
  const parsed = parseParams(retrieveSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const session = state.checkoutSessions.get(id);
  if (session === undefined) return rejected(resourceMissing('checkout.session', id, 'session'));
  if (session.status !== 'open') return executed(invalidRequest(`Only Checkout Sessions with a status of open can be expired.`, { code: 'checkout_session_not_open' }));
  session.status = 'expired';
  return executed({ status: 200, body: checkoutSessionJson(session) }, [{ type: 'checkout.session.expired', object: checkoutSessionJson(session) }]);
};

export type CheckoutPaymentResult =
  | { readonly kind: 'paid'; readonly session: FakeCheckoutSession; readonly events: readonly EventDraft[] }
  | { readonly kind: 'declined'; readonly message: string; readonly events: readonly EventDraft[] }
  | { readonly kind: 'not_open' | 'not_found' | 'unknown_payment_method' };

/** The payer pays on the hosted page: one PaymentIntent per session, retried after a decline. */
export function payCheckoutSession(state: FakeState, sessionId: string, paymentMethod: string): CheckoutPaymentResult {
  const session = state.checkoutSessions.get(sessionId);
  if (session === undefined) return { kind: 'not_found' };
  if (session.status !== 'open' || state.nowSeconds() >= session.expiresAtSeconds) return { kind: 'not_open' };
  const existing = session.paymentIntentId === null ? undefined : state.paymentIntents.get(session.paymentIntentId);
  const events: EventDraft[] = [];
  const pi =
    existing ??
    newPaymentIntent(state, {
      amount: session.amountTotal,
      currency: session.currency,
      metadata: session.paymentIntentMetadata,
      description: session.productName,
      paymentMethodTypes: ['card'],
      paymentMethod: null,
    });
  if (existing === undefined) events.push(piEvent('payment_intent.created', pi));
  session.paymentIntentId = pi.id;
  const attempt: HandlerOutcome = attemptPayment(state, pi, paymentMethod);
  if (!attempt.replayable) return { kind: 'unknown_payment_method' };
  events.push(...attempt.events);
  if (pi.status !== 'succeeded') {
    const message = pi.lastPaymentError?.message ?? 'Your card was declined.';
    return { kind: 'declined', message, events };
  }
  session.status = 'complete';
  session.paymentStatus = 'paid';
  events.push({ type: 'checkout.session.completed', object: checkoutSessionJson(session) });
  return { kind: 'paid', session, events };
}
