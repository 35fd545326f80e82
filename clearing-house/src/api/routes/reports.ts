/** Staff endpoints: reports and exceptions as JSON rows, scoped to the caller's organisation. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { canSeeOperator, canSeeSchool, scopeOf } from '../../auth/scope.js';
import { listExceptions, reconciliationSummary } from '../../reconcile/exception-queries.js';
import { canteenPayoutForDay, revenueByOperator, ridershipByHourAndRoute, settlementForDay } from '../../reconcile/settlement-queries.js';
import { settlementFaresFromStore } from '../../settlement/feed-source.js';
import { requirePrincipal } from '../auth-middleware.js';
import type { AppEnv, AppOptions } from '../env.js';
import { apiError, errorResponse } from '../errors.js';

const businessDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).openapi({ example: '2026-12-04', description: 'calendar date in Asia/Ho_Chi_Minh' });
const code = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/);
const rows = z.object({ rows: z.array(z.record(z.string(), z.unknown())) }).openapi('Rows');
const secured = { security: [{ bearer: [] as string[] }] };
const common = { 401: errorResponse('token_missing, token_invalid or token_expired'), 403: errorResponse('outside the caller organisation') };
const ok = { 200: { content: { 'application/json': { schema: rows } }, description: 'plain rows (src/reports/rows.ts shapes)' } };

const settlementRoute = createRoute({ method: 'get', path: '/v1/reports/settlement', ...secured, request: { query: z.object({ operatorId: code, businessDay }) }, responses: { ...ok, ...common } });
const revenueRoute = createRoute({ method: 'get', path: '/v1/reports/revenue', ...secured, request: { query: z.object({ from: businessDay, to: businessDay }) }, responses: { ...ok, ...common } });
const ridershipRoute = createRoute({ method: 'get', path: '/v1/reports/ridership', ...secured, request: { query: z.object({ businessDay, operatorId: code.optional() }) }, responses: { ...ok, ...common } });
const canteenRoute = createRoute({ method: 'get', path: '/v1/reports/canteen', ...secured, request: { query: z.object({ schoolId: code, businessDay }) }, responses: { ...ok, ...common } });
const exceptionsRoute = createRoute({ method: 'get', path: '/v1/exceptions', ...secured, request: { query: z.object({ businessDay: businessDay.optional(), status: z.enum(['open', 'resolved']).optional() }) }, responses: { ...ok, ...common } });
const summaryRoute = createRoute({ method: 'get', path: '/v1/reports/reconciliation', ...secured, request: { query: z.object({ businessDay }) }, responses: { ...ok, ...common } });

const forbidden = apiError('forbidden', 'this report belongs to another organisation');

export function reportRoutes(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const { db } = options.database;
  // Concessions are priced from the published fare feed (unknown without one).
  const fares = options.distribution === undefined ? undefined : settlementFaresFromStore(options.distribution);
  app.use('/v1/reports/*', requirePrincipal(options));
  app.use('/v1/exceptions', requirePrincipal(options));

  app.openapi(settlementRoute, async (c) => {
    const { operatorId, businessDay: day } = c.req.valid('query');
    if (!canSeeOperator(scopeOf(c.get('principal')), operatorId)) return c.json(forbidden, 403);
    return c.json({ rows: await settlementForDay(db, operatorId, day, { fares: await fares?.() }) }, 200);
  });
  app.openapi(revenueRoute, async (c) => {
    const { from, to } = c.req.valid('query');
    const scope = scopeOf(c.get('principal'));
    if (scope.kind === 'school' || scope.kind === 'clinic') return c.json(forbidden, 403);
    return c.json({ rows: await revenueByOperator(db, { fromBusinessDay: from, toBusinessDay: to, ...(scope.kind === 'operator' ? { operatorId: scope.operatorId } : {}) }) }, 200);
  });
  app.openapi(ridershipRoute, async (c) => {
    const { businessDay: day, operatorId } = c.req.valid('query');
    const scope = scopeOf(c.get('principal'));
    const effective = scope.kind === 'operator' ? scope.operatorId : operatorId;
    if (scope.kind === 'school' || scope.kind === 'clinic' || (operatorId !== undefined && !canSeeOperator(scope, operatorId))) return c.json(forbidden, 403);
    return c.json({ rows: await ridershipByHourAndRoute(db, { businessDay: day, ...(effective === undefined ? {} : { operatorId: effective }) }) }, 200);
  });
  app.openapi(canteenRoute, async (c) => {
    const { schoolId, businessDay: day } = c.req.valid('query');
    if (!canSeeSchool(scopeOf(c.get('principal')), schoolId)) return c.json(forbidden, 403);
    return c.json({ rows: await canteenPayoutForDay(db, schoolId, day) }, 200);
  });
  app.openapi(exceptionsRoute, async (c) => {
    const query = c.req.valid('query');
    const scope = scopeOf(c.get('principal'));
    if (scope.kind === 'clinic') return c.json(forbidden, 403);
    const filter = { ...(query.businessDay === undefined ? {} : { businessDay: query.businessDay }), ...(query.status === undefined ? {} : { status: query.status }) };
    const found = await listExceptions(db, { ...filter, ...(scope.kind === 'operator' ? { operatorId: scope.operatorId } : {}), ...(scope.kind === 'school' ? { schoolId: scope.schoolId } : {}) });
    return c.json({ rows: found }, 200);
  });
  app.openapi(summaryRoute, async (c) => {
    const { businessDay: day } = c.req.valid('query');
    const scope = scopeOf(c.get('principal'));
    if (scope.kind === 'clinic') return c.json(forbidden, 403);
    const all = await reconciliationSummary(db, day);
    return c.json({ rows: all.filter((r) => (r.scopeKind === 'operator' ? canSeeOperator(scope, r.scopeId) : canSeeSchool(scope, r.scopeId))) }, 200);
  });
  return app;
}
