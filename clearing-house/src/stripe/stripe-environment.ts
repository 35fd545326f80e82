/**
 * Chooses where payments go: with STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET
 * set, real Stripe; with neither, the local fake (started here, delivering its
 * webhooks to `webhookUrl`). One set without the other is a configuration
 * error, never a silent fall-back to the fake.
 */
import { StripePaymentGateway } from './gateway.js';
import { startFakeStripe, type RunningFakeStripe } from './fake-server.js';
import type { PaymentGateway } from './payment-gateway.js';

export type StripeEnvironment =
  | { readonly kind: 'stripe'; readonly secretKey: string; readonly webhookSecret: string }
  | { readonly kind: 'fake' }
  | { readonly kind: 'misconfigured'; readonly missing: 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' };

export function stripeEnvironmentFrom(env: Readonly<Record<string, string | undefined>>): StripeEnvironment {
  const secretKey = env['STRIPE_SECRET_KEY'] ?? '';
  const webhookSecret = env['STRIPE_WEBHOOK_SECRET'] ?? '';
  if (secretKey === '' && webhookSecret === '') return { kind: 'fake' };
  if (secretKey === '') return { kind: 'misconfigured', missing: 'STRIPE_SECRET_KEY' };
  if (webhookSecret === '') return { kind: 'misconfigured', missing: 'STRIPE_WEBHOOK_SECRET' };
  return { kind: 'stripe', secretKey, webhookSecret };
}

export interface OpenedPaymentGateway {
  readonly gateway: PaymentGateway;
  readonly mode: 'stripe' | 'fake';
  /** The running fake when mode is `fake` (tests and the demo drive payments through it). */
  readonly fake: RunningFakeStripe | undefined;
  close(): Promise<void>;
}

export class StripeConfigurationError extends Error {
  override readonly name = 'StripeConfigurationError';
  readonly code = 'stripe_misconfigured';
}

export async function openPaymentGateway(
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly webhookUrl: string },
): Promise<OpenedPaymentGateway> {
  const chosen = stripeEnvironmentFrom(env);
  switch (chosen.kind) {
    case 'stripe':
      return {
        gateway: new StripePaymentGateway({ secretKey: chosen.secretKey, webhookSecret: chosen.webhookSecret }),
        mode: 'stripe',
        fake: undefined,
        close: () => Promise.resolve(),
      };
    case 'fake': {
      const fake = await startFakeStripe({ webhookUrl: options.webhookUrl });
      const gateway = new StripePaymentGateway({
        secretKey: fake.secretKey,
        webhookSecret: fake.webhookSecret,
        endpoint: { host: fake.host, port: fake.port, protocol: 'http' },
      });
      return { gateway, mode: 'fake', fake, close: () => fake.stop() };
    }
    case 'misconfigured':
      throw new StripeConfigurationError(`${chosen.missing} is not set (set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or neither for the local fake)`);
  }
}
