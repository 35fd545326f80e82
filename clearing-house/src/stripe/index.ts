/** The payment edge: Stripe gateway, environment switch, and the local fake. */
export { StripePaymentGateway, WEBHOOK_TOLERANCE_SECONDS_DEFAULT, type StripeEndpoint, type StripePaymentGatewayOptions } from './gateway.js';
export {
  PaymentGatewayError,
  type CheckoutGateway,
  type CreateCheckoutSessionInput,
  type CreatedCheckoutSession,
  type CreatePaymentIntentInput,
  type CreatedPaymentIntent,
  type PaymentEventSource,
  type PaymentGateway,
  type SweptPaymentEvent,
  type PaymentGatewayErrorCode,
  type PaymentWebhookEvent,
  type RefundInput,
  type RefundOutcome,
  type RefundRefusal,
  type WebhookParseFailure,
  type WebhookParseResult,
} from './payment-gateway.js';
export { StripeConfigurationError, openPaymentGateway, stripeEnvironmentFrom, type OpenedPaymentGateway, type StripeEnvironment } from './stripe-environment.js';
export { createFakeStripe, startFakeStripe, type FakeStripe, type FakeStripeFault, type FakeStripeOptions, type RunningFakeStripe } from './fake-server.js';
export { TEST_PAYMENT_METHODS } from './fake-test-cards.js';
export { WEBHOOK_RETRY_POLICY_DEFAULT, type WebhookDeliveryAttempt, type WebhookRetryPolicy } from './webhook-dispatcher.js';
export { typeStripeEvent } from './webhook-event.js';
