/**
 * Stripe's test-mode payment method ids (docs.stripe.com/testing) and what a
 * payment with each does. The fake accepts only these; any other id is
 * `resource_missing`, as in Stripe test mode.
 */

export type TestCardOutcome =
  | { readonly kind: 'succeeds' }
  | { readonly kind: 'declined'; readonly code: string; readonly declineCode: string | null; readonly message: string };

const DECLINED_MESSAGE = 'Your card was declined.';

export const TEST_PAYMENT_METHODS: ReadonlyMap<string, TestCardOutcome> = new Map<string, TestCardOutcome>([
  ['pm_card_visa', { kind: 'succeeds' }],
  ['pm_card_visa_debit', { kind: 'succeeds' }],
  ['pm_card_mastercard', { kind: 'succeeds' }],
  ['pm_card_chargeDeclined', { kind: 'declined', code: 'card_declined', declineCode: 'generic_decline', message: DECLINED_MESSAGE }],
  [
    'pm_card_chargeDeclinedInsufficientFunds',
    { kind: 'declined', code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  ],
  ['pm_card_chargeDeclinedExpiredCard', { kind: 'declined', code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' }],
  [
    'pm_card_chargeDeclinedProcessingError',
    {
      kind: 'declined',
      code: 'processing_error',
      declineCode: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  ],
]);

export function testCardOutcome(paymentMethodId: string): TestCardOutcome | undefined {
  return TEST_PAYMENT_METHODS.get(paymentMethodId);
}
