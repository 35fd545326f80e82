/**
 * quoteJourney: the fare of a multi-leg journey by GTFS-Fares v2
 * (reference.md): legs are joined into effective fare legs
 * (fare_leg_join_rules.txt), each effective leg is priced by
 * fare_leg_rules.txt, and consecutive effective legs are linked by
 * fare_transfer_rules.txt whose cost follows fare_transfer_type: 0 A + AB,
 * 1 A + AB + B, 2 AB (then S + BC, S + BC + C, S + BC for later transfers).
 * transfer_count and duration_limit apply to runs of consecutive transfers
 * within one leg group, timed from the run's first leg; a transfer between
 * two leg groups is timed from the leg before it. Caps are not applied: they depend on the
 * card's running spend (bus-tap.ts applies them).
 */
import type { FareFeed, FareTransferType } from './feed-model.js';
import type { Journey, JourneyLeg } from './journey.js';
import { priceLeg, type PricedLeg, type Rider } from './leg-rules.js';
import { MS_PER_SECOND } from './local-time.js';
import { chooseTransfer } from './transfer-rules.js';

export type QuotedLegKind = 'fare' | 'transfer' | 'joined';

export interface QuotedLeg {
  readonly legIndex: number;
  readonly routeId: string;
  readonly riderCategoryId: string;
  readonly fareMediaId: string | undefined;
  /** Index of the effective fare leg the leg belongs to (fare_leg_join_rules.txt). */
  readonly effectiveLegIndex: number;
  readonly kind: QuotedLegKind;
  /** The product fare_leg_rules.txt gives the (effective) leg. */
  readonly fareProductId: string;
  readonly legGroupId: string | undefined;
  /** On a transfer: the fare_transfer_rules.txt product (undefined = free transfer) and its type. */
  readonly transferFareProductId: string | undefined;
  readonly fareTransferType: FareTransferType | undefined;
  /** What this leg adds to the total (0 on joined legs; may be negative for an AB transfer below A). */
  readonly amountMinorUnits: number;
}

export interface JourneyQuote {
  readonly currency: string;
  readonly currencyDecimals: number;
  readonly legs: readonly QuotedLeg[];
  readonly totalMinorUnits: number;
}

export type QuoteFailureCode = 'route_unknown' | 'stop_unknown' | 'rider_category_unknown' | 'fare_media_unknown' | 'no_fare_rule' | 'no_product_for_rider';

export type QuoteResult =
  | { readonly ok: true; readonly quote: JourneyQuote }
  | { readonly ok: false; readonly code: QuoteFailureCode; readonly legIndex: number; readonly message: string };

interface PreparedLeg {
  readonly leg: JourneyLeg;
  readonly networkId: string | undefined;
  readonly rider: Rider;
  readonly startAt: Date;
  readonly endAt: Date;
}

interface EffectiveLeg {
  readonly first: number;
  readonly last: number;
  readonly priced: PricedLeg;
  readonly startAt: Date;
  readonly endAt: Date;
  readonly rider: Rider;
}

type Failure = Extract<QuoteResult, { ok: false }>;

function prepare(feed: FareFeed, leg: JourneyLeg, legIndex: number): PreparedLeg | Failure {
  const route = feed.routes.get(leg.route_id);
  if (route === undefined) return { ok: false, code: 'route_unknown', legIndex, message: `route ${leg.route_id} is not in the feed` };
  for (const stopId of [leg.from_stop_id, leg.to_stop_id]) {
    if (stopId !== undefined && feed.stops.size > 0 && !feed.stops.has(stopId)) return { ok: false, code: 'stop_unknown', legIndex, message: `stop ${stopId} is not in the feed` };
  }
  const riderCategoryId = leg.rider_category_id ?? feed.defaultRiderCategoryId ?? '';
  if (leg.rider_category_id !== undefined && !feed.riderCategoryIds.has(leg.rider_category_id)) {
    return { ok: false, code: 'rider_category_unknown', legIndex, message: `rider category ${leg.rider_category_id} is not in the feed` };
  }
  if (leg.fare_media_id !== undefined && !feed.fareMediaIds.has(leg.fare_media_id)) {
    return { ok: false, code: 'fare_media_unknown', legIndex, message: `fare media ${leg.fare_media_id} is not in the feed` };
  }
  return { leg, networkId: route.networkId, rider: { riderCategoryId, fareMediaId: leg.fare_media_id }, startAt: new Date(leg.start_time), endAt: new Date(leg.end_time) };
}

function stationOf(feed: FareFeed, stopId: string | undefined): string | undefined {
  return stopId === undefined ? undefined : (feed.stops.get(stopId)?.stationId ?? stopId);
}

function stopIs(feed: FareFeed, stopId: string | undefined, wanted: string): boolean {
  return stopId === wanted || stationOf(feed, stopId) === wanted;
}

/** reference.md fare_leg_join_rules.txt: same network, and the named stops, or else the same station, at the transfer. */
function joins(feed: FareFeed, before: PreparedLeg, after: PreparedLeg): boolean {
  if (before.networkId === undefined || before.networkId !== after.networkId) return false;
  return feed.joinRules.some((rule) => {
    if (rule.fromNetworkId !== before.networkId || rule.toNetworkId !== after.networkId) return false;
    if (rule.fromStopId !== undefined && rule.toStopId !== undefined) return stopIs(feed, before.leg.to_stop_id, rule.fromStopId) && stopIs(feed, after.leg.from_stop_id, rule.toStopId);
    const arrival = stationOf(feed, before.leg.to_stop_id);
    return arrival !== undefined && arrival === stationOf(feed, after.leg.from_stop_id);
  });
}

