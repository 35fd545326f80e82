/** Inputs and outputs of posting held events to the ledger. */
import type { PostingStatus } from '../../db/schema/batches.js';
import type { ExceptionInput } from '../../reconcile/exceptions.js';
import type { AccountSpec } from '../accounts.js';
import type { TransferInput } from '../transfers.js';

export interface CardKey {
  readonly cardNumber: string;
  readonly application: string;
}

export const cardKeyString = (k: CardKey): string => `${k.cardNumber}/${k.application}`;

export interface CardPostingState {
  readonly lastTmc: number;
  readonly lastDeviceId: number | null;
  /** Shadow purse balance (ledger), for transit and canteen; null for other applications. */
  readonly shadowVnd: number | null;
}

export interface HeldEvent {
  readonly deviceId: number;
  readonly seq: number;
  readonly at: string;
  readonly receivedAt: string;
  readonly kind: string;
  readonly application: string;
  readonly cardNumber: string;
  readonly tmc: number;
  readonly amountVnd: number;
  readonly balanceBeforeVnd: number | null;
  readonly balanceAfterVnd: number | null;
  readonly operatorId: string | null;
  readonly actionId: string | null;
  readonly siteCode: number | null;
}

export interface OrderForAction {
  readonly orderId: string;
  readonly actionId: string;
  readonly cardNumber: string;
  readonly application: string;
  readonly amountVnd: number;
  readonly status: string;
  readonly pendingTransferId: string;
}

export interface PostingContext {
  readonly states: ReadonlyMap<string, CardPostingState>;
  /** Sorted by card key, then TMC, then (deviceId, seq): the first of equal TMCs wins. */
  readonly held: readonly HeldEvent[];
  readonly ordersByActionId: ReadonlyMap<string, OrderForAction>;
  readonly schoolBySiteCode: ReadonlyMap<number, string>;
  /** Gaps whose next held event was received at or before this instant are skipped (and flagged). */
  readonly gapCutoffIso: string | null;
}

export interface StateUpdate {
  readonly cardNumber: string;
  readonly application: string;
  readonly lastTmc: number;
  readonly lastReportedBalanceVnd: number | null;
  readonly lastEventAt: string;
  readonly lastDeviceId: number;
}

export interface PostingPlan {
  readonly accounts: readonly AccountSpec[];
  readonly transfers: readonly TransferInput[];
  readonly eventStatuses: readonly { readonly deviceId: number; readonly seq: number; readonly status: PostingStatus }[];
  readonly stateUpdates: readonly StateUpdate[];
  readonly exceptions: readonly ExceptionInput[];
  readonly appliedOrders: readonly { readonly orderId: string; readonly actionId: string }[];
}
