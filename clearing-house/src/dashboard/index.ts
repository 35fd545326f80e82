/** The operator / clearing-admin dashboard, to mount into the main Hono app. */
export { createDashboardRoutes, DASHBOARD_CSP, type DashboardRoutesOptions } from './routes.js';
export type { DashboardData, DashboardViewer, DayScope, OperatorDayScope } from './dashboard-data.js';
export { chooseLanguage } from './i18n.js';
