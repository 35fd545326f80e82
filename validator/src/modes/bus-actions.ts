/**
 * The action-list step of a bus tap after the autoload plan
 * (modes/autoload-plan.ts): the next action of the card's one sequence
 * (PROFILE.md §12) when it is a pass load (modes/bus-contract-load.ts) or an
 * unblock. At most one such action per tap, after at most one autoload, so a
 * tap stays within two extra commits.
 *
 * **Unblock.** Nothing on a card of this profile is blocked: the
 * applications have no lock, and §4's key settings let no terminal change
 * keys or files. A block is the deny list (a card number with a reason,
 * validator/src/lists), so an unblock is a list-level action: the clearing
 * house drops the card from the next deny-list version, and the tap that
 * first reaches the mode after that confirms it. The confirmation needs no
 * write of its own: the tap's fare transaction records the unblock's
 * sequence number in the fare state, and its journal event carries the
 * actionId (and detail.actionSeq) with the TMC ‖ TMV of that commit, so the
 * unblock is journaled once per card, also across offline validators (a
 * sequence number ≤ actionSeq never applies again). Any bus validator may
 * confirm it: it needs only the debit key.
 */
import type { ActionMarker, TransitTapView, TripRecord } from '@onecard/card-os/profile';
import type { TapContext } from '../tap/context.js';
import type { TapReason } from '../tap/outcome.js';
import { nextBusAction } from './autoload-plan.js';
import { applyContractLoad, slotOfSale, type ActionWaitReason } from './bus-contract-load.js';

export type ListActionResult =
  | {
      readonly ok: true;
      readonly view: TransitTapView;
      /** The marker the fare transaction writes. */
      readonly markerAfter: ActionMarker | undefined;
      /** An action that stays pending, and why (journaled in the tap's event detail). */
      readonly waiting: { readonly actionId: string; readonly reason: ActionWaitReason } | undefined;
      /** An action the fare commit applies (an unblock): its event carries the actionId. */
      readonly confirms: { readonly actionId: string; readonly seq: number } | undefined;
    }
  | { readonly ok: false; readonly reason: TapReason };

export interface ListActionInput {
  readonly context: TapContext;
  readonly record: TapContext['record'];
  readonly view: TransitTapView;
  readonly trips: readonly TripRecord[];
  /** The device holds the top-up key (bus-validator-autoload). */
  readonly canLoad: boolean;
  /** The marker after the autoload step. */
  readonly markerIn: ActionMarker | undefined;
}

export async function applyListAction(input: ListActionInput): Promise<ListActionResult> {
  const { context, view, markerIn } = input;
  const unchanged: ListActionResult = { ok: true, view, markerAfter: markerIn, waiting: undefined, confirms: undefined };
  // An open autoload claim goes first: nothing overtakes it.
  if ((markerIn?.claimTmc ?? 0) !== 0) return unchanged;
  const pending = context.actions.pendingFor(context.identity.cardNumber);
  // A pass journaled here whose sequence number the card has not recorded yet (its fare commit was torn) is planned again, so the marker catches up.
  const loadOnCard = new Set(pending.flatMap((a) => (a.kind === 'load-contract' && slotOfSale(view.entitlements, a.contract.saleId) !== undefined ? [a.actionId] : [])));
  const next = nextBusAction({ pending, lastSeq: markerIn?.lastSeq ?? 0, isActionApplied: (id) => !loadOnCard.has(id) && context.journal.isActionApplied(id) });
  if (next === undefined) return unchanged;
  const { action, seq } = next;
  switch (action.kind) {
    case 'autoload':
      // The autoload plan applied it this tap or cannot (no top-up key, purse limit): it keeps its turn.
      return unchanged;
    case 'load-contract': {
      const step = await applyContractLoad({ ...input, seq, action });
      return step.ok ? { ...step, confirms: undefined } : step;
    }
    case 'unblock':
      return { ok: true, view, markerAfter: { lastSeq: seq, claimTmc: 0 }, waiting: undefined, confirms: { actionId: action.actionId, seq } };
  }
}

/** Event fields for the tap's own event: the confirmed action, or why the next one waits. */
export function listActionFields(result: Extract<ListActionResult, { ok: true }>): { actionId?: string; detail?: Record<string, number | string> } {
  if (result.confirms !== undefined) return { actionId: result.confirms.actionId, detail: { actionSeq: result.confirms.seq } };
  if (result.waiting !== undefined) return { detail: { actionWaits: result.waiting.reason } };
  return {};
}
