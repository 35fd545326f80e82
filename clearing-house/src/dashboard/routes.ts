/**
 * createDashboardRoutes: the operator / clearing-admin dashboard as a Hono
 * app to mount into the main one (`app.route(basePath, createDashboardRoutes(…))`).
 * Server-rendered HTML, Vietnamese by default, charts as inline SVG, no
 * network requests from the page (a strict Content-Security-Policy says so).
 */
import { Hono, type Context } from 'hono';
import { businessDayOf, isBusinessDay } from '../reports/business-day.js';
import { revenueByOperatorSvg, ridershipByHourSvg, ridershipSeries } from '../reports/charts.js';
import type { ReportLanguage } from '../reports/format.js';
import { settlementStatement } from '../reports/settlement.js';
import type { DashboardData, DashboardViewer, DayScope } from './dashboard-data.js';
import { SCOPE_ID_PATTERN, mountDownloads, type DownloadRefusal } from './downloads.js';
import { chooseLanguage, dashboardText } from './i18n.js';
import { dashboardPage, messagePage } from './page.js';

export const DASHBOARD_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const RIDERSHIP_CHART = { widthPx: 720, heightPx: 360 };
const REVENUE_CHART = { widthPx: 480, heightPx: 360 };

export interface DashboardRoutesOptions {
  /** Who is asking, from the host app's auth; undefined answers 401. */
  readonly viewerOf: (c: Context) => DashboardViewer | undefined;
  /** Where the routes are mounted (`/dashboard`), for links; '' at the root. */
  readonly basePath: string;
  readonly nowMs?: () => number;
}

const REFUSAL_STATUS = { bad_request: 400, unauthenticated: 401, forbidden: 403, not_found: 404 } as const;

export function createDashboardRoutes(data: DashboardData, options: DashboardRoutesOptions): Hono {
  const app = new Hono();
  const nowMs = options.nowMs ?? Date.now;
  const basePath = options.basePath.replace(/\/+$/u, '');
  const langOf = (c: Context): ReportLanguage => chooseLanguage(c.req.query('lang'), c.req.header('accept-language'));

  app.use('*', async (c, next) => {
    await next();
    c.header('content-security-policy', DASHBOARD_CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
  });

  const refuse = (c: Context, refusal: DownloadRefusal | 'unauthenticated'): Response | Promise<Response> => {
    const lang = langOf(c);
    const t = dashboardText(lang);
    const title = { bad_request: t.badRequest, unauthenticated: t.forbidden, forbidden: t.forbidden, not_found: t.notFound }[refusal];
    return c.html(messagePage({ lang, basePath, title, detail: `${REFUSAL_STATUS[refusal]}` }), REFUSAL_STATUS[refusal]);
  };

  app.get('/', async (c) => {
    const lang = langOf(c);
    const viewer = options.viewerOf(c);
    if (viewer === undefined) return refuse(c, 'unauthenticated');
    const dayParam = c.req.query('day');
    const operatorParam = c.req.query('operator') ?? '';
    if (dayParam !== undefined && !isBusinessDay(dayParam)) return refuse(c, 'bad_request');
    if (operatorParam !== '' && !SCOPE_ID_PATTERN.test(operatorParam)) return refuse(c, 'bad_request');
    if (viewer.kind === 'operator' && operatorParam !== '' && operatorParam !== viewer.operatorId) return refuse(c, 'forbidden');
    const [businessDays, allOperators, schools] = await Promise.all([data.businessDays(), data.operators(), data.schools()]);
    const businessDay = dayParam ?? businessDays[0] ?? businessDayOf(new Date(nowMs()));
    const selectedOperatorId = viewer.kind === 'operator' ? viewer.operatorId : operatorParam === '' ? undefined : operatorParam;
    if (selectedOperatorId !== undefined && !allOperators.some((operator) => operator.operatorId === selectedOperatorId)) return refuse(c, 'not_found');
    const operators = viewer.kind === 'operator' ? allOperators.filter((operator) => operator.operatorId === viewer.operatorId) : allOperators;
    const scope: DayScope = { businessDay, ...(selectedOperatorId === undefined ? {} : { operatorId: selectedOperatorId }) };
    const inScope = (row: { readonly operatorId: string | null }): boolean => selectedOperatorId === undefined || row.operatorId === selectedOperatorId;
    const shownOperators = operators.filter(inScope);
    const [ridershipAll, revenueAll, exceptionsAll, settlements] = await Promise.all([
      data.ridership(scope),
      data.revenue(scope),
      data.exceptions(scope),
      Promise.all(shownOperators.map((operator) => data.settlement({ businessDay, operatorId: operator.operatorId }))),
    ]);
    const ridership = ridershipAll.filter(inScope);
    const revenue = revenueAll.filter((row) => inScope(row) && row.businessDay === businessDay);
    const exceptions = exceptionsAll.filter((row) => (viewer.kind === 'clearing_admin' && selectedOperatorId === undefined ? true : row.operatorId === selectedOperatorId));
    const netPayableVnd = shownOperators.reduce((sum, operator, index) => {
      const statement = settlementStatement(settlements[index] ?? [], { operatorId: operator.operatorId, businessDay });
      return sum + (statement?.totals.netPayableVnd ?? 0);
    }, 0);
    const t = dashboardText(lang);
    const ridershipLabels = { otherRoutes: t.otherRoutes, hourAxis: t.hour, tapsAxis: t.taps, routePrefix: t.routePrefix };
    const page = dashboardPage({
      lang,
      viewer,
      basePath,
      businessDay,
      businessDays: businessDays.includes(businessDay) ? businessDays : [businessDay, ...businessDays],
      operators,
      schools: viewer.kind === 'clearing_admin' ? schools : [],
      selectedOperatorId,
      totalTaps: ridership.reduce((sum, row) => sum + row.taps, 0),
      totalRevenueVnd: revenue.reduce((sum, row) => sum + row.fareRevenueVnd + row.passRevenueVnd, 0),
      totalNetPayableVnd: netPayableVnd,
      ridershipSvg: ridershipByHourSvg(ridership, { lang, title: t.ridershipTitle, labels: ridershipLabels, ...RIDERSHIP_CHART }),
      ridershipTable: ridershipSeries(ridership, ridershipLabels),
      revenueSvg: revenueByOperatorSvg(revenue, { lang, title: t.revenueTitle, labels: { fares: t.fares, passes: t.passes }, ...REVENUE_CHART }),
      revenueTable: [...revenue].sort((a, b) => a.operatorName.localeCompare(b.operatorName, 'vi')),
      exceptions,
    });
    return c.html(page);
  });

  mountDownloads(app, { data, viewerOf: options.viewerOf, langOf, nowMs, refuse });
  return app;
}
