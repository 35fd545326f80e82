/**
 * Matching a leg (or an effective fare leg) against fare_leg_rules.txt
 * (reference.md "fare_leg_rules.txt"): network, departure and arrival areas,
 * departure and arrival timeframes; empty fields are "every value not listed
 * in that column" without a rule_priority column, and "any value" with one,
 * where only the matches of the highest priority count. The product is then
 * resolved for the rider category and fare media (fare_products.txt), and
 * among several matching products the cheapest is quoted (ties: file order).
 */
import { serviceRunsOn } from './build-calendar.js';
import { NO_NETWORK_KEY, type FareFeed, type FareProductOffer, type LegRule } from './feed-model.js';
import type { LocalInstant } from './local-time.js';

export interface LegFacts {
  readonly networkId: string | undefined;
  readonly fromAreaIds: readonly string[];
  /** Empty for a tap-on-only bus, where the alighting stop is unknown. */
  readonly toAreaIds: readonly string[];
  readonly startAt: Date;
  /** undefined for a tap-on-only bus: rules with to_timeframe_group_id then do not match. */
  readonly endAt: Date | undefined;
}

export interface Rider {
  readonly riderCategoryId: string;
  /** undefined: a product of any fare media may be used. */
  readonly fareMediaId: string | undefined;
}

export interface PricedLeg {
  readonly rule: LegRule;
  readonly offer: FareProductOffer;
}

export type LegPricing =
  | { readonly ok: true; readonly priced: PricedLeg }
  /** no_rule: no leg rule matches the travel; no_product_for_rider: rules match, none has a product for the rider and media. */
  | { readonly ok: false; readonly reason: 'no_rule' | 'no_product_for_rider' };

/** The product row of `fareProductId` for the rider: own category beats "any category", own media beats "unknown media", then the cheapest. */
export function offerFor(feed: FareFeed, fareProductId: string, rider: Rider): FareProductOffer | undefined {
  const offers = feed.products.get(fareProductId);
  if (offers === undefined) return undefined;
  let best: FareProductOffer | undefined;
  let bestScore = -1;
  for (const offer of offers) {
    const categoryScore = offer.riderCategoryId === rider.riderCategoryId ? 2 : offer.riderCategoryId === undefined ? 1 : 0;
    const mediaScore = rider.fareMediaId === undefined || offer.fareMediaId === rider.fareMediaId ? 2 : offer.fareMediaId === undefined ? 1 : 0;
    if (categoryScore === 0 || mediaScore === 0) continue;
    const score = categoryScore * 3 + mediaScore;
    if (score > bestScore || (score === bestScore && best !== undefined && offer.amountMinorUnits < best.amountMinorUnits)) {
      best = offer;
      bestScore = score;
    }
  }
  return best;
}

export function timeframeMatches(feed: FareFeed, groupId: string, local: LocalInstant): boolean {
  const frames = feed.timeframes.get(groupId);
  if (frames === undefined) return false;
  for (const frame of frames) {
    if (local.secondsOfDay < frame.startS || local.secondsOfDay >= frame.endS) continue;
    const service = feed.services.get(frame.serviceId);
    if (service !== undefined && serviceRunsOn(service, local)) return true;
  }
  return false;
}

function areaMatches(ruleArea: string | undefined, legAreas: readonly string[], listedAreas: ReadonlySet<string>, usePriority: boolean): boolean {
  if (ruleArea !== undefined) return legAreas.includes(ruleArea);
  if (usePriority) return true;
  for (const area of legAreas) if (listedAreas.has(area)) return false;
  return true;
}

/** The matching rules of the winning priority, in file order. */
export function matchLegRules(feed: FareFeed, facts: LegFacts): readonly LegRule[] {
  const candidates = feed.legRulesByNetwork.get(facts.networkId ?? NO_NETWORK_KEY) ?? [];
  const usePriority = feed.legRulesUsePriority;
  const emptyNetworkMatches = usePriority || facts.networkId === undefined || !feed.listedLegNetworks.has(facts.networkId);
  let startLocal: LocalInstant | undefined;
  let endLocal: LocalInstant | undefined;
  let matches: LegRule[] = [];
  let priority = -1;
  for (const rule of candidates) {
    if (rule.networkId === undefined && !emptyNetworkMatches) continue;
    if (usePriority && rule.rulePriority < priority) continue;
    if (!areaMatches(rule.fromAreaId, facts.fromAreaIds, feed.listedFromAreas, usePriority)) continue;
    if (!areaMatches(rule.toAreaId, facts.toAreaIds, feed.listedToAreas, usePriority)) continue;
    if (rule.fromTimeframeGroupId !== undefined) {
      startLocal ??= feed.clock.localInstant(facts.startAt);
      if (!timeframeMatches(feed, rule.fromTimeframeGroupId, startLocal)) continue;
    }
    if (rule.toTimeframeGroupId !== undefined) {
      if (facts.endAt === undefined) continue;
      endLocal ??= feed.clock.localInstant(facts.endAt);
      if (!timeframeMatches(feed, rule.toTimeframeGroupId, endLocal)) continue;
    }
    if (usePriority && rule.rulePriority > priority) {
      priority = rule.rulePriority;
      matches = [];
    }
    matches.push(rule);
  }
  return matches;
}

export function priceLeg(feed: FareFeed, facts: LegFacts, rider: Rider): LegPricing {
  const rules = matchLegRules(feed, facts);
  if (rules.length === 0) return { ok: false, reason: 'no_rule' };
  let best: PricedLeg | undefined;
  for (const rule of rules) {
    const offer = offerFor(feed, rule.fareProductId, rider);
    if (offer !== undefined && (best === undefined || offer.amountMinorUnits < best.offer.amountMinorUnits)) best = { rule, offer };
  }
  return best === undefined ? { ok: false, reason: 'no_product_for_rider' } : { ok: true, priced: best };
}
