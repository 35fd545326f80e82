/**
 * The fare half of the feed: media, rider categories, products (amounts in
 * minor units of the feed's one currency), leg rules, join rules and transfer
 * rules, with the conditional rules of reference.md checked.
 */
import { fail } from './feed-error.js';
import { rowsOf, type FeedFiles } from './feed-files.js';
import type { FareProductOffer, JoinRule, LegRule, TransferRule } from './feed-model.js';
import { currencyDecimals, parseAmount } from './money.js';
import type { NetworkPart } from './build-network.js';
import { fareLegJoinRuleRow, fareLegRuleRow, fareMediaRow, fareProductRow, fareTransferRuleRow, riderCategoryRow } from './row-schemas.js';

export interface ProductPart {
  readonly currency: string;
  readonly currencyDecimals: number;
  readonly fareMediaIds: ReadonlySet<string>;
  readonly riderCategoryIds: ReadonlySet<string>;
  readonly defaultRiderCategoryId: string | undefined;
  readonly products: ReadonlyMap<string, readonly FareProductOffer[]>;
}

export function buildProducts(files: FeedFiles): ProductPart {
  const media = rowsOf(files, 'fare_media.txt', fareMediaRow, { requiredColumns: ['fare_media_id', 'fare_media_type'], presence: 'optional' });
  const categories = rowsOf(files, 'rider_categories.txt', riderCategoryRow, { requiredColumns: ['rider_category_id', 'rider_category_name'], presence: 'optional' });
  const productRows = rowsOf(files, 'fare_products.txt', fareProductRow, { requiredColumns: ['fare_product_id', 'amount', 'currency'], presence: 'required' });

  const fareMediaIds = new Set<string>();
  for (const { line, value } of media.rows) {
    if (fareMediaIds.has(value.fare_media_id)) fail('duplicate_key', { file: 'fare_media.txt', line, field: 'fare_media_id' }, `fare media ${value.fare_media_id} appears twice`);
    fareMediaIds.add(value.fare_media_id);
  }
  const riderCategoryIds = new Set<string>();
  let defaultRiderCategoryId: string | undefined;
  for (const { line, value } of categories.rows) {
    if (riderCategoryIds.has(value.rider_category_id)) fail('duplicate_key', { file: 'rider_categories.txt', line, field: 'rider_category_id' }, `rider category ${value.rider_category_id} appears twice`);
    riderCategoryIds.add(value.rider_category_id);
    if (value.is_default_fare_category === 1) defaultRiderCategoryId ??= value.rider_category_id;
  }

  const first = productRows.rows[0];
  if (first === undefined) fail('rule_violated', { file: 'fare_products.txt' }, 'the file has no products');
  const currency = first.value.currency;
  const decimals = currencyDecimals(currency);
  if (decimals === undefined) fail('field_invalid', { file: 'fare_products.txt', line: first.line, field: 'currency' }, `${currency} is not an ISO 4217 currency`);
  const products = new Map<string, FareProductOffer[]>();
  for (const { line, value: v } of productRows.rows) {
    const at = { file: 'fare_products.txt', line };
    if (v.currency !== currency) fail('rule_violated', { ...at, field: 'currency' }, `every product must be in ${currency} (the engine quotes one currency per feed)`);
    if (v.rider_category_id !== undefined && !riderCategoryIds.has(v.rider_category_id)) {
      fail('reference_unknown', { ...at, field: 'rider_category_id' }, `rider category ${v.rider_category_id} is not in rider_categories.txt`);
    }
    if (v.fare_media_id !== undefined && !fareMediaIds.has(v.fare_media_id)) fail('reference_unknown', { ...at, field: 'fare_media_id' }, `fare media ${v.fare_media_id} is not in fare_media.txt`);
    const amount = parseAmount(v.amount, decimals);
    if (!amount.ok) fail('field_invalid', { ...at, field: 'amount' }, amount.reason);
    const offers = products.get(v.fare_product_id) ?? [];
    if (offers.some((o) => o.riderCategoryId === v.rider_category_id && o.fareMediaId === v.fare_media_id)) {
      fail('duplicate_key', { ...at, field: 'fare_product_id' }, `product ${v.fare_product_id} is listed twice for the same rider category and fare media`);
    }
    offers.push({ fareProductId: v.fare_product_id, name: v.fare_product_name, riderCategoryId: v.rider_category_id, fareMediaId: v.fare_media_id, amountMinorUnits: amount.minorUnits });
    products.set(v.fare_product_id, offers);
  }
  return { currency, currencyDecimals: decimals, fareMediaIds, riderCategoryIds, defaultRiderCategoryId, products };
}

export interface RulePart {
  readonly legRules: readonly LegRule[];
  readonly legRulesUsePriority: boolean;
  readonly joinRules: readonly JoinRule[];
  readonly transferRules: readonly TransferRule[];
}