function areasOf(feed: FareFeed, stopId: string | undefined): readonly string[] {
  return stopId === undefined ? [] : (feed.stops.get(stopId)?.areaIds ?? []);
}

function effectiveLegs(feed: FareFeed, legs: readonly PreparedLeg[]): readonly EffectiveLeg[] | Failure {
  const result: EffectiveLeg[] = [];
  let first = 0;
  for (let index = 0; index < legs.length; index++) {
    const current = legs[index];
    const next = legs[index + 1];
    if (current === undefined) continue;
    if (next !== undefined && joins(feed, current, next)) continue;
    const head = legs[first] ?? current;
    const pricing = priceLeg(
      feed,
      { networkId: head.networkId, fromAreaIds: areasOf(feed, head.leg.from_stop_id), toAreaIds: areasOf(feed, current.leg.to_stop_id), startAt: head.startAt, endAt: current.endAt },
      head.rider,
    );
    if (!pricing.ok) {
      const noRule = pricing.reason === 'no_rule';
      return {
        ok: false,
        code: noRule ? 'no_fare_rule' : 'no_product_for_rider',
        legIndex: first,
        message: noRule ? 'no fare leg rule matches this leg: its fare is unknown' : `no product of the matching leg rules is sold to rider category ${head.rider.riderCategoryId} on this fare media`,
      };
    }
    result.push({ first, last: index, priced: pricing.priced, startAt: head.startAt, endAt: current.endAt, rider: head.rider });
    first = index + 1;
  }
  return result;
}

function seconds(fromMs: number, toMs: number): number {
  return Math.floor((toMs - fromMs) / MS_PER_SECOND);
}

export function quoteJourney(feed: FareFeed, journey: Journey): QuoteResult {
  const prepared: PreparedLeg[] = [];
  for (const [index, leg] of journey.legs.entries()) {
    const result = prepare(feed, leg, index);
    if ('ok' in result) return result;
    prepared.push(result);
  }
  const effective = effectiveLegs(feed, prepared);
  if ('ok' in effective) return effective;

  const quoted: QuotedLeg[] = [];
  let total = 0;
  /** Consecutive transfers within one leg group ending at the previous leg, and the leg that run began at. */
  let runCount = 0;
  let runStart = 0;
  let previousTransferred = false;
  let previousCharge = 0;
  effective.forEach((current, index) => {
    const fareAmount = current.priced.offer.amountMinorUnits;
    const previous = effective[index - 1];
    const fromGroup = previous?.priced.rule.legGroupId;
    const toGroup = current.priced.rule.legGroupId;
    // reference.md transfer_count / duration_limit: a rule matched consecutively within one
    // leg group counts and times from the first leg of that run; any other transfer spans
    // just the previous leg and this one.
    const continuesRun = fromGroup !== undefined && fromGroup === toGroup && runCount > 0;
    const transferNumber = continuesRun ? runCount + 1 : 1;
    const head = effective[continuesRun ? runStart : index - 1];
    const transfer =
      previous === undefined || head === undefined
        ? undefined
        : chooseTransfer(
            feed,
            {
              fromLegGroupId: fromGroup,
              toLegGroupId: toGroup,
              transferNumber,
              durationS: [
                seconds(head.startAt.getTime(), current.endAt.getTime()),
                seconds(head.startAt.getTime(), current.startAt.getTime()),
                seconds(head.endAt.getTime(), current.startAt.getTime()),
                seconds(head.endAt.getTime(), current.endAt.getTime()),
              ],
            },
            current.rider,
            (type, transferAmount) => {
              switch (type) {
                case 0:
                  return transferAmount;
                case 1:
                  return transferAmount + fareAmount;
                case 2:
                  // AB replaces A on the first transfer of a sub-journey; later it is S + BC.
                  return previousTransferred ? transferAmount : transferAmount - previousCharge;
              }
            },
          );
    let charge: number;
    if (transfer === undefined) {
      charge = fareAmount;
      runCount = 0;
      previousTransferred = false;
    } else {
      charge = transfer.chargeMinorUnits;
      if (fromGroup === toGroup) {
        runStart = continuesRun ? runStart : index - 1;
        runCount = transferNumber;
      } else {
        runCount = 0;
      }
      previousTransferred = true;
    }
    previousCharge = charge;
    total += charge;
    for (let legIndex = current.first; legIndex <= current.last; legIndex++) {
      const leg = prepared[legIndex];
      if (leg === undefined) continue;
      const isHead = legIndex === current.first;
      quoted.push({
        legIndex,
        routeId: leg.leg.route_id,
        riderCategoryId: leg.rider.riderCategoryId,
        fareMediaId: leg.rider.fareMediaId,
        effectiveLegIndex: index,
        kind: !isHead ? 'joined' : transfer === undefined ? 'fare' : 'transfer',
        fareProductId: current.priced.rule.fareProductId,
        legGroupId: current.priced.rule.legGroupId,
        transferFareProductId: isHead ? transfer?.rule.fareProductId : undefined,
        fareTransferType: isHead ? transfer?.rule.fareTransferType : undefined,
        amountMinorUnits: isHead ? charge : 0,
      });
    }
  });
  return { ok: true, quote: { currency: feed.currency, currencyDecimals: feed.currencyDecimals, legs: quoted, totalMinorUnits: total } };
}
