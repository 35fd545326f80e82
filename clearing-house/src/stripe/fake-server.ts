/**
 * A local fake of the few Stripe endpoints the top-up flow uses, speaking
 * Stripe's wire format so the real `stripe` SDK can be pointed at it
 * (`new Stripe(key, { host: '127.0.0.1', port, protocol: 'http' })`):
 * PaymentIntents create/retrieve/confirm/cancel, Refunds create/retrieve,
 * Charges retrieve, Events retrieve and list, Checkout Sessions create/retrieve/expire with a
 * hosted test page to pay them; `Idempotency-Key` honoured; events delivered
 * to a webhook URL signed as Stripe signs them, with retries. Payments are
 * made with Stripe's test payment method ids (see fake-test-cards.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { authenticationRequired, idempotencyMismatch, injectedServerError, invalidRequest, stripeError, type FakeReply } from './fake-errors.js';
import type { FakeHandler } from './fake-handler.js';
import { IDEMPOTENCY_KEY_LENGTH_MAX, createIdempotencyStore, requestFingerprint } from './fake-idempotency.js';
import { cancelPaymentIntent, confirmPaymentIntent, createPaymentIntent, retrievePaymentIntent } from './fake-payment-intents.js';
import { createRefund, retrieveCharge, retrieveEvent, retrieveRefund } from './fake-refunds.js';
import { createCheckoutSession, expireCheckoutSession, retrieveCheckoutSession } from './fake-checkout.js';
import { listEvents } from './fake-events.js';
import { mountCheckoutPage } from './fake-checkout-page.js';
import type { EventDraft } from './fake-handler.js';
import { createFakeState, eventJson, fakeId, recordEvent, type FakeEvent, type FakeState } from './fake-state.js';
import { decodeFormBody } from './form-body.js';
import { WEBHOOK_RETRY_POLICY_DEFAULT, createWebhookDispatcher, type WebhookDeliveryAttempt, type WebhookRetryPolicy } from './webhook-dispatcher.js';

export const FAKE_API_VERSION_DEFAULT = '2026-11-18.endive';
const SECRET_RANDOM_BYTES = 24;

/** Failures a test can ask for, applied to the next matching POSTs. */
export type FakeStripeFault =
  /** The request is processed (and its idempotent reply stored), then the connection is cut before the answer. */
  | { readonly kind: 'drop_connection_after_processing' }
  /** A 500 `api_error` before anything is processed. */
  | { readonly kind: 'server_error_before_processing' };

export interface FakeStripeOptions {
  /** The one API key the fake accepts; a random `sk_test_…` when absent. */
  readonly secretKey?: string;
  /** The webhook signing secret; a random `whsec_…` when absent. */
  readonly webhookSecret?: string;
  readonly webhookUrl?: string;
  readonly webhookRetryPolicy?: WebhookRetryPolicy;
  readonly nowMs?: () => number;
}

export interface FakeStripe {
  readonly app: Hono<{ Bindings: Partial<HttpBindings> }>;
  readonly secretKey: string;
  readonly webhookSecret: string;
  setWebhookUrl(url: string | undefined): void;
  injectFault(fault: FakeStripeFault, options: { readonly requestCount: number }): void;
  whenWebhooksIdle(): Promise<void>;
  webhookAttempts(): readonly WebhookDeliveryAttempt[];
  events(): readonly Record<string, unknown>[];
  /** Count of POSTs whose handler ran (replays and injected errors excluded). */
  executedPostCount(): number;
  close(): void;
}

interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handler: FakeHandler;
}

const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/v1/payment_intents', handler: createPaymentIntent },
  { method: 'GET', path: '/v1/payment_intents/:id', handler: retrievePaymentIntent },
  { method: 'POST', path: '/v1/payment_intents/:id/confirm', handler: confirmPaymentIntent },
  { method: 'POST', path: '/v1/payment_intents/:id/cancel', handler: cancelPaymentIntent },
  { method: 'POST', path: '/v1/refunds', handler: createRefund },
  { method: 'GET', path: '/v1/refunds/:id', handler: retrieveRefund },
  { method: 'GET', path: '/v1/charges/:id', handler: retrieveCharge },
  { method: 'GET', path: '/v1/events', handler: listEvents },
  { method: 'GET', path: '/v1/events/:id', handler: retrieveEvent },
  { method: 'POST', path: '/v1/checkout/sessions', handler: createCheckoutSession },
  { method: 'GET', path: '/v1/checkout/sessions/:id', handler: retrieveCheckoutSession },
  { method: 'POST', path: '/v1/checkout/sessions/:id/expire', handler: expireCheckoutSession },
];

function randomSecret(prefix: string): string {
  return `${prefix}${randomBytes(SECRET_RANDOM_BYTES).toString('base64url')}`;
}

function presentedKey(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  if (authorization.startsWith('Bearer ')) return authorization.slice('Bearer '.length);
  if (authorization.startsWith('Basic ')) return Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8').split(':')[0];
  return undefined;
}