export function buildRules(files: FeedFiles, network: NetworkPart, products: ProductPart, timeframeGroups: ReadonlySet<string>): RulePart {
  const legRows = rowsOf(files, 'fare_leg_rules.txt', fareLegRuleRow, { requiredColumns: ['fare_product_id'], presence: 'required' });
  const legRules = legRows.rows.map(({ line, value: v }, order): LegRule => {
    const at = { file: 'fare_leg_rules.txt', line };
    if (!products.products.has(v.fare_product_id)) fail('reference_unknown', { ...at, field: 'fare_product_id' }, `product ${v.fare_product_id} is not in fare_products.txt`);
    if (v.network_id !== undefined && !network.networkIds.has(v.network_id)) fail('reference_unknown', { ...at, field: 'network_id' }, `network ${v.network_id} is in neither routes.txt nor networks.txt`);
    for (const field of ['from_area_id', 'to_area_id'] as const) {
      const area = v[field];
      if (area !== undefined && !network.areaIds.has(area)) fail('reference_unknown', { ...at, field }, `area ${area} is not in areas.txt`);
    }
    for (const field of ['from_timeframe_group_id', 'to_timeframe_group_id'] as const) {
      const group = v[field];
      if (group !== undefined && !timeframeGroups.has(group)) fail('reference_unknown', { ...at, field }, `timeframe group ${group} is not in timeframes.txt`);
    }
    return {
      order,
      line,
      legGroupId: v.leg_group_id,
      networkId: v.network_id,
      fromAreaId: v.from_area_id,
      toAreaId: v.to_area_id,
      fromTimeframeGroupId: v.from_timeframe_group_id,
      toTimeframeGroupId: v.to_timeframe_group_id,
      fareProductId: v.fare_product_id,
      rulePriority: v.rule_priority ?? 0,
    };
  });
  const legGroups = new Set(legRules.flatMap((rule) => (rule.legGroupId === undefined ? [] : [rule.legGroupId])));

  const joinRows = rowsOf(files, 'fare_leg_join_rules.txt', fareLegJoinRuleRow, { requiredColumns: ['from_network_id', 'to_network_id'], presence: 'optional' });
  const joinRules = joinRows.rows.map(({ line, value: v }): JoinRule => {
    const at = { file: 'fare_leg_join_rules.txt', line };
    for (const field of ['from_network_id', 'to_network_id'] as const) {
      if (!network.networkIds.has(v[field])) fail('reference_unknown', { ...at, field }, `network ${v[field]} is in neither routes.txt nor networks.txt`);
    }
    if (v.from_network_id !== v.to_network_id) fail('rule_violated', { ...at, field: 'to_network_id' }, 'must equal from_network_id (reference.md: the same network on both sides)');
    if ((v.from_stop_id === undefined) !== (v.to_stop_id === undefined)) {
      fail('rule_violated', { ...at, field: v.from_stop_id === undefined ? 'from_stop_id' : 'to_stop_id' }, 'from_stop_id and to_stop_id are given together or not at all');
    }
    for (const field of ['from_stop_id', 'to_stop_id'] as const) {
      const stop = v[field];
      if (stop !== undefined && network.stops !== undefined && !network.stops.has(stop)) fail('reference_unknown', { ...at, field }, `stop ${stop} is not in stops.txt`);
    }
    return { fromNetworkId: v.from_network_id, toNetworkId: v.to_network_id, fromStopId: v.from_stop_id, toStopId: v.to_stop_id };
  });

  const transferRows = rowsOf(files, 'fare_transfer_rules.txt', fareTransferRuleRow, { requiredColumns: ['fare_transfer_type'], presence: 'optional' });
  const transferRules = transferRows.rows.map(({ line, value: v }, order): TransferRule => {
    const at = { file: 'fare_transfer_rules.txt', line };
    for (const field of ['from_leg_group_id', 'to_leg_group_id'] as const) {
      const group = v[field];
      if (group !== undefined && !legGroups.has(group)) fail('reference_unknown', { ...at, field }, `leg group ${group} is not in fare_leg_rules.txt`);
    }
    const sameGroup = v.from_leg_group_id === v.to_leg_group_id;
    if (sameGroup && v.transfer_count === undefined) fail('rule_violated', { ...at, field: 'transfer_count' }, 'required when from_leg_group_id equals to_leg_group_id');
    if (!sameGroup && v.transfer_count !== undefined) fail('rule_violated', { ...at, field: 'transfer_count' }, 'forbidden when from_leg_group_id differs from to_leg_group_id');
    if ((v.duration_limit === undefined) !== (v.duration_limit_type === undefined)) {
      fail('rule_violated', { ...at, field: 'duration_limit_type' }, 'required with duration_limit and forbidden without it');
    }
    if (v.fare_product_id !== undefined && !products.products.has(v.fare_product_id)) fail('reference_unknown', { ...at, field: 'fare_product_id' }, `product ${v.fare_product_id} is not in fare_products.txt`);
    return {
      order,
      line,
      fromLegGroupId: v.from_leg_group_id,
      toLegGroupId: v.to_leg_group_id,
      transferCount: v.transfer_count,
      durationLimitS: v.duration_limit,
      durationLimitType: v.duration_limit_type,
      fareTransferType: v.fare_transfer_type,
      fareProductId: v.fare_product_id,
    };
  });
  return { legRules, legRulesUsePriority: legRows.columns.has('rule_priority'), joinRules, transferRules };
}
