/**
 * The offline bus-tap decision (ports.ts FareEngine): from what the card
 * holds and where the bus is, decide what the rider pays and the fare state
 * to write back in the same transaction. Pure: no I/O, no clock, no state
 * outside its arguments. Checks run in a fixed order:
 *
 *  1. the route is in the feed and has a card route code, else route_unknown;
 *  2. the rider category: the card's holder category mapped by
 *     onecard_holder_categories.txt while its validity covers today; outside
 *     it, the category of holder "adult" (the rider pays the regular fare,
 *     concession and free passes no longer apply);
 *  3. the single-ride product by fare_leg_rules.txt (network, boarding-stop
 *     area, boarding time), else no_fare_for_rider; a product of 0 → free-ride;
 *  4. a monthly pass covering the route → pass-use;
 *  5. a transfer from the card's current journey by fare_transfer_rules.txt
 *     (tap-on only: see TransferWindow and transferFrom) → transfer;
 *  6. otherwise a fare that starts a new journey;
 *  7. caps cut the amount (capped when nothing is left to pay);
 *  8. the purse must hold the amount, else insufficient_funds — or
 *     category_expired when the card's own category would have ridden cheaper.
 * The card's own expiry is not in CardFareView: the tap pipeline checks it.
 */
import type { TransitFareState } from '@onecard/card-os/profile';
import type { BusTapContext, CardFareView, FareDecision, FareEngine, FareOutcome } from '../ports.js';
import { applyCaps, spentSoFar } from './caps.js';
import type { FareFeed, RouteInfo } from './feed-model.js';
import { priceLeg, type PricedLeg, type Rider } from './leg-rules.js';
import { MS_PER_SECOND, vietnamCivilDate } from './local-time.js';
import { coveringPass } from './passes.js';
import { chooseTransfer, type ChosenTransfer } from './transfer-rules.js';

/** transit.fare-state transfersUsed is a u8 (PROFILE.md §5.3). */
export const TRANSFERS_USED_MAX = 0xff;
/** The holder category whose rider category applies once the card's category has lapsed. */
export const FALLBACK_HOLDER_CATEGORY = 'adult';
const NO_AREAS: readonly string[] = Object.freeze([]);

interface TapJourney {
  readonly journeyStartedAt: Date | undefined;
  readonly transfersUsed: number;
}

function nextState(state: TransitFareState, input: { readonly at: Date; readonly routeCode: number; readonly journey: TapJourney; readonly caps: { capDay: string; capDaySpentVnd: number; capMonth: string; capMonthSpentVnd: number } }): TransitFareState {
  return {
    journeyStartedAt: input.journey.journeyStartedAt,
    transfersUsed: input.journey.transfersUsed,
    lastTapAt: input.at,
    lastRouteId: input.routeCode,
    capDay: input.caps.capDay,
    capDaySpentVnd: input.caps.capDaySpentVnd,
    capMonth: input.caps.capMonth,
    capMonthSpentVnd: input.caps.capMonthSpentVnd,
  };
}

/**
 * What the card's fare state means between taps (PROFILE.md §5.3 fields):
 * `transfersUsed` counts the consecutive transfers within one leg group that
 * ended at the last boarding (reference.md transfer_count), and
 * `journeyStartedAt` is the boarding that run is timed from; after a
 * transfer between two leg groups it is the boarding before it (so
 * journeyStartedAt < lastTapAt says "the last boarding was a transfer").
 */
interface TransferWindow {
  readonly continuesRun: boolean;
  readonly transferNumber: number;
  readonly timedFrom: Date;
  readonly previousTransferred: boolean;
}

/**
 * A transfer from the card's current journey. A bus validator sees boardings
 * only: duration_limit_type 1 (departure to departure) is exact; type 2
 * (arrival of the first leg to this departure) is checked against the first
 * leg's departure, so a transfer it admits is certain and one it refuses may
 * have been due; types 0 and 3 need this leg's arrival and never apply at a
 * tap-on. The previous leg is re-priced from its card route code and tap time
 * (its boarding stop is not on the card).
 */