/** Compares API keys in constant time (over their digests, so lengths may differ). */
function sameKey(presented: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function redactKey(key: string): string {
  return `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

export function createFakeStripe(options: FakeStripeOptions = {}): FakeStripe {
  const nowMs = options.nowMs ?? Date.now;
  const secretKey = options.secretKey ?? randomSecret('sk_test_');
  const webhookSecret = options.webhookSecret ?? randomSecret('whsec_');
  const state: FakeState = createFakeState(nowMs);
  const idempotency = createIdempotencyStore(nowMs);
  const dispatcher = createWebhookDispatcher({ secret: webhookSecret, policy: options.webhookRetryPolicy ?? WEBHOOK_RETRY_POLICY_DEFAULT, nowMs });
  if (options.webhookUrl !== undefined) dispatcher.setEndpoint({ url: options.webhookUrl });
  const faults: { fault: FakeStripeFault; remaining: number }[] = [];
  let executedPosts = 0;

  const app = new Hono<{ Bindings: Partial<HttpBindings> }>();

  const send = (reply: FakeReply, headers: Record<string, string>): Response =>
    new Response(JSON.stringify(reply.body, null, 2), { status: reply.status, headers: { 'content-type': 'application/json', ...headers } });

  const takeFault = (): FakeStripeFault | undefined => {
    const next = faults[0];
    if (next === undefined) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) faults.shift();
    return next.fault;
  };

  const emit = (drafts: readonly EventDraft[], request: { readonly requestId: string; readonly idempotencyKey: string | null; readonly apiVersion: string }): void => {
    for (const draft of drafts) {
      const event: FakeEvent = { id: fakeId('evt'), type: draft.type, createdSeconds: state.nowSeconds(), object: draft.object, ...request };
      recordEvent(state, event);
      dispatcher.enqueue({ id: event.id, type: event.type, payload: JSON.stringify(eventJson(event), null, 2) });
    }
  };

  const handle = async (c: Context<{ Bindings: Partial<HttpBindings> }>, route: Route): Promise<Response> => {
    const requestId = fakeId('req', 14);
    const headers: Record<string, string> = { 'request-id': requestId };
    const key = presentedKey(c.req.header('authorization'));
    if (key === undefined) {
      return send(authenticationRequired('You did not provide an API key. You need to provide your API key in the Authorization header.'), headers);
    }
    if (!sameKey(key, secretKey)) return send(authenticationRequired(`Invalid API Key provided: ${redactKey(key)}`), headers);
    const raw = route.method === 'POST' ? await c.req.text() : new URL(c.req.url).search.slice(1);
    const decoded = decodeFormBody(raw);
    if (!decoded.ok) return send(invalidRequest(`Invalid request body (${decoded.failure}).`), headers);
    const idempotencyKey = route.method === 'POST' ? c.req.header('idempotency-key') : undefined;
    const fingerprint = requestFingerprint(route.method, new URL(c.req.url).pathname, decoded.value);
    if (idempotencyKey !== undefined) {
      headers['idempotency-key'] = idempotencyKey;
      if (idempotencyKey.length > IDEMPOTENCY_KEY_LENGTH_MAX) {
        return send(invalidRequest(`Idempotency-Key must be at most ${IDEMPOTENCY_KEY_LENGTH_MAX} characters.`), headers);
      }
      const found = idempotency.lookup(idempotencyKey, fingerprint);
      if (found.kind === 'replay') return send(found.reply, { ...headers, 'idempotent-replayed': 'true' });
      if (found.kind === 'mismatch') return send(idempotencyMismatch(idempotencyKey), headers);
    }
    const fault = route.method === 'POST' ? takeFault() : undefined;
    if (fault?.kind === 'server_error_before_processing') return send(injectedServerError(), { ...headers, 'stripe-should-retry': 'true' });
    if (route.method === 'POST') executedPosts += 1;
    const outcome = route.handler({ state, params: decoded.value, id: c.req.param('id') ?? '', origin: new URL(c.req.url).origin });
    if (outcome.replayable && idempotencyKey !== undefined) idempotency.store(idempotencyKey, fingerprint, outcome.reply);
    emit(outcome.events, { requestId, idempotencyKey: idempotencyKey ?? null, apiVersion: c.req.header('stripe-version') ?? FAKE_API_VERSION_DEFAULT });
    const socket = c.env.incoming?.socket;
    if (fault?.kind === 'drop_connection_after_processing' && socket !== undefined) {
      socket.destroy();
      return send(injectedServerError(), headers);
    }
    return send(outcome.reply, headers);
  };

  for (const route of ROUTES) {
    if (route.method === 'POST') app.post(route.path, (c) => handle(c, route));
    else app.get(route.path, (c) => handle(c, route));
  }
  mountCheckoutPage(app, {
    state,
    emit: (drafts) => {
      emit(drafts, { requestId: fakeId('req', 14), idempotencyKey: null, apiVersion: FAKE_API_VERSION_DEFAULT });
    },
  });
  app.notFound((c) =>
    send(stripeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${c.req.method}: ${new URL(c.req.url).pathname}).` }), {}),
  );

  return {
    app,
    secretKey,
    webhookSecret,
    setWebhookUrl: (url) => {
      dispatcher.setEndpoint(url === undefined ? undefined : { url });
    },
    injectFault: (fault, { requestCount }) => {
      faults.push({ fault, remaining: requestCount });
    },
    whenWebhooksIdle: () => dispatcher.whenIdle(),
    webhookAttempts: () => dispatcher.attempts(),
    events: () => [...state.events.values()].map(eventJson),
    executedPostCount: () => executedPosts,
    close: () => {
      dispatcher.close();
    },
  };
}

export interface RunningFakeStripe extends FakeStripe {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the fake on `hostname:port` (port 0 picks a free one). */
export async function startFakeStripe(options: FakeStripeOptions & { readonly hostname?: string; readonly port?: number } = {}): Promise<RunningFakeStripe> {
  const fake = createFakeStripe(options);
  const hostname = options.hostname ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const started = serve({ fetch: fake.app.fetch, hostname, port: options.port ?? 0 }, (info: AddressInfo) => {
      resolve({ server: started, port: info.port });
    });
  });
  return {
    ...fake,
    host: hostname,
    port,
    url: `http://${hostname}:${port}`,
    stop: async () => {
      fake.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}
