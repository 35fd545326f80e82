/**
 * Full fares and concessions of single boardings, from the published fare
 * table (./fare-table.ts).
 *
 * The full fare of a leg is the standard rider's price (card fare media) of
 * the leg's single-ride product: the product the validator recorded on the
 * boarding (fareProductId) when it is a leg-rule product, else the route's
 * single-ride product (recovered torn taps carry no product; a transfer leg
 * carries the transfer rule's product).
 *
 * A concession boarding is a `free-ride`, or a `fare`, `transfer` or `capped`
 * boarding whose rider category is not the standard one. Pass rides are not:
 * a concession pass is paid for at its sale, and its rides are not priced at
 * the tap. What the concession scheme owes for a concession boarding is the
 * standard price of the leg's product minus the rider's price of that same
 * product (never below 0). For a `fare` or `free-ride` boarding that is the
 * full adult fare minus what was charged; for a `transfer` or a `capped`
 * boarding it leaves out the transfer discount or the cap, which a standard
 * rider would have had as well and which the operator, not the scheme, gives.
 * When the rider's price cannot be read (no category on the event), a `fare`
 * or `free-ride` boarding uses what was charged; otherwise the boarding is
 * unpriced and the row's concessions are unknown.
 */
import type { Boarding } from './boarding.js';
import { priceFor, type FareTable } from './fare-table.js';

/** The leg's single-ride product, or undefined when the feed does not price the route. */
export function legProductOf(table: FareTable, boarding: Pick<Boarding, 'routeId' | 'fareProductId'>): string | undefined {
  if (boarding.fareProductId !== undefined && table.legProductIds.has(boarding.fareProductId)) return boarding.fareProductId;
  return table.legProductByRoute.get(boarding.routeId);
}

/** The standard rider's fare of the leg, or undefined when the feed cannot price it. */
export function fullFareVnd(table: FareTable, boarding: Pick<Boarding, 'routeId' | 'fareProductId'>): number | undefined {
  const product = legProductOf(table, boarding);
  return product === undefined ? undefined : priceFor(table, product, table.defaultRiderCategoryId);
}

export function isConcessionBoarding(boarding: Pick<Boarding, 'kind' | 'riderCategory'>, standardRiderCategoryId: string): boolean {
  switch (boarding.kind) {
    case 'free-ride':
      return true;
    case 'fare':
    case 'transfer':
    case 'capped':
      return boarding.riderCategory !== undefined && boarding.riderCategory !== standardRiderCategoryId;
    case 'pass-use':
      return false;
  }
}

/** What the concession scheme owes for one concession boarding, or undefined when it cannot be priced. */
export function concessionCarriedVnd(table: FareTable, boarding: Pick<Boarding, 'kind' | 'routeId' | 'fareProductId' | 'riderCategory' | 'chargedVnd'>): number | undefined {
  const product = legProductOf(table, boarding);
  if (product === undefined) return undefined;
  const fullVnd = priceFor(table, product, table.defaultRiderCategoryId);
  if (fullVnd === undefined) return undefined;
  const ownVnd = boarding.riderCategory === undefined ? undefined : priceFor(table, product, boarding.riderCategory);
  const chargedFallback = boarding.kind === 'fare' || boarding.kind === 'free-ride' ? boarding.chargedVnd : undefined;
  const riderVnd = ownVnd ?? chargedFallback;
  return riderVnd === undefined ? undefined : Math.max(0, fullVnd - riderVnd);
}
