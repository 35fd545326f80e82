/**
 * PaymentIntents in the fake: create, retrieve, confirm, cancel
 * (docs.stripe.com/api/payment_intents). A confirm with a test payment method
 * succeeds or declines at once (no 3-D Secure, no async capture).
 */
import { z } from 'zod';
import { invalidRequest, resourceMissing, stripeError, unexpectedState } from './fake-errors.js';
import { executed, rejected, type EventDraft, type FakeHandler, type HandlerOutcome } from './fake-handler.js';
import { DESCRIPTION_LENGTH_MAX, booleanParam, expandParam, integerParam, metadataParam, parseParams } from './fake-params.js';
import { chargeJson, fakeId, paymentIntentJson, type FakePaymentIntent, type FakeState } from './fake-state.js';
import { testCardOutcome } from './fake-test-cards.js';

/** Stripe caps charge amounts at eight digits in the currency's minor unit (the đồng for VND). */
export const STRIPE_AMOUNT_MAX = 99_999_999;
export const SUPPORTED_CURRENCIES: readonly string[] = ['vnd', 'usd', 'eur', 'jpy'];
const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const;
const CONFIRMABLE: readonly string[] = ['requires_payment_method', 'requires_confirmation'];

const createSchema = z.strictObject({
  amount: integerParam,
  currency: z.string(),
  automatic_payment_methods: z.strictObject({ enabled: booleanParam, allow_redirects: z.enum(['always', 'never']).optional() }).optional(),
  confirm: booleanParam.optional(),
  description: z.string().max(DESCRIPTION_LENGTH_MAX).optional(),
  expand: expandParam,
  metadata: metadataParam.optional(),
  payment_method: z.string().optional(),
  payment_method_types: z.array(z.string()).optional(),
  receipt_email: z.string().optional(),
  statement_descriptor_suffix: z.string().max(22).optional(),
});

const confirmSchema = z.strictObject({ payment_method: z.string().optional(), expand: expandParam, return_url: z.string().optional() });
const cancelSchema = z.strictObject({ cancellation_reason: z.enum(CANCELLATION_REASONS).optional(), expand: expandParam });
const retrieveSchema = z.strictObject({ client_secret: z.string().optional(), expand: expandParam });

export function piEvent(type: string, pi: FakePaymentIntent): EventDraft {
  return { type, object: paymentIntentJson(pi) };
}

function lookup(state: FakeState, id: string): FakePaymentIntent | undefined {
  return state.paymentIntents.get(id);
}

/** Charges `pi` with a test payment method: success, or a decline stored on the intent. */
export function attemptPayment(state: FakeState, pi: FakePaymentIntent, paymentMethod: string): HandlerOutcome {
  const outcome = testCardOutcome(paymentMethod);
  if (outcome === undefined) return rejected(resourceMissing('PaymentMethod', paymentMethod, 'payment_method'));
  const chargeId = fakeId('ch');
  const base = {
    id: chargeId,
    paymentIntentId: pi.id,
    amount: pi.amount,
    currency: pi.currency,
    createdSeconds: state.nowSeconds(),
    paymentMethod,
    // Stripe does not copy a PaymentIntent's metadata onto its charges.
    metadata: {},
    amountRefunded: 0,
  };
  pi.paymentMethod = paymentMethod;
  pi.latestChargeId = chargeId;
  if (outcome.kind === 'succeeds') {
    const charge = { ...base, status: 'succeeded' as const, failureCode: null, failureMessage: null };
    state.charges.set(chargeId, charge);
    pi.status = 'succeeded';
    pi.amountReceived = pi.amount;
    pi.lastPaymentError = null;
    return executed({ status: 200, body: paymentIntentJson(pi) }, [
      { type: 'charge.succeeded', object: chargeJson(charge) },
      piEvent('payment_intent.succeeded', pi),
    ]);
  }
  const charge = { ...base, status: 'failed' as const, failureCode: outcome.code, failureMessage: outcome.message };
  state.charges.set(chargeId, charge);
  const error = {
    type: 'card_error' as const,
    code: outcome.code,
    message: outcome.message,
    charge: chargeId,
    ...(outcome.declineCode === null ? {} : { decline_code: outcome.declineCode }),
  };
  pi.status = 'requires_payment_method';
  pi.paymentMethod = null;
  pi.lastPaymentError = error;
  return executed(stripeError(402, { ...error, payment_intent: paymentIntentJson(pi) }), [
    { type: 'charge.failed', object: chargeJson(charge) },
    piEvent('payment_intent.payment_failed', pi),
  ]);
}

