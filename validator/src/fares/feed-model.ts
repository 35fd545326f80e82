/**
 * The loaded feed: the GTFS-Fares v2 tables and the OneCard extension,
 * validated and indexed once at load so a quote or a tap only does map
 * look-ups and short scans. Immutable after load.
 */
import type { ContractKind, HolderCategory, Tariff } from '@onecard/card-os/profile';
import type { LocalClock } from './local-time.js';

/** Network key of legs on routes without a network (FareFeed.legRulesByNetwork). */
export const NO_NETWORK_KEY = '';

export interface RouteInfo {
  readonly routeId: string;
  /** routes.network_id, route_networks.txt, or the network of its distance band (extension). */
  readonly networkId: string | undefined;
  /** onecard_routes.txt card_route_code (PROFILE.md §5.3 lastRouteId, §5.4 routeId). */
  readonly cardRouteCode: number | undefined;
  readonly routeLengthM: number | undefined;
}

export interface StopInfo {
  readonly stopId: string;
  /** The stop itself, or its parent station: what join rules compare. */
  readonly stationId: string;
  /** Areas of the stop (its own stop_areas rows, else its parent station's). */
  readonly areaIds: readonly string[];
}

export interface FareProductOffer {
  readonly fareProductId: string;
  readonly name: string | undefined;
  /** undefined: any rider category (GTFS). */
  readonly riderCategoryId: string | undefined;
  /** undefined: fare media unknown (GTFS). */
  readonly fareMediaId: string | undefined;
  readonly amountMinorUnits: number;
}

export interface LegRule {
  /** 0-based position in fare_leg_rules.txt: ties are broken by file order. */
  readonly order: number;
  readonly line: number;
  readonly legGroupId: string | undefined;
  readonly networkId: string | undefined;
  readonly fromAreaId: string | undefined;
  readonly toAreaId: string | undefined;
  readonly fromTimeframeGroupId: string | undefined;
  readonly toTimeframeGroupId: string | undefined;
  readonly fareProductId: string;
  readonly rulePriority: number;
}

export type FareTransferType = 0 | 1 | 2;
export type DurationLimitType = 0 | 1 | 2 | 3;

export interface TransferRule {
  readonly order: number;
  readonly line: number;
  readonly fromLegGroupId: string | undefined;
  readonly toLegGroupId: string | undefined;
  /** -1 unlimited; undefined when the rule joins two different leg groups (forbidden there). */
  readonly transferCount: number | undefined;
  readonly durationLimitS: number | undefined;
  readonly durationLimitType: DurationLimitType | undefined;
  readonly fareTransferType: FareTransferType;
  readonly fareProductId: string | undefined;
}

export interface JoinRule {
  readonly fromNetworkId: string;
  readonly toNetworkId: string;
  readonly fromStopId: string | undefined;
  readonly toStopId: string | undefined;
}

export interface Timeframe {
  readonly startS: number;
  readonly endS: number;
  readonly serviceId: string;
}

export interface ServiceCalendar {
  /** Index 0 = Sunday (Date#getUTCDay). */
  readonly weekdays: readonly boolean[] | undefined;
  readonly startDate: number;
  readonly endDate: number;
  readonly added: ReadonlySet<number>;
  readonly removed: ReadonlySet<number>;
}

export type CapPeriod = 'day' | 'month';

export interface FareCap {
  readonly fareCapId: string;
  /** undefined: every rider category. */
  readonly riderCategoryId: string | undefined;
  readonly period: CapPeriod;
  readonly amountMinorUnits: number;
}

export interface FareFeed {
  readonly currency: string;
  readonly currencyDecimals: number;
  readonly clock: LocalClock;
  readonly routes: ReadonlyMap<string, RouteInfo>;
  readonly routesByCardCode: ReadonlyMap<number, RouteInfo>;
  readonly stops: ReadonlyMap<string, StopInfo>;
  readonly fareMediaIds: ReadonlySet<string>;
  readonly riderCategoryIds: ReadonlySet<string>;
  readonly defaultRiderCategoryId: string | undefined;
  readonly products: ReadonlyMap<string, readonly FareProductOffer[]>;
  readonly legRules: readonly LegRule[];
  /** Candidate leg rules per network id ('' = legs on routes without a network), in file order. */
  readonly legRulesByNetwork: ReadonlyMap<string, readonly LegRule[]>;
  /** fare_leg_rules.txt has a rule_priority column: empty fields are wildcards (else "all except those listed"). */
  readonly legRulesUsePriority: boolean;
  readonly listedLegNetworks: ReadonlySet<string>;
  readonly listedFromAreas: ReadonlySet<string>;
  readonly listedToAreas: ReadonlySet<string>;
  readonly timeframes: ReadonlyMap<string, readonly Timeframe[]>;
  readonly services: ReadonlyMap<string, ServiceCalendar>;
  readonly joinRules: readonly JoinRule[];
  readonly transferRules: readonly TransferRule[];
  readonly listedTransferFromGroups: ReadonlySet<string>;
  readonly listedTransferToGroups: ReadonlySet<string>;
  readonly legGroupIds: ReadonlySet<string>;
  readonly holderCategories: ReadonlyMap<HolderCategory, string>;
  readonly contractProducts: ReadonlyMap<`${ContractKind}/${Tariff}`, string>;
  readonly fareCaps: readonly FareCap[];
}
