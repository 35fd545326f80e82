/**
 * Stripe's webhook signature (docs.stripe.com/webhooks#verify-manually):
 * `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`.
 * The fake signs with this; receivers verify with `stripe.webhooks.constructEvent`.
 */
import { createHmac } from 'node:crypto';

export const STRIPE_SIGNATURE_SCHEME = 'v1';

export interface SignWebhookInput {
  readonly payload: string;
  readonly secret: string;
  readonly timestampSeconds: number;
}

export function stripeSignatureHeader(input: SignWebhookInput): string {
  const signature = createHmac('sha256', input.secret).update(`${input.timestampSeconds}.${input.payload}`, 'utf8').digest('hex');
  return `t=${input.timestampSeconds},${STRIPE_SIGNATURE_SCHEME}=${signature}`;
}
