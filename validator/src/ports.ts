/**
 * The seams inside the validator. The tap pipeline (src/tap/) depends only on
 * these interfaces; the fare engine (src/fares/), the lists (src/lists/) and
 * the journal (src/journal/) implement them. Card-side types come from the
 * card profile (card-os/PROFILE.md), journal events from
 * @onecard/card-os/profile (journal/event.ts).
 */
import type { HolderCategory, JournalEvent, JournalEventBody, ProfileApplication, TransitContract, TransitEntitlements, TransitFareState } from '@onecard/card-os/profile';

// ---------------------------------------------------------------- fare engine

/** Where and when a bus validator is: set by the driver console / GPS. */
export interface BusTapContext {
  readonly at: Date;
  /** GTFS route_id of the trip the bus is running. */
  readonly routeId: string;
  /** GTFS stop_id of the boarding stop, when the validator knows it. */
  readonly stopId: string | undefined;
  /** GTFS fare_media_id of the OneCard card in the feed. */
  readonly fareMediaId: string;
}

/** What the card tells the fare engine (read in the tap, PROFILE.md §5.2–5.3). */
export interface CardFareView {
  readonly entitlements: TransitEntitlements;
  readonly fareState: TransitFareState;
  readonly balanceVnd: number;
}

export type FareOutcome =
  /** A fare is debited (amountVnd > 0). */
  | 'fare'
  /** A transfer within the rules: amountVnd may be 0 or a reduced fare. */
  | 'transfer'
  /** A valid pass (contract) covers the ride. */
  | 'pass-use'
  /** The rider category rides free (elderly 60+, child under 6, disabled, veteran …). */
  | 'free-ride'
  /** A daily or monthly cap is reached: nothing more to pay. */
  | 'capped';

export type FareRefusal = 'insufficient_funds' | 'route_unknown' | 'no_fare_for_rider' | 'category_expired' | 'card_expired';

export type FareDecision =
  | {
      readonly ok: true;
      readonly outcome: FareOutcome;
      readonly amountVnd: number;
      /** GTFS fare_product_id applied (or the pass' product). */
      readonly fareProductId: string;
      /** GTFS rider_category_id the engine used. */
      readonly riderCategoryId: string;
      /** Card contract slot used for pass-use. */
      readonly contractSlot: number | undefined;
      /** The fare state to write back to the card in the same transaction. */
      readonly nextFareState: TransitFareState;
      /** Card route code (u16) of routeId, for the trip record. */
      readonly routeCode: number;
    }
  | { readonly ok: false; readonly reason: FareRefusal; readonly riderCategoryId: string | undefined };

export interface FareEngine {
  /** Pure and fast (target ≤ 1 ms with the deny check): no I/O. */
  decideBusTap(card: CardFareView, context: BusTapContext): FareDecision;
}

// ---------------------------------------------------------------- lists

export type DenyReason = 'lost' | 'stolen' | 'blocked_by_issuer' | 'fraud_suspected' | 'replaced';

export interface DenyListView {
  /** Signed list version the device holds (0 = none yet). */
  readonly version: number;
  /** Membership check by card number: well under a millisecond for ≥ 1 million entries. */
  lookup(cardNumber: string): DenyReason | undefined;
}

/**
 * An action-list entry for one card. `seq` is the clearing house's per-card
 * action sequence number: a card's actions apply in this order, and the card
 * records the last one applied (PROFILE.md §12), so two offline validators
 * never apply the same action twice.
 */
export type CardAction =
  | { readonly kind: 'autoload'; readonly actionId: string; readonly seq: number; readonly application: 'transit' | 'canteen'; readonly amountVnd: number }
  | { readonly kind: 'load-contract'; readonly actionId: string; readonly seq: number; readonly contract: TransitContract }
  | { readonly kind: 'unblock'; readonly actionId: string; readonly seq: number; readonly application: ProfileApplication };

export interface ActionListView {
  readonly version: number;
  /** Actions for this card not yet applied on this device (applied-once is also enforced on the card side by the clearing house). */
  pendingFor(cardNumber: string): readonly CardAction[];
}

// ---------------------------------------------------------------- journal

/** What the tap pipeline hands the journal: the device id, seq and hashes are the journal's. */
export type JournalEntry = Omit<JournalEventBody, 'v' | 'deviceId' | 'seq'>;

export interface EventJournal {
  /**
   * Appends and makes the event durable (committed, synced to disk) before
   * returning: the display may turn green only after this returns.
   */
  append(entry: JournalEntry): JournalEvent;
  /** The newest event for a card in an application, to recognise repeat taps (recovery, anti-passback). */
  lastEventFor(cardNumber: string, application: ProfileApplication): JournalEvent | undefined;
  /** Marks an action as applied (journaled with the event that applied it). */
  isActionApplied(actionId: string): boolean;
}

export type { HolderCategory };