/** Stores a new intent awaiting a payment method (or confirmation, when one is given). */
export function newPaymentIntent(
  state: FakeState,
  input: {
    readonly amount: number;
    readonly currency: string;
    readonly metadata: Readonly<Record<string, string>>;
    readonly description: string | null;
    readonly paymentMethodTypes: readonly string[];
    readonly paymentMethod: string | null;
  },
): FakePaymentIntent {
  const id = fakeId('pi');
  const pi: FakePaymentIntent = {
    id,
    amount: input.amount,
    currency: input.currency,
    clientSecret: `${id}_secret_${fakeId('s').slice(2)}`,
    createdSeconds: state.nowSeconds(),
    metadata: input.metadata,
    description: input.description,
    paymentMethodTypes: input.paymentMethodTypes,
    status: input.paymentMethod === null ? 'requires_payment_method' : 'requires_confirmation',
    paymentMethod: input.paymentMethod,
    latestChargeId: null,
    amountReceived: 0,
    lastPaymentError: null,
    canceledAtSeconds: null,
    cancellationReason: null,
  };
  state.paymentIntents.set(id, pi);
  return pi;
}

export const createPaymentIntent: FakeHandler = ({ state, params }) => {
  const parsed = parseParams(createSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const input = parsed.value;
  if (!SUPPORTED_CURRENCIES.includes(input.currency)) {
    return rejected(invalidRequest(`Invalid currency: ${input.currency}.`, { code: 'parameter_invalid_empty', param: 'currency' }));
  }
  if (input.amount < 1) {
    return rejected(invalidRequest('This value must be greater than or equal to 1.', { code: 'parameter_invalid_integer', param: 'amount' }));
  }
  if (input.amount > STRIPE_AMOUNT_MAX) {
    return rejected(invalidRequest(`Amount must be no more than ${STRIPE_AMOUNT_MAX}.`, { code: 'amount_too_large', param: 'amount' }));
  }
  const pi = newPaymentIntent(state, {
    amount: input.amount,
    currency: input.currency,
    metadata: input.metadata ?? {},
    description: input.description ?? null,
    paymentMethodTypes: input.payment_method_types ?? ['card'],
    paymentMethod: input.payment_method ?? null,
  });
  const { id } = pi;
  const created = piEvent('payment_intent.created', pi);
  if (input.confirm === true && input.payment_method !== undefined) {
    const attempt = attemptPayment(state, pi, input.payment_method);
    if (!attempt.replayable) state.paymentIntents.delete(id);
    return { ...attempt, events: attempt.replayable ? [created, ...attempt.events] : [] };
  }
  return executed({ status: 200, body: paymentIntentJson(pi) }, [created]);
};

export const retrievePaymentIntent: FakeHandler = ({ state, params, id }) => {
  const parsed = parseParams(retrieveSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const pi = lookup(state, id);
  if (pi === undefined) return rejected(resourceMissing('payment_intent', id, 'intent'));
  return executed({ status: 200, body: paymentIntentJson(pi) });
};

export const confirmPaymentIntent: FakeHandler = ({ state, params, id }) => {
  const parsed = parseParams(confirmSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const pi = lookup(state, id);
  if (pi === undefined) return rejected(resourceMissing('payment_intent', id, 'intent'));
  if (pi.status === 'succeeded') {
    return executed(unexpectedState('You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.'));
  }
  if (!CONFIRMABLE.includes(pi.status)) {
    return executed(
      unexpectedState(
        `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method.`,
      ),
    );
  }
  const paymentMethod = parsed.value.payment_method ?? pi.paymentMethod;
  if (paymentMethod === null) {
    return executed(unexpectedState("You cannot confirm this PaymentIntent because it's missing a payment method."));
  }
  return attemptPayment(state, pi, paymentMethod);
};

export const cancelPaymentIntent: FakeHandler = ({ state, params, id }) => {
  const parsed = parseParams(cancelSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const pi = lookup(state, id);
  if (pi === undefined) return rejected(resourceMissing('payment_intent', id, 'intent'));
  if (pi.status === 'succeeded' || pi.status === 'canceled') {
    return executed(
      unexpectedState(
        `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
      ),
    );
  }
  pi.status = 'canceled';
  pi.canceledAtSeconds = state.nowSeconds();
  pi.cancellationReason = parsed.value.cancellation_reason ?? null;
  return executed({ status: 200, body: paymentIntentJson(pi) }, [piEvent('payment_intent.canceled', pi)]);
};
