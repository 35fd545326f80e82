/**
 * Applying an autoload from the action list exactly once on the card, even
 * across offline validators (PROFILE.md §12). The top-up key that credits
 * cannot write the fare state and the debit key cannot credit, and an
 * authentication drops a pending transaction, so the credit and its marker
 * cannot share one transaction. The card therefore carries a claim:
 *
 *   1. claim  (debit key): fare state ← { lastSeq: s, claimTmc: c }, trip "autoload 0" — commit c
 *   2. credit (top-up key): Credit, trip "autoload amount"                            — commit c + 1
 *   3. fare   (debit key): the fare, fare state ← { lastSeq: s, claimTmc: 0 } (settled)
 *
 * A claim is fulfilled only by the credit committed right after it (c + 1),
 * so whoever reads the card can tell what happened:
 *   record c + 1 is that credit          → fulfilled: settle, never credit again;
 *   the claim is the newest commit (c)   → not credited yet: credit now;
 *   record c + 1 is something else       → the credit can no longer happen: claim again;
 *   record c + 1 left the 10-record log  → unknown: settle without credit (at most once),
 *                                           the clearing house re-issues the order.
 * Actions with a sequence number ≤ lastSeq are never applied again.
 */
import { ACTION_SEQ_MAX, type ActionMarker, type TripRecord } from '@onecard/card-os/profile';
import type { CardAction } from '../ports.js';

export type AutoloadAction = Extract<CardAction, { kind: 'autoload' }>;

export type AutoloadPlan =
  | { readonly kind: 'none' }
  /** The claim is fulfilled: the fare transaction settles it. */
  | { readonly kind: 'settle'; readonly seq: number }
  /** The claim is the newest commit: credit it now. */
  | { readonly kind: 'credit'; readonly seq: number; readonly action: AutoloadAction }
  /** A new claim (a pending action, or a claim whose credit can no longer happen). */
  | { readonly kind: 'claim'; readonly seq: number; readonly action: AutoloadAction }
  /** The claim's outcome cannot be proven: settle without credit. */
  | { readonly kind: 'lost'; readonly seq: number };

/** The action's per-card sequence number when it is one the card can record (1..ACTION_SEQ_MAX), else undefined: never applied. */
export function actionSeqOf(action: CardAction): number | undefined {
  const { seq } = action;
  return Number.isInteger(seq) && seq >= 1 && seq <= ACTION_SEQ_MAX ? seq : undefined;
}

function isTransitAutoload(action: CardAction): action is AutoloadAction {
  return action.kind === 'autoload' && action.application === 'transit';
}

/** Actions a bus tap applies (PROFILE.md §12): transit autoloads, pass loads, transit unblocks. */
export function isBusAction(action: CardAction): boolean {
  switch (action.kind) {
    case 'autoload':
    case 'unblock':
      return action.application === 'transit';
    case 'load-contract':
      return true;
  }
}

/**
 * The bus action to apply next: the lowest sequence number above `lastSeq`
 * not yet applied. All kinds share the card's one sequence, so an action
 * never overtakes a lower one that waits.
 */
export function nextBusAction(input: { pending: readonly CardAction[]; lastSeq: number; isActionApplied: (actionId: string) => boolean }): { action: CardAction; seq: number } | undefined {
  return input.pending
    .filter(isBusAction)
    .map((action) => ({ action, seq: actionSeqOf(action) }))
    .filter((c): c is { action: CardAction; seq: number } => c.seq !== undefined && c.seq > input.lastSeq && !input.isActionApplied(c.action.actionId))
    .sort((a, b) => a.seq - b.seq)[0];
}

export interface AutoloadInput {
  readonly marker: ActionMarker | undefined;
  /** The card's trip log, oldest first (only the newest record is needed unless a claim is open). */
  readonly trips: readonly TripRecord[];
  readonly pending: readonly CardAction[];
  /** The device holds the top-up key (bus-validator-autoload). */
  readonly canCredit: boolean;
  readonly isActionApplied: (actionId: string) => boolean;
}

function actionWithSeq(pending: readonly CardAction[], seq: number, isApplied: (id: string) => boolean): AutoloadAction | undefined {
  return pending.filter(isTransitAutoload).find((a) => actionSeqOf(a) === seq && !isApplied(a.actionId));
}

export function planAutoload(input: AutoloadInput): AutoloadPlan {
  const lastSeq = input.marker?.lastSeq ?? 0;
  const claimTmc = input.marker?.claimTmc ?? 0;
  if (claimTmc !== 0) {
    const next = input.trips.find((t) => t.transactionNo === claimTmc + 1);
    if (next !== undefined && next.event === 'autoload' && next.amountVnd > 0) return { kind: 'settle', seq: lastSeq };
    const newest = input.trips.at(-1);
    const action = input.canCredit ? actionWithSeq(input.pending, lastSeq, input.isActionApplied) : undefined;
    if (newest?.transactionNo === claimTmc) return action === undefined ? { kind: 'none' } : { kind: 'credit', seq: lastSeq, action };
    const oldest = input.trips[0];
    const provable = next !== undefined || (oldest !== undefined && oldest.transactionNo <= claimTmc + 1);
    if (!provable) return { kind: 'lost', seq: lastSeq };
    // Record c + 1 is not the credit: it can never come. Claim again, or leave the claim to an autoload validator.
    return action === undefined ? { kind: 'none' } : { kind: 'claim', seq: lastSeq, action };
  }
  if (!input.canCredit) return { kind: 'none' };
  const first = nextBusAction({ pending: input.pending, lastSeq, isActionApplied: input.isActionApplied });
  // A lower-numbered pass load or unblock goes first (modes/bus-contract-load.ts).
  return first === undefined || !isTransitAutoload(first.action) ? { kind: 'none' } : { kind: 'claim', seq: first.seq, action: first.action };
}
