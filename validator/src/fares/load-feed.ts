/**
 * Loads a GTFS-Fares v2 feed with the OneCard extension (feeds/README.md)
 * from a folder or from in-memory files, validates it and builds the indexes
 * the engine uses. The result is a value: a bad feed is a FeedError naming
 * file, line and field; nothing here throws for bad input.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContractKind, HolderCategory, Tariff } from '@onecard/card-os/profile';
import { buildServices, buildTimeframes } from './build-calendar.js';
import { buildProducts, buildRules, type ProductPart } from './build-fares.js';
import { buildNetwork } from './build-network.js';
import { FEED_FILE_BYTES_MAX } from './csv-table.js';
import { fail, feedError, FeedErrorSignal, type FeedResult } from './feed-error.js';
import { FEED_FILE_NAMES, rowsOf, type FeedFiles } from './feed-files.js';
import { NO_NETWORK_KEY, type FareCap, type FareFeed, type LegRule, type TransferRule } from './feed-model.js';
import { localClockFor, VIETNAM_TIME_ZONE } from './local-time.js';
import { parseAmount } from './money.js';
import { agencyRow, onecardContractProductRow, onecardFareCapRow, onecardHolderCategoryRow } from './row-schemas.js';

/** Used when the feed has no agency.txt (documented in feeds/README.md). */
export const DEFAULT_FEED_TIME_ZONE = VIETNAM_TIME_ZONE;

export function loadFeedFromFiles(files: FeedFiles): FeedResult<FareFeed> {
  try {
    return { ok: true, value: buildFeed(files) };
  } catch (error: unknown) {
    if (error instanceof FeedErrorSignal) return { ok: false, error: error.feedError };
    throw error;
  }
}

export async function loadFeedFromDirectory(directory: string): Promise<FeedResult<FareFeed>> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return { ok: false, error: feedError('unreadable', { file: directory }, 'the feed folder cannot be read') };
  }
  const files = new Map<string, string>();
  for (const name of FEED_FILE_NAMES) {
    if (!names.includes(name)) continue;
    const path = join(directory, name);
    try {
      if ((await stat(path)).size > FEED_FILE_BYTES_MAX) return { ok: false, error: feedError('too_large', { file: name }, `file is larger than ${FEED_FILE_BYTES_MAX} bytes`) };
      files.set(name, await readFile(path, 'utf8'));
    } catch {
      return { ok: false, error: feedError('unreadable', { file: name }, 'the file cannot be read') };
    }
  }
  return loadFeedFromFiles(files);
}

function buildFeed(files: FeedFiles): FareFeed {
  const agencies = rowsOf(files, 'agency.txt', agencyRow, { requiredColumns: ['agency_timezone'], presence: 'optional' });
  const timeZone = agencies.rows[0]?.value.agency_timezone ?? DEFAULT_FEED_TIME_ZONE;
  for (const { line, value } of agencies.rows) {
    if (value.agency_timezone !== timeZone) fail('rule_violated', { file: 'agency.txt', line, field: 'agency_timezone' }, 'all agencies must share one time zone');
  }
  const clock = localClockFor(timeZone);
  if (clock === undefined) fail('field_invalid', { file: 'agency.txt', line: agencies.rows[0]?.line ?? 2, field: 'agency_timezone' }, `${timeZone} is not an IANA time zone`);

  const network = buildNetwork(files);
  const products = buildProducts(files);
  const services = buildServices(files);
  const timeframes = buildTimeframes(files, services);
  const rules = buildRules(files, network, products, new Set(timeframes.keys()));
  const extension = buildExtension(files, products);

  const legGroupIds = new Set(rules.legRules.flatMap((rule) => (rule.legGroupId === undefined ? [] : [rule.legGroupId])));
  return {
    currency: products.currency,
    currencyDecimals: products.currencyDecimals,
    clock,
    routes: network.routes,
    routesByCardCode: network.routesByCardCode,
    stops: network.stops ?? new Map(),
    fareMediaIds: products.fareMediaIds,
    riderCategoryIds: products.riderCategoryIds,
    defaultRiderCategoryId: products.defaultRiderCategoryId,
    products: products.products,
    legRules: rules.legRules,
    legRulesByNetwork: indexLegRules(rules.legRules, network.networkIds),
    legRulesUsePriority: rules.legRulesUsePriority,
    listedLegNetworks: listed(rules.legRules, (rule) => rule.networkId),
    listedFromAreas: listed(rules.legRules, (rule) => rule.fromAreaId),
    listedToAreas: listed(rules.legRules, (rule) => rule.toAreaId),
    timeframes,
    services,
    joinRules: rules.joinRules,
    transferRules: rules.transferRules,
    listedTransferFromGroups: listed(rules.transferRules, (rule: TransferRule) => rule.fromLegGroupId),
    listedTransferToGroups: listed(rules.transferRules, (rule: TransferRule) => rule.toLegGroupId),
    legGroupIds,
    ...extension,
  };
}

