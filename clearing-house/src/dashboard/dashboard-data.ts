/**
 * What the dashboard reads, as async functions returning report rows. The
 * clearing house's query layer implements it; tests use an in-memory day.
 * Every function is called with the viewer's scope already applied
 * (`operatorId` set for an operator); the routes filter the answers again.
 */
import type {
  BusinessDay,
  CanteenPayoutRow,
  ExceptionRow,
  FareTransactionRow,
  OperatorRef,
  ReconciliationSummaryRow,
  RevenueRow,
  RidershipRow,
  SchoolRef,
  SettlementRow,
} from '../reports/rows.js';

export interface DayScope {
  readonly businessDay: BusinessDay;
  /** Absent: every operator (clearing admin only). */
  readonly operatorId?: string;
}

export interface OperatorDayScope {
  readonly businessDay: BusinessDay;
  readonly operatorId: string;
}

export interface DashboardData {
  /** Business days with data, newest first. */
  businessDays(): Promise<readonly BusinessDay[]>;
  operators(): Promise<readonly OperatorRef[]>;
  schools(): Promise<readonly SchoolRef[]>;
  ridership(scope: DayScope): Promise<readonly RidershipRow[]>;
  revenue(scope: DayScope): Promise<readonly RevenueRow[]>;
  exceptions(scope: DayScope): Promise<readonly ExceptionRow[]>;
  reconciliationSummaries(scope: DayScope): Promise<readonly ReconciliationSummaryRow[]>;
  settlement(scope: OperatorDayScope): Promise<readonly SettlementRow[]>;
  /**
   * A big operator's day is hundreds of thousands of rows: a cursor (AsyncIterable) keeps memory flat;
   * a whole array is accepted too. The CSV is streamed out either way.
   */
  fareTransactions(scope: OperatorDayScope): AsyncIterable<FareTransactionRow> | Promise<readonly FareTransactionRow[]>;
  canteenPayouts(scope: { readonly businessDay: BusinessDay }): Promise<readonly CanteenPayoutRow[]>;
}

/** Who is looking. Resolved by the host app's auth (sessions live in src/auth, not here). */
export type DashboardViewer = { readonly kind: 'clearing_admin' } | { readonly kind: 'operator'; readonly operatorId: string };
