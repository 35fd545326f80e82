/**
 * Plans the ledger effects of held events, card by card, strictly in the
 * card's TMC order — the order the card itself committed them in, so the
 * shadow purse never goes below the card's floor unless money appeared or
 * vanished outside the journals. Per event, in this order:
 *   1. TMC already posted → tmc_duplicate (clone sign), nothing posted.
 *   2. TMC not next → wait (gap), unless the gap is past its deadline: flag tmc_gap and skip it.
 *   3. balance the card reported before ≠ shadow → adjustment through suspense + exception.
 *   4. the event's own transfer (fare, purchase, top-up, autoload matched to its order).
 * Pure: the caller reads the inputs and writes the plan in one transaction.
 */
import { MONEY_KIND_RULES } from '../../ingest/checks.js';
import type { ExceptionInput } from '../../reconcile/exceptions.js';
import { cashAccount, isPurseApplication, operatorRevenueAccount, purseAccount, schoolCanteenAccount, STRIPE_CLEARING_ACCOUNT, SUSPENSE_ACCOUNT, type AccountSpec, type PurseApplication } from '../accounts.js';
import { adjustmentTransferId, tapTransferId, type TransferInput } from '../transfers.js';
import { cardKeyString, type CardPostingState, type HeldEvent, type PostingContext, type PostingPlan, type StateUpdate } from './types.js';

interface Walk {
  lastTmc: number;
  lastDeviceId: number | null;
  shadowVnd: number | null;
  update: StateUpdate | null;
}

function exceptionFor(event: HeldEvent, input: Pick<ExceptionInput, 'kind' | 'detail'> & { readonly amountVnd?: number | null; readonly dedupeSuffix?: string }): ExceptionInput {
  return {
    kind: input.kind,
    dedupeKey: `${input.kind}:${event.deviceId}:${event.seq}${input.dedupeSuffix ?? ''}`,
    cardNumber: event.cardNumber,
    application: event.application,
    deviceId: event.deviceId,
    seq: event.seq,
    operatorId: event.operatorId,
    amountVnd: input.amountVnd ?? null,
    detail: input.detail,
    at: event.at,
  };
}

class PlanBuilder {
  readonly accounts = new Map<string, AccountSpec>();
  readonly transfers: TransferInput[] = [];
  readonly eventStatuses: PostingPlan['eventStatuses'][number][] = [];
  readonly exceptions: ExceptionInput[] = [];
  readonly appliedOrders: PostingPlan['appliedOrders'][number][] = [];
  readonly appliedActionIds = new Set<string>();

  account(spec: AccountSpec): string {
    this.accounts.set(spec.id, spec);
    return spec.id;
  }

  transfer(input: Omit<TransferInput, 'phase' | 'pendingId'> & { readonly phase?: TransferInput['phase']; readonly pendingId?: string | null }): void {
    this.transfers.push({ phase: 'posted', pendingId: null, ...input });
  }
}

function adjustShadow(plan: PlanBuilder, walk: Walk, event: HeldEvent, purse: PurseApplication): void {
  if (walk.shadowVnd === null || event.balanceBeforeVnd === null || event.balanceBeforeVnd === walk.shadowVnd) return;
  const differenceVnd = event.balanceBeforeVnd - walk.shadowVnd;
  const purseId = plan.account(purseAccount(event.cardNumber, purse));
  const suspenseId = plan.account(SUSPENSE_ACCOUNT);
  plan.transfer({
    id: adjustmentTransferId(event.deviceId, event.seq),
    debitAccountId: differenceVnd > 0 ? suspenseId : purseId,
    creditAccountId: differenceVnd > 0 ? purseId : suspenseId,
    amountVnd: Math.abs(differenceVnd),
    code: 'adjustment',
    eventDeviceId: event.deviceId,
    eventSeq: event.seq,
    at: event.at,
  });
  plan.exceptions.push(
    exceptionFor(event, {
      kind: differenceVnd > 0 ? 'balance_rise_without_load' : 'balance_mismatch',
      amountVnd: differenceVnd,
      detail: { shadowVnd: walk.shadowVnd, reportedVnd: event.balanceBeforeVnd, tmc: event.tmc },
    }),
  );
  walk.shadowVnd = event.balanceBeforeVnd;
}

/** The source account of a credit to a purse, or null when the credit is unexplained (suspense + exception). */
function creditSource(plan: PlanBuilder, event: HeldEvent, context: PostingContext): { readonly accountId: string; readonly pendingId: string | null; readonly orderId: string | null } {
  switch (event.kind) {
    case 'top-up':
      return { accountId: plan.account(cashAccount(event.operatorId ?? '')), pendingId: null, orderId: null };
    case 'canteen-top-up': {
      const school = context.schoolBySiteCode.get(event.siteCode ?? -1) ?? '';
      return { accountId: plan.account(cashAccount(school)), pendingId: null, orderId: null };
    }
    default: {
      const order = event.actionId === null ? undefined : context.ordersByActionId.get(event.actionId);
      const matches = order !== undefined && order.status === 'paid' && order.cardNumber === event.cardNumber && order.application === event.application && !plan.appliedActionIds.has(order.actionId);
      if (matches && order.amountVnd === event.amountVnd) {
        plan.appliedActionIds.add(order.actionId);
        plan.appliedOrders.push({ orderId: order.orderId, actionId: order.actionId });
        return { accountId: plan.account(STRIPE_CLEARING_ACCOUNT), pendingId: order.pendingTransferId, orderId: order.orderId };
      }
      plan.exceptions.push(
        exceptionFor(event, {
          kind: matches ? 'autoload_amount_mismatch' : 'autoload_without_order',
          amountVnd: event.amountVnd,
          detail: { tmc: event.tmc, orderAmountVnd: order?.amountVnd ?? null, orderStatus: order?.status ?? null },
        }),
      );
      return { accountId: plan.account(SUSPENSE_ACCOUNT), pendingId: null, orderId: null };
    }
  }
}

