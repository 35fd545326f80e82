/**
 * DashboardData over in-memory days (tests and demos): filters by business day
 * and operator the way a query layer would.
 */
import type { HanoiDay } from '../../reports/testing/hanoi-day.js';
import type { DashboardData, DayScope } from '../dashboard-data.js';

export function memoryDashboardData(days: readonly HanoiDay[]): DashboardData {
  const inDay = <T extends { readonly businessDay: string }>(rows: readonly T[], businessDay: string): T[] => rows.filter((row) => row.businessDay === businessDay);
  const dayOf = (businessDay: string): HanoiDay | undefined => days.find((day) => day.businessDay === businessDay);
  const matches = (scope: DayScope, operatorId: string | null): boolean => scope.operatorId === undefined || scope.operatorId === operatorId;
  const first = days[0];
  return {
    businessDays: () => Promise.resolve(days.map((day) => day.businessDay).sort().reverse()),
    operators: () => Promise.resolve(first === undefined ? [] : first.operators.map(({ operatorId, operatorName }) => ({ operatorId, operatorName }))),
    schools: () => Promise.resolve(first?.schools ?? []),
    ridership: (scope) => Promise.resolve((dayOf(scope.businessDay)?.ridership ?? []).filter((row) => matches(scope, row.operatorId))),
    revenue: (scope) => Promise.resolve((dayOf(scope.businessDay)?.revenue ?? []).filter((row) => matches(scope, row.operatorId))),
    exceptions: (scope) => Promise.resolve((dayOf(scope.businessDay)?.exceptions ?? []).filter((row) => scope.operatorId === undefined || row.operatorId === scope.operatorId)),
    reconciliationSummaries: (scope) =>
      Promise.resolve(
        (dayOf(scope.businessDay)?.reconciliation ?? []).filter((row) => scope.operatorId === undefined || (row.scopeKind === 'operator' && row.scopeId === scope.operatorId)),
      ),
    settlement: (scope) => Promise.resolve(inDay(dayOf(scope.businessDay)?.settlement ?? [], scope.businessDay).filter((row) => row.operatorId === scope.operatorId)),
    fareTransactions: async function* (scope) {
      await Promise.resolve();
      for (const row of dayOf(scope.businessDay)?.fareTransactions ?? []) if (row.operatorId === scope.operatorId) yield row;
    },
    canteenPayouts: (scope) => Promise.resolve(inDay(dayOf(scope.businessDay)?.canteenPayouts ?? [], scope.businessDay)),
  };
}
