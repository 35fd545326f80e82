/**
 * What the city's settlement must say about concessions, worked out on the
 * test's side from the journaled events and the Hanoi feed's price table
 * (loaded with the validator's loader, not the clearing house's fare table):
 * a concession boarding is a free ride, or a fare by a rider whose category is
 * not the feed's default; the scheme owes the default rider's price of the
 * boarding's product minus the rider's own price (clearing-house
 * src/settlement/concessions.ts states the rule). The Hanoi feed has no
 * transfer rules or caps, so those kinds do not occur. And the two ways a
 * clearing admin reads it: GET /v1/reports/settlement and the dashboard CSV.
 */
import type { JournalEvent } from '@onecard/card-os/profile';
import { loadFeedFromFiles, type FareFeed } from '@onecard/validator';
import { z } from 'zod';
import { hanoiDayOf } from './city-clock.js';
import { readFeedFolder } from './fare-feed.js';
import { HANOI_FEED_DIR, type City } from './start-city.js';

const FARE_MEDIA_ID = 'onecard';
const PRICED_KINDS: ReadonlySet<string> = new Set(['fare', 'free-ride']);
const UNPRICED_BOARDING_KINDS: ReadonlySet<string> = new Set(['transfer', 'capped']);

export interface RouteConcessions {
  readonly concessionTapCount: number;
  readonly concessionsCarriedVnd: number;
}

export interface ExpectedConcessions {
  /** Boarding kinds seen (the test asserts the mix it needs). */
  readonly kinds: ReadonlySet<string>;
  /** `${operatorId} ${businessDay}` → route id → concessions (routes with concession boardings only). */
  readonly byOperatorDay: ReadonlyMap<string, ReadonlyMap<string, RouteConcessions>>;
}

export async function hanoiFeed(): Promise<FareFeed> {
  const feed = loadFeedFromFiles(await readFeedFolder(HANOI_FEED_DIR));
  if (!feed.ok) throw new Error('the Hanoi feed does not load');
  return feed.value;
}

function priceVnd(feed: FareFeed, productId: string, riderCategoryId: string): number {
  const offer = feed.products.get(productId)?.find((o) => o.riderCategoryId === riderCategoryId && o.fareMediaId === FARE_MEDIA_ID);
  if (offer === undefined) throw new Error(`the feed has no ${FARE_MEDIA_ID} price of ${productId} for ${riderCategoryId}`);
  return offer.amountMinorUnits;
}

export function expectedConcessions(events: readonly JournalEvent[], feed: FareFeed): ExpectedConcessions {
  const standard = feed.defaultRiderCategoryId;
  if (standard === undefined) throw new Error('the feed names no default rider category');
  const kinds = new Set<string>();
  const byOperatorDay = new Map<string, Map<string, RouteConcessions>>();
  for (const event of events) {
    if (UNPRICED_BOARDING_KINDS.has(event.kind)) throw new Error(`a ${event.kind} boarding: this model prices fares and free rides only`);
    if (!PRICED_KINDS.has(event.kind)) continue;
    kinds.add(event.kind);
    if (event.kind === 'fare' && event.riderCategory === standard) continue;
    const { operatorId, routeId, fareProductId, riderCategory } = event;
    if (operatorId === undefined || routeId === undefined || fareProductId === undefined || riderCategory === undefined) throw new Error('a bus boarding without operator, route, product or rider category');
    const carriedVnd = Math.max(0, priceVnd(feed, fareProductId, standard) - priceVnd(feed, fareProductId, riderCategory));
    const key = `${operatorId} ${hanoiDayOf(new Date(event.at))}`;
    const routes = byOperatorDay.get(key) ?? new Map<string, RouteConcessions>();
    const before = routes.get(routeId) ?? { concessionTapCount: 0, concessionsCarriedVnd: 0 };
    routes.set(routeId, { concessionTapCount: before.concessionTapCount + 1, concessionsCarriedVnd: before.concessionsCarriedVnd + carriedVnd });
    byOperatorDay.set(key, routes);
  }
  return { kinds, byOperatorDay };
}

const settlementRowsSchema = z.object({
  rows: z.array(z.object({ routeId: z.string(), concessionTapCount: z.number().int(), concessionsCarriedVnd: z.number().int().nullable() })),
});

/** GET /v1/reports/settlement as the clearing admin. */
export async function fetchSettlement(city: City, query: { readonly operatorId: string; readonly businessDay: string }): Promise<z.infer<typeof settlementRowsSchema>['rows']> {
  const response = await fetch(`${city.clearingHouseUrl}/v1/reports/settlement?${new URLSearchParams(query).toString()}`, { headers: { authorization: `Bearer ${city.clearing.adminToken}` } });
  if (response.status !== 200) throw new Error(`the settlement report answered HTTP ${response.status}`);
  return settlementRowsSchema.parse(await response.json()).rows;
}

/** The `total` line of the dashboard's settlement CSV (the city's names hold no comma or quote: a plain split reads it). */
export async function settlementCsvTotals(city: City, query: { readonly operatorId: string; readonly businessDay: string }): Promise<{ readonly concessionTapCount: number; readonly concessionsCarriedVnd: number | null; readonly concessionsStatus: string }> {
  const response = await fetch(`${city.dashboardUrl}/downloads/settlement/${query.operatorId}/${query.businessDay}.csv`);
  if (response.status !== 200 || response.headers.get('content-type') !== 'text/csv; charset=utf-8') throw new Error(`the settlement CSV answered HTTP ${response.status}`);
  const [header = [], ...records] = (await response.text()).replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/).map((line) => line.split(','));
  const total = records.find((record) => record[header.indexOf('line_type')] === 'total');
  if (total === undefined) throw new Error('the settlement CSV has no total line');
  const cell = (column: string): string => total[header.indexOf(column)] ?? '';
  const carried = cell('concessions_carried_vnd');
  return { concessionTapCount: Number(cell('concession_tap_count')), concessionsCarriedVnd: carried === '' ? null : Number(carried), concessionsStatus: cell('concessions_status') };
}