function postMoney(plan: PlanBuilder, walk: Walk, event: HeldEvent, context: PostingContext, purse: PurseApplication): void {
  const rule = MONEY_KIND_RULES[event.kind as keyof typeof MONEY_KIND_RULES];
  if (rule === undefined || event.amountVnd === 0) return;
  const purseId = plan.account(purseAccount(event.cardNumber, purse));
  const base = { id: tapTransferId(event.deviceId, event.seq), amountVnd: event.amountVnd, eventDeviceId: event.deviceId, eventSeq: event.seq, at: event.at } as const;
  if (rule.direction === 'debit') {
    const creditAccountId = event.kind === 'canteen-purchase' ? plan.account(schoolCanteenAccount(context.schoolBySiteCode.get(event.siteCode ?? -1) ?? '')) : plan.account(operatorRevenueAccount(event.operatorId ?? ''));
    plan.transfer({ ...base, debitAccountId: purseId, creditAccountId, code: event.kind === 'canteen-purchase' ? 'canteen_purchase' : 'fare' });
    walk.shadowVnd = (walk.shadowVnd ?? 0) - event.amountVnd;
    return;
  }
  const source = creditSource(plan, event, context);
  const code = event.kind === 'autoload' ? 'autoload' : event.kind === 'canteen-top-up' ? 'canteen_top_up' : 'top_up';
  if (source.pendingId !== null) {
    plan.transfer({ ...base, debitAccountId: source.accountId, creditAccountId: purseId, code, phase: 'post_pending', pendingId: source.pendingId });
  } else {
    plan.transfer({ ...base, debitAccountId: source.accountId, creditAccountId: purseId, code });
  }
  walk.shadowVnd = (walk.shadowVnd ?? 0) + event.amountVnd;
}

function postEvent(plan: PlanBuilder, walk: Walk, event: HeldEvent, context: PostingContext): void {
  if (isPurseApplication(event.application)) {
    adjustShadow(plan, walk, event, event.application);
    postMoney(plan, walk, event, context, event.application);
  }
  walk.lastTmc = event.tmc;
  walk.lastDeviceId = event.deviceId;
  walk.update = { cardNumber: event.cardNumber, application: event.application, lastTmc: event.tmc, lastReportedBalanceVnd: event.balanceAfterVnd ?? event.balanceBeforeVnd ?? walk.update?.lastReportedBalanceVnd ?? null, lastEventAt: event.at, lastDeviceId: event.deviceId };
  plan.eventStatuses.push({ deviceId: event.deviceId, seq: event.seq, status: 'posted' });
}

function walkCard(plan: PlanBuilder, state: CardPostingState, events: readonly HeldEvent[], context: PostingContext): StateUpdate | null {
  const walk: Walk = { lastTmc: state.lastTmc, lastDeviceId: state.lastDeviceId, shadowVnd: state.shadowVnd, update: null };
  for (const event of events) {
    if (event.tmc <= walk.lastTmc) {
      plan.eventStatuses.push({ deviceId: event.deviceId, seq: event.seq, status: 'tmc_duplicate' });
      plan.exceptions.push(exceptionFor(event, { kind: 'tmc_duplicate', amountVnd: event.amountVnd, detail: { tmc: event.tmc, postedTmc: walk.lastTmc, lastDeviceId: walk.lastDeviceId } }));
      continue;
    }
    if (event.tmc !== walk.lastTmc + 1) {
      if (context.gapCutoffIso === null || event.receivedAt > context.gapCutoffIso) break;
      plan.exceptions.push(exceptionFor(event, { kind: 'tmc_gap', detail: { fromTmc: walk.lastTmc + 1, toTmc: event.tmc - 1 }, dedupeSuffix: `:${walk.lastTmc + 1}` }));
    }
    postEvent(plan, walk, event, context);
  }
  return walk.update;
}

export function planPosting(context: PostingContext): PostingPlan {
  const plan = new PlanBuilder();
  const stateUpdates: StateUpdate[] = [];
  const byKey = new Map<string, HeldEvent[]>();
  for (const event of context.held) {
    const key = cardKeyString(event);
    const list = byKey.get(key) ?? [];
    list.push(event);
    byKey.set(key, list);
  }
  for (const [key, events] of byKey) {
    const state = context.states.get(key);
    if (state === undefined) throw new Error('assertion failed: held events for a card without a locked state');
    const update = walkCard(plan, state, events, context);
    if (update !== null) stateUpdates.push(update);
  }
  return { accounts: [...plan.accounts.values()], transfers: plan.transfers, eventStatuses: plan.eventStatuses, stateUpdates, exceptions: plan.exceptions, appliedOrders: plan.appliedOrders };
}
