/**
 * The few facts settlement needs from the published GTFS-Fares v2 feed
 * (the files the clearing house distributes, src/distribution/payloads.ts),
 * read here rather than through the validator's fare engine (the clearing
 * house does not depend on the validator package):
 * - the standard rider category (rider_categories.txt is_default_fare_category);
 * - every product's price per rider category and fare media (fare_products.txt);
 * - each route's single-ride product: its network (routes.txt network_id,
 *   route_networks.txt, or the OneCard distance band of its length) matched
 *   by the fare_leg_rules.txt rules that name that network and nothing else
 *   (no areas, no timeframes), the cheapest for the standard rider winning as
 *   in the validator's priceLeg;
 * - the card route code of each route (onecard_routes.txt), which is how a
 *   single-route pass names its route.
 * A leg rule with areas or timeframes is not re-matched here: the validator
 * writes the product it matched on every priced boarding (fareProductId), and
 * settlement uses that; the route's product is the fallback for boardings
 * without it (recovered torn taps) and for transfer legs.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/** The fare media the validators price OneCard taps with (validator config default `fareMediaId`). */
export const CARD_FARE_MEDIA_ID = 'onecard';
/** The currency of the card purse: the feed must price in it. */
export const SETTLEMENT_CURRENCY = 'VND';
/** Rows read from one feed file (the validator's feeds are far smaller). */
export const FARE_TABLE_FILE_ROWS_MAX = 200_000;

export type FareTableFailure = 'file_missing' | 'file_malformed' | 'currency_not_vnd' | 'amount_invalid' | 'default_rider_category_missing';
export type FareTableResult = { readonly ok: true; readonly table: FareTable } | { readonly ok: false; readonly code: FareTableFailure; readonly file: string };

export interface ProductOffer {
  /** undefined: any rider category (GTFS empty field). */
  readonly riderCategoryId: string | undefined;
  /** undefined: any fare media. */
  readonly fareMediaId: string | undefined;
  readonly amountVnd: number;
}

export interface FareTable {
  /** The published feed version these facts come from. */
  readonly feedVersion: number;
  readonly defaultRiderCategoryId: string;
  readonly offersByProduct: ReadonlyMap<string, readonly ProductOffer[]>;
  /** Products some leg rule prices a leg with (single-ride products, as opposed to transfer products). */
  readonly legProductIds: ReadonlySet<string>;
  /** route_id → its single-ride product id; absent when no unconditional leg rule prices the route. */
  readonly legProductByRoute: ReadonlyMap<string, string>;
  /** onecard_routes.txt card_route_code → route_id. */
  readonly routeIdByCardCode: ReadonlyMap<number, string>;
}

export interface FeedFile {
  readonly name: string;
  readonly text: string;
}

class TableError extends Error {
  constructor(
    readonly code: FareTableFailure,
    readonly file: string,
  ) {
    super(`${file}: ${code}`);
  }
}

const optional = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : value));
const required = z.string().min(1);

function rowsOf<T extends z.ZodType>(files: ReadonlyMap<string, string>, name: string, row: T, presence: 'required' | 'optional'): z.output<T>[] {
  const text = files.get(name);
  if (text === undefined) {
    if (presence === 'required') throw new TableError('file_missing', name);
    return [];
  }
  let records: unknown[];
  try {
    records = parse(text, { bom: true, columns: true, skip_empty_lines: true, trim: true, relax_column_count: false, to: FARE_TABLE_FILE_ROWS_MAX + 1 });
  } catch {
    throw new TableError('file_malformed', name);
  }
  if (records.length > FARE_TABLE_FILE_ROWS_MAX) throw new TableError('file_malformed', name);
  return records.map((record) => {
    const parsed = row.safeParse(record);
    if (!parsed.success) throw new TableError('file_malformed', name);
    return parsed.data;
  });
}

const riderCategoryRow = z.object({ rider_category_id: required, is_default_fare_category: optional });
const productRow = z.object({ fare_product_id: required, rider_category_id: optional, fare_media_id: optional, amount: required, currency: required });
const legRuleRow = z.object({
  network_id: optional,
  fare_product_id: required,
  from_area_id: optional,
  to_area_id: optional,
  from_timeframe_group_id: optional,
  to_timeframe_group_id: optional,
});
const routeRow = z.object({ route_id: required, network_id: optional });
const routeNetworkRow = z.object({ route_id: required, network_id: required });
const kilometres = z.union([z.literal('').transform(() => undefined), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]).optional();
const onecardRouteRow = z.object({ route_id: required, card_route_code: z.string().regex(/^\d{1,5}$/).transform(Number), route_length_km: kilometres });
const bandRow = z.object({ network_id: required, min_route_length_km: z.string().regex(/^\d+(\.\d+)?$/).transform(Number), max_route_length_km: kilometres });

/** VND has no minor unit: an amount is a whole number of đồng. */
function amountVndOf(value: string, file: string): number {
  if (!/^-?\d+$/.test(value)) throw new TableError('amount_invalid', file);
  const amount = Number(value);
  if (!Number.isSafeInteger(amount)) throw new TableError('amount_invalid', file);
  return amount;
}

