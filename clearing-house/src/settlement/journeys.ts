/**
 * Journeys and their apportionment between operators.
 *
 * A journey is a card's `fare` boarding and the `transfer` boardings that
 * follow it, in the card's TMC order (the validator writes `transfer` for a
 * leg priced by a transfer rule from the journey so far). Any other boarding
 * (pass ride, free ride, capped ride) ends the journey. A `transfer` with no
 * journey before it is a journey of its own. A journey is settled on the
 * business day of its first leg, with its legs of the next day (within
 * JOURNEY_EDGE_WINDOW_MS, ./boarding.ts): a 23:50 fare and its 00:10
 * transfer are apportioned on the day of the fare, and only there.
 *
 * A journey whose legs are carried by more than one operator is apportioned:
 * its revenue (what the card paid for all its legs, as posted) is shared by
 * the legs pro rata of each leg's full fare from the feed; when the feed is
 * missing or does not price every leg, in equal shares. Shares are integer
 * đồng, rounded down, the remainder going to the first leg, so they sum to the
 * revenue exactly. A leg whose share is more than it was charged receives the
 * difference (apportioned in, on the carrying operator's route); a leg whose
 * share is less gives it up (apportioned out, on the collecting operator's
 * route). Per journey the ins and outs are equal, so across all operators
 * they net to zero.
 */
import type { Boarding } from './boarding.js';

export interface LegShare {
  readonly leg: Boarding;
  readonly shareVnd: number;
  /** shareVnd − chargedVnd: > 0 apportioned in, < 0 apportioned out. */
  readonly deltaVnd: number;
}

/** Groups boardings (any order) into journeys of legs in TMC order. */
export function journeysOf(boardings: readonly Boarding[]): Boarding[][] {
  const byCard = new Map<string, Boarding[]>();
  for (const boarding of boardings) {
    const list = byCard.get(boarding.cardKey) ?? [];
    list.push(boarding);
    byCard.set(boarding.cardKey, list);
  }
  const journeys: Boarding[][] = [];
  for (const list of byCard.values()) {
    list.sort((a, b) => a.tmc - b.tmc || a.at.localeCompare(b.at));
    let current: Boarding[] | undefined;
    for (const boarding of list) {
      switch (boarding.kind) {
        case 'fare':
          current = [boarding];
          journeys.push(current);
          break;
        case 'transfer':
          if (current === undefined) {
            current = [boarding];
            journeys.push(current);
          } else {
            current.push(boarding);
          }
          break;
        case 'pass-use':
        case 'free-ride':
        case 'capped':
          current = undefined;
          break;
      }
    }
  }
  return journeys;
}

export function spansOperators(journey: readonly Boarding[]): boolean {
  return new Set(journey.map((leg) => leg.operatorId)).size > 1;
}

/**
 * Shares of `revenueVnd` by `weights` (non-negative integers): floor of the pro-rata part for every leg but the
 * first, which gets the remainder. Equal shares when a weight is missing or all are 0.
 */
export function shareRevenue(revenueVnd: number, weights: readonly (number | undefined)[]): number[] {
  if (!Number.isSafeInteger(revenueVnd) || revenueVnd < 0) throw new RangeError('journey revenue must be a non-negative integer');
  if (weights.length === 0) return [];
  const known = weights.flatMap((w) => (w !== undefined && Number.isSafeInteger(w) && w >= 0 ? [w] : []));
  const total = known.reduce((sum, w) => sum + w, 0);
  const effective = known.length === weights.length && total > 0 ? known : weights.map(() => 1);
  const weightTotal = BigInt(effective.reduce((sum, w) => sum + w, 0));
  const shares = effective.map((w, index) => (index === 0 ? 0 : Number((BigInt(revenueVnd) * BigInt(w)) / weightTotal)));
  shares[0] = revenueVnd - shares.reduce((sum, share) => sum + share, 0);
  return shares;
}

/** The legs of a journey with their shares; empty when the journey stays with one operator. */
export function apportionJourney(journey: readonly Boarding[], fullFareVnd: (leg: Boarding) => number | undefined): LegShare[] {
  if (!spansOperators(journey)) return [];
  const revenueVnd = journey.reduce((sum, leg) => sum + leg.chargedVnd, 0);
  const shares = shareRevenue(revenueVnd, journey.map(fullFareVnd));
  return journey.map((leg, index) => {
    const shareVnd = shares[index] ?? 0;
    return { leg, shareVnd, deltaVnd: shareVnd - leg.chargedVnd };
  });
}
