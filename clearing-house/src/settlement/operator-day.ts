/**
 * One operator's settlement rows for one business day, from its settled
 * boardings of the day (grouped), the boardings of the cards whose journeys
 * may span operators (theirs and other operators', with those just before
 * and after the day that journeys crossing its edges need) and its pass
 * sales. Taps, fares and
 * concessions are those of the day's own boardings; apportionment is that of
 * the journeys that begin on the day, including their legs of the next day
 * (so a leg of the next day may be apportioned on this day's row of its
 * route). Pure: the SQL is in src/reconcile/settlement-queries.ts.
 *
 * Rows are per route; routeId '' is the operator's own row: boardings that
 * name no route, and passes that are not tied to one route. A pass sold for a
 * single route (contract kind monthly-single-route) is put on that route when
 * the published feed maps its card route code (onecard_routes.txt) to a
 * route; an all-routes pass, or any pass when no feed maps the code, is put
 * on the operator's row. Passes are revenue of the operator that sold them;
 * a pass sold is a `pass_sale` ledger transfer, so a free pass (no money
 * moved) is not counted, and a retried sale (same idempotency key, same
 * transfer id) is counted once.
 *
 * concessionsCarriedVnd is null ("unknown", never 0) on a row with
 * concession boardings when no fare feed is published or the feed cannot
 * price one of them (./concessions.ts); a row without concession boardings
 * carries 0.
 */
import type { SettlementRow } from '../reports/rows.js';
import { rowKey, STANDARD_RIDER_CATEGORY_FALLBACK, type Boarding, type BoardingGroup } from './boarding.js';
import { concessionCarriedVnd, fullFareVnd, isConcessionBoarding } from './concessions.js';
import type { FareTable } from './fare-table.js';
import { apportionJourney, journeysOf } from './journeys.js';

export const SINGLE_ROUTE_PASS_KIND = 'monthly-single-route';

export interface PassSaleFact {
  readonly amountVnd: number;
  /** The sale's contract kind and card route code, when its action entry was found. */
  readonly contractKind: string | undefined;
  readonly routeCode: number | undefined;
}

export interface OperatorDayInput {
  readonly businessDay: string;
  readonly operatorId: string;
  readonly operatorName: string;
  /** The operator's own boardings of the day, grouped (./boarding.ts groupBoardings). */
  readonly tapGroups: readonly BoardingGroup[];
  /** Every boarding near the day of the cards whose journeys may span operators (any operator's; onDay marks the day's own). */
  readonly journeyBoardings: readonly Boarding[];
  readonly passSales: readonly PassSaleFact[];
  /** undefined: no fare feed published (or none readable). */
  readonly fares: FareTable | undefined;
}

interface Accumulator {
  fareTapCount: number;
  faresCollectedVnd: number;
  passesSoldCount: number;
  passesSoldVnd: number;
  concessionTapCount: number;
  concessionsCarriedVnd: number;
  concessionsUnpriced: boolean;
  apportionedInVnd: number;
  apportionedOutVnd: number;
}

export function passRouteId(sale: PassSaleFact, fares: FareTable | undefined): string {
  if (sale.contractKind !== SINGLE_ROUTE_PASS_KIND || sale.routeCode === undefined || fares === undefined) return '';
  return fares.routeIdByCardCode.get(sale.routeCode) ?? '';
}

export function operatorDaySettlement(input: OperatorDayInput): SettlementRow[] {
  const rows = new Map<string, Accumulator>();
  const rowOf = (routeId: string): Accumulator => {
    const key = rowKey(input.operatorId, routeId);
    let row = rows.get(key);
    if (row === undefined) {
      row = { fareTapCount: 0, faresCollectedVnd: 0, passesSoldCount: 0, passesSoldVnd: 0, concessionTapCount: 0, concessionsCarriedVnd: 0, concessionsUnpriced: false, apportionedInVnd: 0, apportionedOutVnd: 0 };
      rows.set(key, row);
    }
    return row;
  };
  const { fares } = input;
  const standardCategory = fares?.defaultRiderCategoryId ?? STANDARD_RIDER_CATEGORY_FALLBACK;

  for (const group of input.tapGroups) {
    const row = rowOf(group.routeId);
    if (group.chargedVnd > 0) row.fareTapCount += group.count;
    row.faresCollectedVnd += group.chargedVnd * group.count;
    if (!isConcessionBoarding(group, standardCategory)) continue;
    row.concessionTapCount += group.count;
    const carried = fares === undefined ? undefined : concessionCarriedVnd(fares, group);
    if (carried === undefined) row.concessionsUnpriced = true;
    else row.concessionsCarriedVnd += carried * group.count;
  }

  const legFare = (leg: Boarding): number | undefined => (fares === undefined ? undefined : fullFareVnd(fares, leg));
  for (const journey of journeysOf(input.journeyBoardings)) {
    // A journey belongs to the day of its first leg (./journeys.ts): one that began the day before is settled there.
    if (journey[0]?.onDay !== true) continue;
    for (const share of apportionJourney(journey, legFare)) {
      if (share.leg.operatorId !== input.operatorId) continue;
      const row = rowOf(share.leg.routeId);
      if (share.deltaVnd > 0) row.apportionedInVnd += share.deltaVnd;
      else row.apportionedOutVnd -= share.deltaVnd;
    }
  }

  for (const sale of input.passSales) {
    const row = rowOf(passRouteId(sale, fares));
    row.passesSoldCount += 1;
    row.passesSoldVnd += sale.amountVnd;
  }

  return [...rows.entries()].map(([key, row]) => ({
    businessDay: input.businessDay,
    operatorId: input.operatorId,
    operatorName: input.operatorName,
    routeId: key.slice(input.operatorId.length + 1),
    fareTapCount: row.fareTapCount,
    faresCollectedVnd: row.faresCollectedVnd,
    passesSoldCount: row.passesSoldCount,
    passesSoldVnd: row.passesSoldVnd,
    concessionTapCount: row.concessionTapCount,
    concessionsCarriedVnd: row.concessionTapCount > 0 && (fares === undefined || row.concessionsUnpriced) ? null : row.concessionsCarriedVnd,
    apportionedInVnd: row.apportionedInVnd,
    apportionedOutVnd: row.apportionedOutVnd,
    refundsVnd: 0,
  }));
}
