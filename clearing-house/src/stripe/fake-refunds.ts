/**
 * Refunds in the fake (docs.stripe.com/api/refunds/create), plus retrieving
 * refunds, charges and events. A refund is applied at once (`succeeded`) and
 * raises `refund.created` and `charge.refunded` (whose charge carries the
 * cumulative `amount_refunded`).
 */
import { z } from 'zod';
import { invalidRequest, resourceMissing } from './fake-errors.js';
import { executed, rejected, type FakeHandler } from './fake-handler.js';
import { expandParam, integerParam, metadataParam, parseParams } from './fake-params.js';
import { chargeJson, eventJson, fakeId, refundJson, type FakeCharge, type FakeRefund, type FakeState } from './fake-state.js';

const createSchema = z.strictObject({
  amount: integerParam.optional(),
  charge: z.string().optional(),
  payment_intent: z.string().optional(),
  reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  metadata: metadataParam.optional(),
  expand: expandParam,
});
const retrieveSchema = z.strictObject({ expand: expandParam });

type ChargeLookup = { readonly ok: true; readonly charge: FakeCharge } | { readonly ok: false; readonly outcome: ReturnType<FakeHandler> };

function chargeToRefund(state: FakeState, input: { readonly charge?: string | undefined; readonly payment_intent?: string | undefined }): ChargeLookup {
  if (input.payment_intent !== undefined) {
    const pi = state.paymentIntents.get(input.payment_intent);
    if (pi === undefined) return { ok: false, outcome: rejected(resourceMissing('payment_intent', input.payment_intent, 'payment_intent')) };
    const charge = pi.latestChargeId === null ? undefined : state.charges.get(pi.latestChargeId);
    if (pi.status !== 'succeeded' || charge === undefined) {
      return {
        ok: false,
        outcome: executed(invalidRequest('This PaymentIntent does not have a successful charge to refund.', { param: 'payment_intent' })),
      };
    }
    return { ok: true, charge };
  }
  if (input.charge !== undefined) {
    const charge = state.charges.get(input.charge);
    if (charge === undefined) return { ok: false, outcome: rejected(resourceMissing('charge', input.charge, 'charge')) };
    return { ok: true, charge };
  }
  return { ok: false, outcome: rejected(invalidRequest('One of the following params should be provided for this request: payment_intent or charge.')) };
}

export const createRefund: FakeHandler = ({ state, params }) => {
  const parsed = parseParams(createSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const input = parsed.value;
  const found = chargeToRefund(state, input);
  if (!found.ok) return found.outcome;
  const { charge } = found;
  const unrefundedAmount = charge.amount - charge.amountRefunded;
  if (charge.status !== 'succeeded') {
    return executed(invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, { code: 'charge_not_refundable' }));
  }
  if (unrefundedAmount === 0) {
    return executed(invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' }));
  }
  const amount = input.amount ?? unrefundedAmount;
  if (amount < 1) {
    return rejected(invalidRequest('This value must be greater than or equal to 1.', { code: 'parameter_invalid_integer', param: 'amount' }));
  }
  if (amount > unrefundedAmount) {
    return executed(
      invalidRequest(`Refund amount (${amount}) is greater than unrefunded amount on charge (${unrefundedAmount})`, {
        code: 'amount_too_large',
        param: 'amount',
      }),
    );
  }
  const refund: FakeRefund = {
    id: fakeId('re'),
    chargeId: charge.id,
    paymentIntentId: charge.paymentIntentId,
    amount,
    currency: charge.currency,
    createdSeconds: state.nowSeconds(),
    reason: input.reason ?? null,
    metadata: input.metadata ?? {},
  };
  state.refunds.set(refund.id, refund);
  charge.amountRefunded += amount;
  return executed({ status: 200, body: refundJson(refund) }, [
    { type: 'refund.created', object: refundJson(refund) },
    { type: 'charge.refunded', object: chargeJson(charge) },
  ]);
};

export const retrieveRefund: FakeHandler = ({ state, params, id }) => {
  const parsed = parseParams(retrieveSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const refund = state.refunds.get(id);
  if (refund === undefined) return rejected(resourceMissing('refund', id, 'refund'));
  return executed({ status: 200, body: refundJson(refund) });
};

export const retrieveCharge: FakeHandler = ({ state, params, id }) => {
  const parsed = parseParams(retrieveSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const charge = state.charges.get(id);
  if (charge === undefined) return rejected(resourceMissing('charge', id, 'charge'));
  return executed({ status: 200, body: chargeJson(charge) });
};

export const retrieveEvent: FakeHandler = ({ state, params, id }) => {
  const parsed = parseParams(retrieveSchema, params);
  if (!parsed.ok) return rejected(parsed.reply);
  const event = state.events.get(id);
  if (event === undefined) return rejected(resourceMissing('event', id, 'id'));
  return executed({ status: 200, body: eventJson(event) });
};