/** The price of `fareProductId` for a rider: own category beats "any category", card media beats "any media"; then the cheapest. */
export function priceFor(table: FareTable, fareProductId: string, riderCategoryId: string): number | undefined {
  let best: { score: number; amountVnd: number } | undefined;
  for (const offer of table.offersByProduct.get(fareProductId) ?? []) {
    const categoryScore = offer.riderCategoryId === riderCategoryId ? 2 : offer.riderCategoryId === undefined ? 1 : 0;
    const mediaScore = offer.fareMediaId === CARD_FARE_MEDIA_ID ? 2 : offer.fareMediaId === undefined ? 1 : 0;
    if (categoryScore === 0 || mediaScore === 0) continue;
    const score = categoryScore * 3 + mediaScore;
    if (best === undefined || score > best.score || (score === best.score && offer.amountVnd < best.amountVnd)) best = { score, amountVnd: offer.amountVnd };
  }
  return best?.amountVnd;
}

function routeNetworks(files: ReadonlyMap<string, string>): Map<string, string> {
  const networkOf = new Map<string, string>();
  for (const row of rowsOf(files, 'routes.txt', routeRow, 'required')) if (row.network_id !== undefined) networkOf.set(row.route_id, row.network_id);
  for (const row of rowsOf(files, 'route_networks.txt', routeNetworkRow, 'optional')) networkOf.set(row.route_id, row.network_id);
  const bands = rowsOf(files, 'onecard_distance_bands.txt', bandRow, 'optional');
  for (const row of rowsOf(files, 'onecard_routes.txt', onecardRouteRow, 'optional')) {
    const lengthKm = row.route_length_km;
    if (lengthKm === undefined || networkOf.has(row.route_id)) continue;
    const band = bands.find((b) => lengthKm >= b.min_route_length_km && lengthKm < (b.max_route_length_km ?? Number.POSITIVE_INFINITY));
    if (band !== undefined) networkOf.set(row.route_id, band.network_id);
  }
  return networkOf;
}

function buildTable(files: ReadonlyMap<string, string>, feedVersion: number): FareTable {
  const categories = rowsOf(files, 'rider_categories.txt', riderCategoryRow, 'required');
  const defaultRiderCategoryId = categories.find((row) => row.is_default_fare_category === '1')?.rider_category_id;
  if (defaultRiderCategoryId === undefined) throw new TableError('default_rider_category_missing', 'rider_categories.txt');

  const offersByProduct = new Map<string, ProductOffer[]>();
  for (const row of rowsOf(files, 'fare_products.txt', productRow, 'required')) {
    if (row.currency !== SETTLEMENT_CURRENCY) throw new TableError('currency_not_vnd', 'fare_products.txt');
    const offers = offersByProduct.get(row.fare_product_id) ?? [];
    offers.push({ riderCategoryId: row.rider_category_id, fareMediaId: row.fare_media_id, amountVnd: amountVndOf(row.amount, 'fare_products.txt') });
    offersByProduct.set(row.fare_product_id, offers);
  }

  const legRules = rowsOf(files, 'fare_leg_rules.txt', legRuleRow, 'required');
  const legProductIds = new Set(legRules.map((rule) => rule.fare_product_id));
  const table = { feedVersion, defaultRiderCategoryId, offersByProduct, legProductIds, legProductByRoute: new Map<string, string>(), routeIdByCardCode: new Map<number, string>() };
  const unconditional = legRules.filter((r) => r.network_id !== undefined && r.from_area_id === undefined && r.to_area_id === undefined && r.from_timeframe_group_id === undefined && r.to_timeframe_group_id === undefined);
  for (const [routeId, networkId] of routeNetworks(files)) {
    let best: { productId: string; amountVnd: number } | undefined;
    for (const rule of unconditional) {
      if (rule.network_id !== networkId) continue;
      const amountVnd = priceFor(table, rule.fare_product_id, defaultRiderCategoryId);
      if (amountVnd !== undefined && (best === undefined || amountVnd < best.amountVnd)) best = { productId: rule.fare_product_id, amountVnd };
    }
    if (best !== undefined) table.legProductByRoute.set(routeId, best.productId);
  }
  for (const row of rowsOf(files, 'onecard_routes.txt', onecardRouteRow, 'optional')) table.routeIdByCardCode.set(row.card_route_code, row.route_id);
  return table;
}

/** The fare table of a feed's files; a typed failure naming the file when the feed lacks what settlement reads. */
export function readFareTable(input: { readonly feedVersion: number; readonly files: readonly FeedFile[] }): FareTableResult {
  const files = new Map(input.files.map((file) => [file.name, file.text]));
  try {
    return { ok: true, table: buildTable(files, input.feedVersion) };
  } catch (error: unknown) {
    if (error instanceof TableError) return { ok: false, code: error.code, file: error.file };
    throw error;
  }
}
