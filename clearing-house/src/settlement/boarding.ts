/**
 * A settled boarding as settlement reads it: one journal event of a boarding
 * kind that the ledger posted (never a tmc_duplicate, never one still held
 * behind a TMC gap), with what the ledger took from the card for it.
 */

/** Kinds that count as a boarding. */
export const BOARDING_KINDS = ['fare', 'transfer', 'pass-use', 'free-ride', 'capped'] as const;
export type BoardingKind = (typeof BOARDING_KINDS)[number];

export function isBoardingKind(value: string): value is BoardingKind {
  return (BOARDING_KINDS as readonly string[]).includes(value);
}

/** The standard rider category when no fare feed says which one is (the Hanoi feed's default, and the validator's fallback holder category). */
export const STANDARD_RIDER_CATEGORY_FALLBACK = 'adult';

export interface Boarding {
  /** Groups a card's boardings into journeys; internal only, never written to a row. */
  readonly cardKey: string;
  readonly tmc: number;
  /** UTC instant, ISO 8601 (orders boardings of one TMC, which do not occur once duplicates are out). */
  readonly at: string;
  readonly kind: BoardingKind;
  readonly operatorId: string;
  /** '' when the event names no route. */
  readonly routeId: string;
  readonly riderCategory: string | undefined;
  readonly fareProductId: string | undefined;
  /** What the ledger posted from the card's purse for this boarding (code `fare`), 0 when nothing. */
  readonly chargedVnd: number;
  /** On the business day being settled (else read only to see the journeys that cross its edges). */
  readonly onDay: boolean;
}

/**
 * How far before and after the business day settlement looks for the other legs of journeys that cross
 * its edges (a night journey from 23:50 to 00:20). Longer chains of transfers are cut at this distance.
 */
export const JOURNEY_EDGE_WINDOW_MS = 6 * 60 * 60 * 1000;

/** The operator's boardings of the day that share these facts, counted: SQL groups them (a city day has a million). */
export interface BoardingGroup extends Pick<Boarding, 'kind' | 'routeId' | 'riderCategory' | 'fareProductId' | 'chargedVnd'> {
  readonly count: number;
}

/** Groups `operatorId`'s boardings on the day as the settlement query does (for tests and small inputs). */
export function groupBoardings(boardings: readonly Boarding[], operatorId: string): BoardingGroup[] {
  const groups = new Map<string, BoardingGroup>();
  for (const b of boardings) {
    if (b.operatorId !== operatorId || !b.onDay) continue;
    const key = JSON.stringify([b.kind, b.routeId, b.riderCategory ?? null, b.fareProductId ?? null, b.chargedVnd]);
    const group = groups.get(key);
    groups.set(key, { kind: b.kind, routeId: b.routeId, riderCategory: b.riderCategory, fareProductId: b.fareProductId, chargedVnd: b.chargedVnd, count: (group?.count ?? 0) + 1 });
  }
  return [...groups.values()];
}

/** Key of one settlement row: an operator's route ('' = the operator's own row). */
export function rowKey(operatorId: string, routeId: string): string {
  return `${operatorId}\u0000${routeId}`;
}