function transferFrom(
  feed: FareFeed,
  input: { readonly state: TransitFareState; readonly at: Date; readonly current: PricedLeg; readonly rider: Rider },
): { readonly chosen: ChosenTransfer; readonly window: TransferWindow; readonly sameGroup: boolean; readonly previousTapAt: Date } | undefined {
  const { state, at } = input;
  const started = state.journeyStartedAt;
  const lastTap = state.lastTapAt;
  if (started === undefined || lastTap === undefined) return undefined;
  if (at.getTime() < lastTap.getTime() || lastTap.getTime() < started.getTime()) return undefined;
  const previousRoute = feed.routesByCardCode.get(state.lastRouteId);
  if (previousRoute === undefined) return undefined;
  const previous = priceLeg(feed, { networkId: previousRoute.networkId, fromAreaIds: NO_AREAS, toAreaIds: NO_AREAS, startAt: lastTap, endAt: undefined }, input.rider);
  if (!previous.ok) return undefined;
  const fromGroup = previous.priced.rule.legGroupId;
  const toGroup = input.current.rule.legGroupId;
  const sameGroup = fromGroup !== undefined && fromGroup === toGroup;
  const continuesRun = sameGroup && state.transfersUsed > 0;
  if (continuesRun && state.transfersUsed >= TRANSFERS_USED_MAX) return undefined;
  const window: TransferWindow = {
    continuesRun,
    transferNumber: continuesRun ? state.transfersUsed + 1 : 1,
    timedFrom: continuesRun ? started : lastTap,
    previousTransferred: state.transfersUsed > 0 || started.getTime() < lastTap.getTime(),
  };
  const sinceS = Math.floor((at.getTime() - window.timedFrom.getTime()) / MS_PER_SECOND);
  const previousVnd = previous.priced.offer.amountMinorUnits;
  const currentVnd = input.current.offer.amountMinorUnits;
  const chosen = chooseTransfer(
    feed,
    { fromLegGroupId: fromGroup, toLegGroupId: toGroup, transferNumber: window.transferNumber, durationS: [undefined, sinceS, sinceS, undefined] },
    input.rider,
    // A bus tap can only debit: a transfer product may be negative (a discount, reference.md
    // fare_products.txt amount), and AB may be below A, but the charge is never below 0.
    (type, transferVnd) => {
      switch (type) {
        case 0:
          return Math.max(0, transferVnd);
        case 1:
          return Math.max(0, transferVnd + currentVnd);
        case 2:
          return Math.max(0, window.previousTransferred ? transferVnd : transferVnd - previousVnd);
      }
    },
  );
  return chosen === undefined ? undefined : { chosen, window, sameGroup, previousTapAt: lastTap };
}

function riderCategoryFor(feed: FareFeed, card: CardFareView, today: string): { readonly riderCategoryId: string | undefined; readonly lapsed: boolean; readonly ownCategoryId: string | undefined } {
  const { entitlements } = card;
  const ownCategoryId = feed.holderCategories.get(entitlements.fareCategory);
  const lapsed = today < entitlements.fareCategoryValidFrom || today > entitlements.fareCategoryValidUntil;
  return { riderCategoryId: lapsed ? feed.holderCategories.get(FALLBACK_HOLDER_CATEGORY) : ownCategoryId, lapsed, ownCategoryId };
}

