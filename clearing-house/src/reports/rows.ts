/**
 * The plain rows reports and the dashboard are made from. The data core's
 * queries are adapted to these; nothing here knows about the database.
 *
 * Money is integer đồng (VND). Instants are UTC `Date`s; a business day is the
 * calendar date in Asia/Ho_Chi_Minh, written `YYYY-MM-DD`. No row carries a
 * card UID: cards appear only as the clearing house's pseudonymous account id.
 */

/** `YYYY-MM-DD`, the calendar date in Asia/Ho_Chi_Minh. */
export type BusinessDay = string;

export interface OperatorRef {
  readonly operatorId: string;
  readonly operatorName: string;
}

export interface SchoolRef {
  readonly schoolId: string;
  readonly schoolName: string;
}

/** Taps boarding one route within one clock hour. */
export interface RidershipRow {
  /** Start of the hour (UTC instant; shown as the local hour). */
  readonly hourStart: Date;
  readonly operatorId: string;
  readonly routeId: string;
  readonly taps: number;
}

/** What one operator earned on one business day. */
export interface RevenueRow {
  readonly businessDay: BusinessDay;
  readonly operatorId: string;
  readonly operatorName: string;
  readonly fareRevenueVnd: number;
  readonly passRevenueVnd: number;
}

/** One route of one operator on one business day, as settled. */
export interface SettlementRow {
  readonly businessDay: BusinessDay;
  readonly operatorId: string;
  readonly operatorName: string;
  readonly routeId: string;
  /** Paid boardings (stored value debited). */
  readonly fareTapCount: number;
  readonly faresCollectedVnd: number;
  readonly passesSoldCount: number;
  readonly passesSoldVnd: number;
  /** Boardings at a reduced or free concession fare. */
  readonly concessionTapCount: number;
  /**
   * Full fare minus the fare charged, summed: what the concession scheme owes the operator.
   * null = unknown (no fare feed published, or the feed cannot price a concession boarding of the row): never shown as 0.
   */
  readonly concessionsCarriedVnd: number | null;
  /** Share of multi-operator journeys apportioned to this route from other operators. */
  readonly apportionedInVnd: number;
  /** Share of fares collected here that belongs to other operators. */
  readonly apportionedOutVnd: number;
  readonly refundsVnd: number;
}

/** A school canteen's sales on one business day, paid out to the school. */
export interface CanteenPayoutRow {
  readonly businessDay: BusinessDay;
  readonly schoolId: string;
  readonly schoolName: string;
  readonly purchaseCount: number;
  readonly salesVnd: number;
  readonly refundsVnd: number;
}

/** The same kinds as the reconciliation core (src/db/schema/reconcile.ts), so rows pass straight through. */
export const EXCEPTION_KINDS = [
  'balance_mismatch',
  'balance_rise_without_load',
  'tmc_gap',
  'tmc_duplicate',
  'autoload_without_order',
  'autoload_amount_mismatch',
  'chain_link_broken',
  'batch_conflict',
  'refund_after_load',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export const EXCEPTION_STATUSES = ['open', 'under_review', 'resolved'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/** One reconciliation finding for a person to review. */
export interface ExceptionRow {
  readonly exceptionId: string;
  readonly detectedAt: Date;
  readonly kind: ExceptionKind;
  readonly status: ExceptionStatus;
  readonly operatorId: string | null;
  readonly schoolId: string | null;
  /** Identifies the card to a reviewer without exposing it: a masked card number (`•••• 4821`) or a pseudonymous account id; never the UID or the full number. */
  readonly cardReference: string;
  readonly deviceId: string | null;
  /** Shadow balance minus card balance, when the finding is about money. */
  readonly differenceVnd: number | null;
}

/** Daily reconciliation counts for one operator or one school. */
export interface ReconciliationSummaryRow {
  readonly businessDay: BusinessDay;
  readonly scopeKind: 'operator' | 'school';
  readonly scopeId: string;
  readonly scopeName: string;
  readonly eventsReceived: number;
  readonly eventsApplied: number;
  readonly duplicatesDropped: number;
  readonly gapsPending: number;
  readonly gapsOverdue: number;
  readonly balanceMismatches: number;
  readonly suspectedClones: number;
  /** Sum over cards of shadow balance minus card-reported balance. */
  readonly shadowMinusCardVnd: number;
}

export const FARE_TRANSACTION_KINDS = ['fare', 'transfer', 'pass_purchase', 'top_up', 'adjustment'] as const;
export type FareTransactionKind = (typeof FARE_TRANSACTION_KINDS)[number];

/** One fare transaction, as exported in TIDES `fare_transactions`. */
export interface FareTransactionRow {
  readonly transactionId: string;
  readonly occurredAt: Date;
  readonly kind: FareTransactionKind;
  /** Value of the transaction in đồng (≥ 0; 0 for a free transfer or a pass ride). */
  readonly amountVnd: number;
  readonly operatorId: string;
  readonly routeId: string | null;
  readonly tripIdPerformed: string | null;
  readonly stopId: string | null;
  readonly vehicleId: string | null;
  readonly deviceId: string;
  readonly fareId: string | null;
  readonly riderCategory: string | null;
  readonly fareProduct: string | null;
  readonly fareCapped: boolean;
  /** Pseudonymous card account id. */
  readonly fareMediaId: string;
  readonly balanceAfterVnd: number | null;
}
