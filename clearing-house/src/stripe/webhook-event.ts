/**
 * Types a verified Stripe event (docs.stripe.com/api/events/types) into the
 * few kinds the top-up flow acts on. Checked with zod even though signed: an
 * API-version change must fail loudly, not book a wrong amount.
 */
import { z } from 'zod';
import type { PaymentWebhookEvent, WebhookParseResult } from './payment-gateway.js';

export const TOPUP_CURRENCY = 'vnd';
const MILLISECONDS_PER_SECOND = 1000;

const eventEnvelope = z.object({
  id: z.string().startsWith('evt_'),
  object: z.literal('event'),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  data: z.object({ object: z.unknown() }),
});

const amount = z.number().int().nonnegative();
const paymentIntentObject = z.object({
  id: z.string().startsWith('pi_'),
  object: z.literal('payment_intent'),
  amount,
  amount_received: amount,
  currency: z.string(),
  metadata: z.record(z.string(), z.string()),
  last_payment_error: z.object({ code: z.string().optional().nullable() }).nullable().optional(),
});
const chargeObject = z.object({
  id: z.string().startsWith('ch_'),
  object: z.literal('charge'),
  amount,
  amount_refunded: amount,
  currency: z.string(),
  payment_intent: z.string().startsWith('pi_'),
});

type PaymentIntentObject = z.infer<typeof paymentIntentObject>;

function paymentIntentEvent(
  envelope: z.infer<typeof eventEnvelope>,
  build: (pi: PaymentIntentObject, base: { eventId: string; occurredAt: Date; paymentIntentId: string; orderId: string }) => PaymentWebhookEvent,
): WebhookParseResult {
  const pi = paymentIntentObject.safeParse(envelope.data.object);
  if (!pi.success) return { ok: false, failure: 'payload_malformed' };
  if (pi.data.currency !== TOPUP_CURRENCY) return { ok: false, failure: 'currency_unexpected' };
  const orderId = pi.data.metadata['order_id'];
  if (orderId === undefined || orderId === '') return { ok: false, failure: 'order_id_missing' };
  const base = { eventId: envelope.id, occurredAt: new Date(envelope.created * MILLISECONDS_PER_SECOND), paymentIntentId: pi.data.id, orderId };
  return { ok: true, event: build(pi.data, base) };
}

/** `payload` is the JSON text whose signature was already verified. */
export function typeStripeEvent(payload: string): WebhookParseResult {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, failure: 'payload_malformed' };
  }
  const envelope = eventEnvelope.safeParse(json);
  if (!envelope.success) return { ok: false, failure: 'payload_malformed' };
  const event = envelope.data;
  switch (event.type) {
    case 'payment_intent.succeeded':
      return paymentIntentEvent(event, (pi, base) => ({ kind: 'payment_succeeded', ...base, amountVnd: pi.amount_received }));
    case 'payment_intent.payment_failed':
      return paymentIntentEvent(event, (pi, base) => ({ kind: 'payment_failed', ...base, failureCode: pi.last_payment_error?.code ?? 'unknown' }));
    case 'payment_intent.canceled':
      return paymentIntentEvent(event, (_pi, base) => ({ kind: 'payment_canceled', ...base }));
    case 'charge.refunded': {
      const charge = chargeObject.safeParse(event.data.object);
      if (!charge.success) return { ok: false, failure: 'payload_malformed' };
      if (charge.data.currency !== TOPUP_CURRENCY) return { ok: false, failure: 'currency_unexpected' };
      return {
        ok: true,
        event: {
          kind: 'refunded',
          eventId: event.id,
          occurredAt: new Date(event.created * MILLISECONDS_PER_SECOND),
          paymentIntentId: charge.data.payment_intent,
          chargeId: charge.data.id,
          amountRefundedVndTotal: charge.data.amount_refunded,
          amountChargedVnd: charge.data.amount,
        },
      };
    }
    default:
      return { ok: true, event: { kind: 'ignored', eventId: event.id, eventType: event.type } };
  }
}