/** The decision for one bus tap; `feed` must price in VND (createFareEngine checks it). */
export function decideBusTap(feed: FareFeed, card: CardFareView, context: BusTapContext): FareDecision {
  const route: RouteInfo | undefined = feed.routes.get(context.routeId);
  if (route?.cardRouteCode === undefined) return { ok: false, reason: 'route_unknown', riderCategoryId: undefined };
  const routeCode = route.cardRouteCode;
  const at = context.at;
  const today = vietnamCivilDate(at);
  const keys = { day: today, month: today.slice(0, 7) };
  const category = riderCategoryFor(feed, card, today);
  const riderCategoryId = category.riderCategoryId;
  if (riderCategoryId === undefined) return { ok: false, reason: 'no_fare_for_rider', riderCategoryId: undefined };
  const rider: Rider = { riderCategoryId, fareMediaId: context.fareMediaId };
  const fromAreaIds = context.stopId === undefined ? NO_AREAS : (feed.stops.get(context.stopId)?.areaIds ?? NO_AREAS);
  const pricing = priceLeg(feed, { networkId: route.networkId, fromAreaIds, toAreaIds: NO_AREAS, startAt: at, endAt: undefined }, rider);
  if (!pricing.ok) return { ok: false, reason: 'no_fare_for_rider', riderCategoryId };
  const current = pricing.priced;
  const state = card.fareState;
  const noJourney: TapJourney = { journeyStartedAt: undefined, transfersUsed: 0 };
  const spent = spentSoFar(state, keys);
  const unchangedCaps = { capDay: keys.day, capDaySpentVnd: spent.dayVnd, capMonth: keys.month, capMonthSpentVnd: spent.monthVnd };

  if (current.offer.amountMinorUnits === 0) {
    return free('free-ride', { fareProductId: current.rule.fareProductId, riderCategoryId, contractSlot: undefined, routeCode, next: nextState(state, { at, routeCode, journey: noJourney, caps: unchangedCaps }) });
  }
  const pass = coveringPass(feed, { contracts: card.entitlements.contracts, routeCode, today, rider });
  if (pass !== undefined) {
    return free('pass-use', { fareProductId: pass.fareProductId, riderCategoryId, contractSlot: pass.contractSlot, routeCode, next: nextState(state, { at, routeCode, journey: noJourney, caps: unchangedCaps }) });
  }

  const transfer = transferFrom(feed, { state, at, current, rider });
  const fareVnd = transfer === undefined ? current.offer.amountMinorUnits : transfer.chosen.chargeMinorUnits;
  const caps = applyCaps(feed, { riderCategoryId, fareVnd, state, keys });
  const journey: TapJourney =
    transfer === undefined
      ? { journeyStartedAt: at, transfersUsed: 0 }
      : transfer.sameGroup
        ? { journeyStartedAt: transfer.window.timedFrom, transfersUsed: transfer.window.transferNumber }
        : { journeyStartedAt: transfer.previousTapAt, transfersUsed: 0 };
  const outcome: FareOutcome = caps.payableVnd === 0 && fareVnd > 0 ? 'capped' : transfer === undefined ? 'fare' : 'transfer';
  if (caps.payableVnd > card.balanceVnd) {
    const ownWouldDiffer = category.lapsed && category.ownCategoryId !== undefined && category.ownCategoryId !== riderCategoryId;
    return { ok: false, reason: ownWouldDiffer ? 'category_expired' : 'insufficient_funds', riderCategoryId };
  }
  return {
    ok: true,
    outcome,
    amountVnd: caps.payableVnd,
    fareProductId: transfer?.chosen.rule.fareProductId ?? current.rule.fareProductId,
    riderCategoryId,
    contractSlot: undefined,
    nextFareState: nextState(state, { at, routeCode, journey, caps }),
    routeCode,
  };
}

function free(
  outcome: 'free-ride' | 'pass-use',
  input: { readonly fareProductId: string; readonly riderCategoryId: string; readonly contractSlot: number | undefined; readonly routeCode: number; readonly next: TransitFareState },
): FareDecision {
  return { ok: true, outcome, amountVnd: 0, fareProductId: input.fareProductId, riderCategoryId: input.riderCategoryId, contractSlot: input.contractSlot, nextFareState: input.next, routeCode: input.routeCode };
}

export type FareEngineCreation = { readonly ok: true; readonly engine: FareEngine } | { readonly ok: false; readonly code: 'currency_not_vnd' | 'holder_categories_missing'; readonly message: string };

/** A FareEngine over a loaded feed; the feed must price in VND (the card purse) and map holder categories. */
export function createFareEngine(feed: FareFeed): FareEngineCreation {
  if (feed.currency !== 'VND') return { ok: false, code: 'currency_not_vnd', message: `the feed prices in ${feed.currency}; the card purse holds VND` };
  if (feed.holderCategories.size === 0) return { ok: false, code: 'holder_categories_missing', message: 'the feed has no onecard_holder_categories.txt: card categories cannot be mapped to rider categories' };
  return { ok: true, engine: { decideBusTap: (card, context) => decideBusTap(feed, card, context) } };
}
