/**
 * What a tap ends with: a typed outcome with a stable reason code, the
 * journal events it appended, and the time each stage took. Outcomes carry
 * no UID, key or personal datum; the card number appears only masked
 * (display) or in the journal events themselves.
 */
import type { GateDirection, JournalEvent, JournalEventKind, ProfileApplication } from '@onecard/card-os/profile';

/** Stable reason codes (journal `reason`, display texts, tests). Never renamed, only added. */
export const TAP_REASONS = [
  // the card link and the card
  'link_lost',
  'application_absent',
  'key_not_held',
  'card_refused',
  'record_invalid',
  'card_unreadable',
  // lists and validity
  'deny_listed',
  'card_expired',
  'category_expired',
  // money
  'insufficient_funds',
  'purse_limit',
  'amount_invalid',
  // bus
  'route_unknown',
  'no_fare_for_rider',
  'repeat_tap',
  'recovered_torn_tap',
  'autoload_claim_lost',
  'autoload_settled',
  // gates
  'anti_passback',
  'not_enrolled_here',
  'enrolment_expired',
  // library
  'loan_limit',
  'item_not_on_loan',
  'item_already_on_loan',
  // clinic
  'insurance_expired',
  'insurance_not_yet_valid',
  // the validator itself
  'journal_failed',
  /** The journal has no room for un-uploaded taps: out of service until it syncs (nothing was written to the card). */
  'out_of_service',
  'mode_input_missing',
] as const;
export type TapReason = (typeof TAP_REASONS)[number];

/** Pipeline stages, in order; each outcome reports the milliseconds of those it ran. */
export const TAP_STAGES = ['connect', 'identity', 'deny', 'read', 'decide', 'write', 'commit', 'journal'] as const;
export type TapStage = (typeof TAP_STAGES)[number];
export type StageTimings = Partial<Record<TapStage, number>>;

export type TapMode = 'bus' | 'school-gate' | 'canteen' | 'library' | 'office' | 'clinic';

/** Extra facts for the display and the receipt; typed so each has a text in every language (display/notes.ts). */
export type TapNote =
  | { readonly code: 'direction'; readonly direction: GateDirection }
  | { readonly code: 'autoload' }
  | { readonly code: 'autoload-waits-purse-limit' }
  | { readonly code: 'autoload-unavailable' }
  | { readonly code: 'recovered' }
  | { readonly code: 'already-validated' }
  | { readonly code: 'visit-recorded' }
  | { readonly code: 'insurance-until'; readonly date: string }
  | { readonly code: 'receipt'; readonly transactionNo: number }
  | { readonly code: 'loan'; readonly itemId: number; readonly dueOn: string }
  | { readonly code: 'return'; readonly itemId: number };

export interface TapOutcome {
  /** Green (the rider may pass / the sale is done) or red. */
  readonly accepted: boolean;
  readonly mode: TapMode;
  readonly application: ProfileApplication;
  /** What happened, as journaled; undefined when nothing could be journaled (no card number read). */
  readonly kind: JournalEventKind | undefined;
  readonly reason: TapReason | undefined;
  /** Charged (positive) or credited amount of the main event; 0 for gates and passes. */
  readonly amountVnd: number;
  /** Purse balance after the tap, when the mode reads a purse. */
  readonly balanceVnd: number | undefined;
  /** Last 4 digits of the card number, for the display; undefined before identity was read. */
  readonly cardNumberTail: string | undefined;
  /** Mode-specific facts for the display and receipt (no personal data). */
  readonly notes: readonly TapNote[];
  /** Events appended, in order (autoload then fare, recovery …). */
  readonly events: readonly JournalEvent[];
  readonly timingsMs: StageTimings;
  readonly totalMs: number;
}

/** The part a mode decides; the pipeline adds mode, timings and the masked card number. */
export type ModeOutcome = Omit<TapOutcome, 'mode' | 'timingsMs' | 'totalMs' | 'cardNumberTail'>;

export const CARD_NUMBER_TAIL_DIGITS = 4;

export function cardNumberTail(cardNumber: string): string {
  return cardNumber.slice(-CARD_NUMBER_TAIL_DIGITS);
}
