/**
 * The dashboard's DashboardData (src/dashboard/dashboard-data.ts) over the
 * clearing house's own query functions (src/reconcile): what the operator
 * and clearing-admin pages show is read from the ledger, the events and the
 * reconciliation exceptions, never from a copy. Settlement prices
 * concessions and apportions journeys with the published fare feed's table
 * when `options.fares` gives one (src/settlement/feed-source.ts), else shows
 * concessions as unknown.
 */
import { sql } from 'drizzle-orm';
import type { DashboardData } from '../dashboard/dashboard-data.js';
import type { Executor } from '../db/open.js';
import { queryRows, toText } from '../db/rows.js';
import { businessDayOf } from '../reconcile/business-day-sql.js';
import { listExceptions, reconciliationSummary } from '../reconcile/exception-queries.js';
import { fareTransactionsForDay } from '../reconcile/fare-transactions.js';
import { canteenPayoutForDay, revenueByOperator, ridershipByHourAndRoute, settlementForDay } from '../reconcile/settlement-queries.js';
import type { FareTable } from '../settlement/fare-table.js';

export { settlementFaresFromStore } from '../settlement/feed-source.js';

/** The day picker lists at most this many business days (newest first). */
export const DASHBOARD_BUSINESS_DAY_COUNT_MAX = 62;
/** Operators and schools listed on one page. */
export const DASHBOARD_ORGANISATION_COUNT_MAX = 1_000;

export interface DashboardDataOptions {
  /** The fare table of the feed published now (read per request: a new feed applies at once). */
  readonly fares?: () => Promise<FareTable | undefined>;
}

export function databaseDashboardData(db: Executor, options: DashboardDataOptions = {}): DashboardData {
  const organisationsOf = async (kind: 'operator' | 'school'): Promise<{ id: string; name: string }[]> => {
    const rows = await queryRows<Record<string, unknown>>(db, sql`SELECT id, name FROM organisations WHERE kind = ${kind} ORDER BY id LIMIT ${DASHBOARD_ORGANISATION_COUNT_MAX}`);
    return rows.map((r) => ({ id: toText(r['id']), name: toText(r['name']) }));
  };
  return {
    businessDays: async () => {
      const rows = await queryRows<Record<string, unknown>>(
        db,
        sql`SELECT DISTINCT ${businessDayOf(sql`e.at`)} AS day FROM events e ORDER BY 1 DESC LIMIT ${DASHBOARD_BUSINESS_DAY_COUNT_MAX}`,
      );
      return rows.map((r) => toText(r['day']));
    },
    operators: async () => (await organisationsOf('operator')).map((o) => ({ operatorId: o.id, operatorName: o.name })),
    schools: async () => (await organisationsOf('school')).map((o) => ({ schoolId: o.id, schoolName: o.name })),
    ridership: (scope) => ridershipByHourAndRoute(db, { businessDay: scope.businessDay, ...(scope.operatorId === undefined ? {} : { operatorId: scope.operatorId }) }),
    revenue: (scope) => revenueByOperator(db, { fromBusinessDay: scope.businessDay, toBusinessDay: scope.businessDay, ...(scope.operatorId === undefined ? {} : { operatorId: scope.operatorId }) }),
    exceptions: (scope) => listExceptions(db, { businessDay: scope.businessDay, ...(scope.operatorId === undefined ? {} : { operatorId: scope.operatorId }) }),
    reconciliationSummaries: async (scope) => {
      const rows = await reconciliationSummary(db, scope.businessDay);
      return scope.operatorId === undefined ? rows : rows.filter((row) => row.scopeKind === 'operator' && row.scopeId === scope.operatorId);
    },
    settlement: async (scope) => settlementForDay(db, scope.operatorId, scope.businessDay, { fares: await options.fares?.() }),
    fareTransactions: (scope) => fareTransactionsForDay(db, scope.operatorId, scope.businessDay),
    canteenPayouts: async (scope) => {
      const schools = await organisationsOf('school');
      const perSchool = await Promise.all(schools.map((school) => canteenPayoutForDay(db, school.id, scope.businessDay)));
      return perSchool.flat();
    },
  };
}
