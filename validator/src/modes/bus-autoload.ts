/**
 * Runs the autoload plan (modes/autoload-plan.ts) on the card during a bus
 * tap: claim and credit as their own transactions before the fare, each
 * journaled right after its commit, so a card pulled at any point leaves a
 * state the next validator reads correctly.
 */
import { PROFILE_KEY_NO, TRANSIT_PURSE_BALANCE_VND_MAX, type ActionMarker, type TransitTapView, type TripRecord } from '@onecard/card-os/profile';
import { reasonOfFailure } from '../tap/card-failure.js';
import type { TapContext } from '../tap/context.js';
import type { TapNote, TapReason } from '../tap/outcome.js';
import { actionSeqOf, planAutoload, type AutoloadAction } from './autoload-plan.js';
import { journaledCardTmc } from './bus-recovery.js';
import { claimTransaction, creditTransaction, tmcFields, withMarker, type Committed, type TripLine } from './bus-card.js';

export type AutoloadResult =
  | { readonly ok: true; readonly view: TransitTapView; readonly markerAfter: ActionMarker | undefined; readonly notes: readonly TapNote[] }
  | { readonly ok: false; readonly reason: TapReason };

interface Input {
  readonly context: TapContext;
  readonly record: TapContext['record'];
  readonly view: TransitTapView;
  readonly trips: readonly TripRecord[];
  readonly canCredit: boolean;
}

export function tripOf(line: TripLine): TripRecord {
  return { event: line.event, transactionNo: line.transactionNo, at: line.at, deviceId: line.deviceId, routeId: line.routeCode, amountVnd: line.amountVnd, balanceAfterVnd: line.balanceAfterVnd, contractSlot: line.contractSlot };
}

export async function applyAutoload(input: Input): Promise<AutoloadResult> {
  const { context, record, view } = input;
  const cardNumber = context.identity.cardNumber;
  const marker = view.fareState.actions;
  const plan = planAutoload({
    marker,
    trips: input.trips,
    pending: context.actions.pendingFor(cardNumber),
    canCredit: input.canCredit,
    isActionApplied: (id) => context.journal.isActionApplied(id),
  });
  const cardTmc = view.lastTrip?.transactionNo ?? 0;
  switch (plan.kind) {
    case 'none':
      return { ok: true, view, markerAfter: marker, notes: [] };
    case 'settle':
      recordSettledCredit({ input, seq: plan.seq, claimTmc: marker?.claimTmc ?? 0 });
      return { ok: true, view, markerAfter: { lastSeq: plan.seq, claimTmc: 0 }, notes: [] };
    case 'lost':
      record({ kind: 'autoload', reason: 'autoload_claim_lost', amountVnd: 0, detail: { actionSeq: plan.seq, cardTmc } });
      return { ok: true, view, markerAfter: { lastSeq: plan.seq, claimTmc: 0 }, notes: [] };
    case 'credit':
      return credit({ input, view, seq: plan.seq, action: plan.action });
    case 'claim': {
      if (view.balanceVnd + plan.action.amountVnd > TRANSIT_PURSE_BALANCE_VND_MAX) return { ok: true, view, markerAfter: marker, notes: [{ code: 'autoload-waits-purse-limit' }] };
      const claimMarker: ActionMarker = { lastSeq: plan.seq, claimTmc: cardTmc + 1 };
      const line: TripLine = { event: 'autoload', transactionNo: cardTmc + 1, at: context.now, deviceId: context.device.deviceId, routeCode: 0, amountVnd: 0, balanceAfterVnd: view.balanceVnd, contractSlot: undefined };
      const fareState = withMarker(view.fareState, claimMarker);
      const claimed = await claimTransaction({ client: context.session.client, timer: context.timer, fareState, trip: line });
      if (!claimed.ok) return { ok: false, reason: 'card_refused' };
      record({ kind: 'autoload', reason: 'autoload_claim', amountVnd: 0, balanceBeforeVnd: view.balanceVnd, balanceAfterVnd: view.balanceVnd, ...tmcFields(claimed.value, { actionSeq: plan.seq }) });
      return credit({ input, view: { ...view, fareState, lastTrip: tripOf(line) }, seq: plan.seq, action: plan.action });
    }
  }
}

/**
 * A credit committed on the card (possibly by another validator) that this
 * journal does not have: journaled now, so the order reaches the ledger even
 * when the validator that credited it never saw the commit answer. The
 * clearing house keeps one event per (card, TMC).
 */
function recordSettledCredit(options: { input: Input; seq: number; claimTmc: number }): void {
  const { input, seq, claimTmc } = options;
  const { context } = input;
  const credit = input.trips.find((t) => t.transactionNo === claimTmc + 1);
  if (credit === undefined) return;
  const cardNumber = context.identity.cardNumber;
  const journaledTmc = journaledCardTmc(context.journal.lastEventFor(cardNumber, 'transit')) ?? -1;
  if (credit.transactionNo <= journaledTmc) return;
  const actionId = context.actions.pendingFor(cardNumber).find((a) => actionSeqOf(a) === seq)?.actionId;
  input.record({ kind: 'autoload', reason: 'autoload_settled', amountVnd: credit.amountVnd, balanceBeforeVnd: credit.balanceAfterVnd - credit.amountVnd, balanceAfterVnd: credit.balanceAfterVnd, tmc: credit.transactionNo, ...(actionId === undefined ? {} : { actionId }), detail: { actionSeq: seq, creditDeviceId: credit.deviceId } });
}

async function credit(options: { input: Input; view: TransitTapView; seq: number; action: AutoloadAction }): Promise<AutoloadResult> {
  const { input, view, seq, action } = options;
  const { context, record } = input;
  const balanceAfterVnd = view.balanceVnd + action.amountVnd;
  if (balanceAfterVnd > TRANSIT_PURSE_BALANCE_VND_MAX) return { ok: true, view, markerAfter: view.fareState.actions, notes: [{ code: 'autoload-waits-purse-limit' }] };
  const line: TripLine = { event: 'autoload', transactionNo: (view.lastTrip?.transactionNo ?? 0) + 1, at: context.now, deviceId: context.device.deviceId, routeCode: 0, amountVnd: action.amountVnd, balanceAfterVnd, contractSlot: undefined };
  const credited = await creditTransaction({ session: context.session, timer: context.timer, amountVnd: action.amountVnd, trip: line });
  // No top-up key (a misconfigured plain validator): nothing was sent, the debit session is intact; the claim stays open for an autoload validator.
  if (!credited.ok && 'code' in credited && credited.code === 'key_not_held') return { ok: true, view, markerAfter: view.fareState.actions, notes: [{ code: 'autoload-unavailable' }] };
  if (!credited.ok) return { ok: false, reason: 'code' in credited ? reasonOfFailure(credited) : 'card_refused' };
  const committed: Committed = credited.value;
  record({ kind: 'autoload', amountVnd: action.amountVnd, actionId: action.actionId, balanceBeforeVnd: view.balanceVnd, balanceAfterVnd, ...tmcFields(committed, { actionSeq: seq }) });
  // Back to the debit key for the fare (EV2 NonFirst: a new transaction).
  const auth = await context.timer.time('read', () => context.session.authenticate('transit', PROFILE_KEY_NO.transit.debit, { defaultKeyAllowed: false }));
  if (!auth.ok) return { ok: false, reason: reasonOfFailure(auth) };
  return { ok: true, view: { ...view, balanceVnd: balanceAfterVnd, lastTrip: tripOf(line) }, markerAfter: { lastSeq: seq, claimTmc: 0 }, notes: [{ code: 'autoload' }] };
}