function listed<T>(items: readonly T[], pick: (item: T) => string | undefined): ReadonlySet<string> {
  const set = new Set<string>();
  for (const item of items) {
    const value = pick(item);
    if (value !== undefined) set.add(value);
  }
  return set;
}

/** Rules that can match a leg of each network: its own and the empty-network ones, in file order. */
function indexLegRules(rules: readonly LegRule[], networkIds: ReadonlySet<string>): ReadonlyMap<string, readonly LegRule[]> {
  const index = new Map<string, readonly LegRule[]>();
  for (const key of [NO_NETWORK_KEY, ...networkIds]) {
    index.set(key, Object.freeze(rules.filter((rule) => rule.networkId === undefined || rule.networkId === key)));
  }
  return index;
}

interface ExtensionPart {
  readonly holderCategories: ReadonlyMap<HolderCategory, string>;
  readonly contractProducts: ReadonlyMap<`${ContractKind}/${Tariff}`, string>;
  readonly fareCaps: readonly FareCap[];
}

function buildExtension(files: FeedFiles, products: ProductPart): ExtensionPart {
  const holderRows = rowsOf(files, 'onecard_holder_categories.txt', onecardHolderCategoryRow, { requiredColumns: ['holder_category', 'rider_category_id'], presence: 'optional' });
  const holderCategories = new Map<HolderCategory, string>();
  for (const { line, value } of holderRows.rows) {
    const at = { file: 'onecard_holder_categories.txt', line };
    const holder = value.holder_category as HolderCategory;
    if (holderCategories.has(holder)) fail('duplicate_key', { ...at, field: 'holder_category' }, `${holder} is mapped twice`);
    if (!products.riderCategoryIds.has(value.rider_category_id)) fail('reference_unknown', { ...at, field: 'rider_category_id' }, `rider category ${value.rider_category_id} is not in rider_categories.txt`);
    holderCategories.set(holder, value.rider_category_id);
  }

  const contractRows = rowsOf(files, 'onecard_contract_products.txt', onecardContractProductRow, { requiredColumns: ['contract_kind', 'tariff', 'fare_product_id'], presence: 'optional' });
  const contractProducts = new Map<`${ContractKind}/${Tariff}`, string>();
  for (const { line, value } of contractRows.rows) {
    const at = { file: 'onecard_contract_products.txt', line };
    const key = `${value.contract_kind as ContractKind}/${value.tariff as Tariff}` as const;
    if (contractProducts.has(key)) fail('duplicate_key', { ...at, field: 'tariff' }, `${key} is mapped twice`);
    if (!products.products.has(value.fare_product_id)) fail('reference_unknown', { ...at, field: 'fare_product_id' }, `product ${value.fare_product_id} is not in fare_products.txt`);
    contractProducts.set(key, value.fare_product_id);
  }

  const capRows = rowsOf(files, 'onecard_fare_caps.txt', onecardFareCapRow, { requiredColumns: ['fare_cap_id', 'cap_period', 'amount', 'currency'], presence: 'optional' });
  const capIds = new Set<string>();
  const fareCaps = capRows.rows.map(({ line, value }): FareCap => {
    const at = { file: 'onecard_fare_caps.txt', line };
    if (capIds.has(value.fare_cap_id)) fail('duplicate_key', { ...at, field: 'fare_cap_id' }, `cap ${value.fare_cap_id} appears twice`);
    capIds.add(value.fare_cap_id);
    if (value.rider_category_id !== undefined && !products.riderCategoryIds.has(value.rider_category_id)) {
      fail('reference_unknown', { ...at, field: 'rider_category_id' }, `rider category ${value.rider_category_id} is not in rider_categories.txt`);
    }
    if (value.currency !== products.currency) fail('rule_violated', { ...at, field: 'currency' }, `caps must be in the products' currency ${products.currency}`);
    const amount = parseAmount(value.amount, products.currencyDecimals);
    if (!amount.ok) fail('field_invalid', { ...at, field: 'amount' }, amount.reason);
    if (amount.minorUnits <= 0) fail('field_invalid', { ...at, field: 'amount' }, 'a cap must be greater than zero');
    return { fareCapId: value.fare_cap_id, riderCategoryId: value.rider_category_id, period: value.cap_period, amountMinorUnits: amount.minorUnits };
  });
  return { holderCategories, contractProducts, fareCaps };
}
