/** Device registration (clearing admin) and top-up orders and payment webhooks. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { CARD_REGISTRATION_COUNT_MAX, OPENING_BALANCE_VND_MAX, registerCards } from '../../cards/register.js';
import { registerDevice } from '../../devices/registry.js';
import { createTopupOrder } from '../../topups/orders.js';
import { applyPaymentEvent, PAYMENT_OUTCOMES } from '../../topups/webhook.js';
import { PaymentGatewayError } from '../../stripe/payment-gateway.js';
import { requirePrincipal } from '../auth-middleware.js';
import type { AppEnv, AppOptions } from '../env.js';
import { apiError, errorResponse } from '../errors.js';

export const WEBHOOK_BODY_BYTES_MAX = 256 * 1024;
const CERTIFICATE_PEM_LENGTH_CHARS_MAX = 16 * 1024;

const registerRoute = createRoute({
  method: 'post',
  path: '/v1/devices',
  summary: 'Register (or renew) a device with its keys/ PKI certificate',
  security: [{ bearer: [] }],
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({ certificatePem: z.string().min(1).max(CERTIFICATE_PEM_LENGTH_CHARS_MAX), journalKeyId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/), journalPublicKeyHex: z.string().regex(/^[0-9a-fA-F]{64}$/).optional(), organisationId: z.string().optional() }),
        },
      },
      required: true,
    },
  },
  responses: {
    200: { content: { 'application/json': { schema: z.object({ deviceId: z.number().int(), serialHex: z.string() }) } }, description: 'registered' },
    401: errorResponse('not signed in'),
    403: errorResponse('only the clearing admin registers devices'),
    422: errorResponse('registration_refused with the PKI code in detail'),
  },
});

const cardsRoute = createRoute({
  method: 'post',
  path: '/v1/cards',
  summary: 'Register personalised cards (clearing admin; school staff for their own school)',
  security: [{ bearer: [] }],
  request: {
    body: {
      content: { 'application/json': { schema: z.object({ cards: z.array(z.object({ cardNumber: z.string().regex(/^\d{16}$/), organisationId: z.string().nullable(), openingBalancesVnd: z.strictObject({ transit: z.number().int().min(0).max(OPENING_BALANCE_VND_MAX).optional(), canteen: z.number().int().min(0).max(OPENING_BALANCE_VND_MAX).optional() }).optional() })).min(1).max(CARD_REGISTRATION_COUNT_MAX) }) } },
      required: true,
    },
  },
  responses: {
    200: { content: { 'application/json': { schema: z.object({ newCardCount: z.number().int() }) } }, description: 'registered (idempotent)' },
    401: errorResponse('not signed in'),
    403: errorResponse('cards of another organisation'),
    422: errorResponse('registration_refused'),
  },
});

const orderRoute = createRoute({
  method: 'post',
  path: '/v1/topups',
  summary: 'Create a top-up order and its PaymentIntent (idempotent on idempotencyKey)',
  request: { body: { content: { 'application/json': { schema: z.object({ cardNumber: z.string().regex(/^\d{16}$/), application: z.enum(['transit', 'canteen']), amountVnd: z.number().int(), idempotencyKey: z.string().min(8).max(128) }) } }, required: true } },
  responses: {
    201: { content: { 'application/json': { schema: z.object({ orderId: z.string(), actionId: z.string(), paymentIntentId: z.string(), clientSecret: z.string() }) } }, description: 'created (or found again)' },
    422: errorResponse('order_refused with the reason in detail'),
    502: errorResponse('payment_gateway_unavailable: retry with the same idempotencyKey'),
  },
});

const webhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/payments',
  summary: 'Payment gateway webhook (Stripe-Signature verified over the raw body), applied once per event id',
  request: { body: { content: { 'application/json': { schema: z.string().openapi({ description: 'raw Stripe event' }) } } } },
  responses: { 200: { content: { 'application/json': { schema: z.object({ outcome: z.enum(PAYMENT_OUTCOMES) }) } }, description: 'applied, or recognised as a re-delivery' }, 400: errorResponse('webhook_refused: signature or payload') },
});

export function adminRoutes(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const { db } = options.database;
  app.use('/v1/devices', requirePrincipal(options));

  app.openapi(registerRoute, async (c) => {
    if (c.get('principal').role !== 'clearing_admin') return c.json(apiError('forbidden', 'only the clearing admin registers devices'), 403);
    const body = c.req.valid('json');
    const result = await registerDevice(db, {
      certificatePem: body.certificatePem,
      journalKeyId: body.journalKeyId,
      ...(body.journalPublicKeyHex === undefined ? {} : { journalPublicKeyHex: body.journalPublicKeyHex }),
      ...(body.organisationId === undefined ? {} : { organisationId: body.organisationId }),
      trust: options.trust,
      crl: options.crl(),
      nowMs: options.nowMs(),
    });
    if (!result.ok) return c.json(apiError('registration_refused', 'the certificate was refused', result.code), 422);
    return c.json({ deviceId: result.deviceId, serialHex: result.serialHex }, 200);
  });

  app.use('/v1/cards', requirePrincipal(options));
  app.openapi(cardsRoute, async (c) => {
    const principal = c.get('principal');
    const { cards } = c.req.valid('json');
    const allowed = principal.role === 'clearing_admin' || (principal.role === 'school_staff' && cards.every((card) => card.organisationId === principal.organisationId));
    if (!allowed) return c.json(apiError('forbidden', 'cards can be registered for the caller organisation only'), 403);
    const result = await registerCards(
      db,
      cards.map((card) => ({
        cardNumber: card.cardNumber,
        organisationId: card.organisationId,
        ...(card.openingBalancesVnd === undefined ? {} : { openingBalancesVnd: Object.fromEntries(Object.entries(card.openingBalancesVnd).filter((entry): entry is [string, number] => entry[1] !== undefined)) }),
      })),
    );
    if (!result.ok) return c.json(apiError('registration_refused', 'the cards were refused', result.code), 422);
    return c.json({ newCardCount: result.newCardCount }, 200);
  });

  app.openapi(orderRoute, async (c) => {
    const body = c.req.valid('json');
    let result: Awaited<ReturnType<typeof createTopupOrder>>;
    try {
      result = await createTopupOrder({ db, gateway: options.gateway }, { ...body, at: new Date(options.nowMs()).toISOString() });
    } catch (error) {
      // The order is stored; the same idempotencyKey retries the PaymentIntent.
      if (error instanceof PaymentGatewayError) return c.json(apiError('payment_gateway_unavailable', 'the payment provider did not answer; retry with the same idempotencyKey', error.code), 502);
      throw error;
    }
    if (!result.ok) return c.json(apiError('order_refused', 'the order was refused', result.code), 422);
    return c.json({ orderId: result.orderId, actionId: result.actionId, paymentIntentId: result.payment.paymentIntentId, clientSecret: result.payment.clientSecret }, 201);
  });

  // The raw body is read as text before any JSON parsing: the signature covers the exact bytes.
  app.post('/v1/webhooks/payments', async (c) => {
    const raw = await c.req.text();
    if (raw.length > WEBHOOK_BODY_BYTES_MAX) return c.json(apiError('webhook_refused', 'payload too large'), 400);
    const parsed = options.gateway.parseWebhook(raw, c.req.header('stripe-signature'));
    if (!parsed.ok) return c.json(apiError('webhook_refused', 'the webhook was refused', parsed.failure), 400);
    return c.json({ outcome: await applyPaymentEvent(db, parsed.event) }, 200);
  });
  app.openAPIRegistry.registerPath(webhookRoute);
  return app;
}
