/** Monthly-pass sales at a counter (clearing admin, or operator staff for their own operator). */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { canSeeOperator, scopeOf } from '../../auth/scope.js';
import { PASS_CONTRACT_KINDS, PASS_PRICE_VND_MAX, PASS_ROUTE_ID_MAX, PASS_TARIFFS } from '../../passes/contract.js';
import { sellPass } from '../../passes/sales.js';
import { requirePrincipal } from '../auth-middleware.js';
import type { AppEnv, AppOptions } from '../env.js';
import { apiError, errorResponse } from '../errors.js';
import { jsonBodyGuards } from './body-guards.js';

const ORGANISATION_ID_LENGTH_CHARS_MAX = 64;
export const SALE_BODY_BYTES_MAX = 16 * 1024;

const saleBody = z.strictObject({
  operatorId: z.string().min(1).max(ORGANISATION_ID_LENGTH_CHARS_MAX),
  cardNumber: z.string().regex(/^\d{16}$/),
  contract: z.strictObject({
    kind: z.enum(PASS_CONTRACT_KINDS),
    tariff: z.enum(PASS_TARIFFS),
    routeId: z.number().int().min(0).max(PASS_ROUTE_ID_MAX),
    validFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    validUntil: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    priceVnd: z.number().int().min(0).max(PASS_PRICE_VND_MAX),
  }),
  payment: z.discriminatedUnion('method', [z.strictObject({ method: z.literal('cash') })]),
  idempotencyKey: z.string().min(8).max(128),
});

const saleRoute = createRoute({
  method: 'post',
  path: '/v1/passes',
  summary: 'Sell a monthly pass paid at a counter: posts the ledger and publishes a load-contract action (idempotent on idempotencyKey)',
  security: [{ bearer: [] }],
  request: { body: { content: { 'application/json': { schema: saleBody } }, required: true } },
  responses: {
    201: { content: { 'application/json': { schema: z.object({ saleUuid: z.string(), saleId: z.number().int(), actionId: z.string(), listVersion: z.number().int(), created: z.boolean() }) } }, description: 'sold (or found again: created false)' },
    400: errorResponse('request_invalid'),
    413: errorResponse('request_invalid: the body is too large'),
    415: errorResponse('request_invalid: the body is not application/json'),
    401: errorResponse('not signed in'),
    403: errorResponse('passes of another operator'),
    422: errorResponse('order_refused with the reason in detail'),
  },
});

export function passRoutes(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const { db } = options.database;
  app.use('/v1/passes', requirePrincipal(options));
  // A truncated, oversized or non-JSON body is the caller's error (400 / 413 / 415), not an unhandled one: checked before the schema.
  app.use('/v1/passes', ...jsonBodyGuards({ bodyBytesMax: SALE_BODY_BYTES_MAX }));
  app.openapi(saleRoute, async (c) => {
    const body = c.req.valid('json');
    const principal = c.get('principal');
    const allowed = (principal.role === 'clearing_admin' || principal.role === 'operator_staff') && canSeeOperator(scopeOf(principal), body.operatorId);
    if (!allowed) return c.json(apiError('forbidden', 'passes can be sold for the caller operator only'), 403);
    const result = await sellPass(db, { ...body, at: new Date(options.nowMs()).toISOString() });
    if (!result.ok) return c.json(apiError('order_refused', 'the pass sale was refused', result.code), 422);
    return c.json(result.sale, 201);
  });
  return app;
}
