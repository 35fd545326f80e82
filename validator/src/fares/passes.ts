/**
 * Monthly-pass contracts on the card (PROFILE.md §5.2) against the feed: a
 * contract covers a ride when today (Vietnamese civil date) lies in its
 * validity, it is an all-routes pass or names this route's card code, and
 * the product the feed gives its kind and tariff (onecard_contract_products.txt)
 * is sold to the rider's category on this fare media (fare_products.txt) —
 * so a concession pass needs a valid concession category on the card.
 */
import type { TransitContract } from '@onecard/card-os/profile';
import type { FareFeed } from './feed-model.js';
import { offerFor, type Rider } from './leg-rules.js';

export interface PassCover {
  readonly contractSlot: number;
  readonly fareProductId: string;
}

export function coveringPass(feed: FareFeed, input: { readonly contracts: readonly TransitContract[]; readonly routeCode: number; readonly today: string; readonly rider: Rider }): PassCover | undefined {
  for (const [slot, contract] of input.contracts.entries()) {
    if (input.today < contract.validFrom || input.today > contract.validUntil) continue;
    if (contract.kind === 'monthly-single-route' && contract.routeId !== input.routeCode) continue;
    const fareProductId = feed.contractProducts.get(`${contract.kind}/${contract.tariff}`);
    if (fareProductId === undefined || offerFor(feed, fareProductId, input.rider) === undefined) continue;
    return { contractSlot: slot, fareProductId };
  }
  return undefined;
}
