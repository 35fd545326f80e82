/**
 * Choosing the fare_transfer_rules.txt record for one transfer
 * (reference.md "fare_transfer_rules.txt"): records naming both leg groups
 * exactly win; only without them do empty groups ("every group not listed in
 * that column") apply. A record applies when its duration limit holds
 * (measured from the first leg of the transfer sub-journey), its
 * transfer_count admits this transfer, and its product exists for the rider.
 * Among records with transfer_count, the smallest count that admits the
 * transfer is chosen; any remaining tie goes to the cheapest for the rider.
 */
import type { FareFeed, FareProductOffer, FareTransferType, TransferRule } from './feed-model.js';
import { offerFor, type Rider } from './leg-rules.js';

/** transfer_count -1: no limit (reference.md). */
export const TRANSFER_COUNT_UNLIMITED = -1;

export interface TransferQuery {
  readonly fromLegGroupId: string | undefined;
  readonly toLegGroupId: string | undefined;
  /** Transfers in the sub-journey including this one (1 for the first transfer). */
  readonly transferNumber: number;
  /** Seconds measured per duration_limit_type (index = type); undefined where the event time is unknown (tap-on only). */
  readonly durationS: readonly [number | undefined, number | undefined, number | undefined, number | undefined];
}

export interface ChosenTransfer {
  readonly rule: TransferRule;
  /** undefined: the record has no fare_product_id, the transfer costs 0. */
  readonly offer: FareProductOffer | undefined;
  /** What the rider pays on the post-transfer leg under this record (chargeFor). */
  readonly chargeMinorUnits: number;
}

/** What the post-transfer leg costs under a transfer type, given the transfer product's amount. */
export type ChargeFor = (type: FareTransferType, transferAmountMinorUnits: number) => number;

function groupMatches(ruleGroup: string | undefined, legGroup: string, listed: ReadonlySet<string>): boolean {
  return ruleGroup === undefined ? !listed.has(legGroup) : ruleGroup === legGroup;
}

function admits(rule: TransferRule, query: TransferQuery): boolean {
  if (rule.transferCount !== undefined && rule.transferCount !== TRANSFER_COUNT_UNLIMITED && query.transferNumber > rule.transferCount) return false;
  if (rule.durationLimitS === undefined) return true;
  const measured = query.durationS[rule.durationLimitType ?? 0];
  return measured !== undefined && measured >= 0 && measured <= rule.durationLimitS;
}

function countRank(rule: TransferRule): number {
  return rule.transferCount === undefined || rule.transferCount === TRANSFER_COUNT_UNLIMITED ? Number.POSITIVE_INFINITY : rule.transferCount;
}

export function chooseTransfer(feed: FareFeed, query: TransferQuery, rider: Rider, chargeFor: ChargeFor): ChosenTransfer | undefined {
  const from = query.fromLegGroupId;
  const to = query.toLegGroupId;
  if (from === undefined || to === undefined || feed.transferRules.length === 0) return undefined;
  let candidates = feed.transferRules.filter((rule) => rule.fromLegGroupId === from && rule.toLegGroupId === to);
  if (candidates.length === 0) {
    candidates = feed.transferRules.filter(
      (rule) => groupMatches(rule.fromLegGroupId, from, feed.listedTransferFromGroups) && groupMatches(rule.toLegGroupId, to, feed.listedTransferToGroups),
    );
  }
  const usable: ChosenTransfer[] = [];
  for (const rule of candidates) {
    if (!admits(rule, query)) continue;
    const offer = rule.fareProductId === undefined ? undefined : offerFor(feed, rule.fareProductId, rider);
    if (rule.fareProductId !== undefined && offer === undefined) continue;
    usable.push({ rule, offer, chargeMinorUnits: chargeFor(rule.fareTransferType, offer?.amountMinorUnits ?? 0) });
  }
  if (usable.length === 0) return undefined;
  const counted = usable.filter((choice) => choice.rule.transferCount !== undefined);
  const smallestCount = Math.min(...counted.map((choice) => countRank(choice.rule)));
  const finalists = counted.length === 0 ? usable : usable.filter((choice) => choice.rule.transferCount === undefined || countRank(choice.rule) === smallestCount);
  let best = finalists[0];
  for (const choice of finalists) if (best === undefined || choice.chargeMinorUnits < best.chargeMinorUnits) best = choice;
  return best;
}
