/**
 * The journal event: what a validator (bus, gate, canteen, library, office,
 * clinic, top-up kiosk) records of one tap, and what the clearing house
 * ingests. It is the shared contract between `validator/` and
 * `clearing-house/` (PROFILE.md §11). Events are hash-chained per device
 * (./chain.ts) and travel in signed batches (./batch.ts).
 *
 * Rules:
 * - No UID, key, cryptogram or personal datum: the card is named by its card
 *   number (identity.holder), which the back office already knows.
 * - Money is integer VND; instants are UTC ISO 8601 with milliseconds.
 * - `seq` counts the device's events from 1 without gaps; `tmc` is the card's
 *   own Transaction MAC counter after the commit (PROFILE.md §5.4).
 * - Version 1 accepts no unknown field: a newer event is refused, not guessed.
 */
import { z } from 'zod';
import { PROFILE_APPLICATIONS } from '../layout/applications.js';

export const JOURNAL_EVENT_VERSION = 1;
export const DEVICE_ID_MAX = 0xff_ff_ff_ff;
export const EVENT_SEQ_MAX = Number.MAX_SAFE_INTEGER;
export const CARD_TMC_MAX = 0xff_ff_ff_ff;
export const AMOUNT_VND_MAX = 100_000_000;
export const REASON_LENGTH_CHARS_MAX = 64;
export const DETAIL_ENTRY_COUNT_MAX = 16;
export const DETAIL_VALUE_LENGTH_CHARS_MAX = 64;
export const HASH_HEX_LENGTH_CHARS = 64;
export const TMV_HEX_LENGTH_CHARS = 16;

/**
 * What happened. `recovery` = a repeat tap that completed or confirmed a torn
 * transaction (no second fare); `denied` = nothing written to the card.
 */
export const JOURNAL_EVENT_KINDS = [
  'fare',
  'pass-use',
  'transfer',
  'free-ride',
  'capped',
  'top-up',
  'autoload',
  'contract-load',
  'recovery',
  'denied',
  'gate-in',
  'gate-out',
  'canteen-purchase',
  'canteen-top-up',
  'library-loan',
  'library-return',
  'office-in',
  'office-out',
  'clinic-visit',
  'emergency-read',
] as const;
export type JournalEventKind = (typeof JOURNAL_EVENT_KINDS)[number];

/** Kinds that move money on a card purse (the clearing house posts them to the ledger). */
export const MONEY_EVENT_KINDS: readonly JournalEventKind[] = Object.freeze(['fare', 'transfer', 'top-up', 'autoload', 'canteen-purchase', 'canteen-top-up']);

const hexOf = (lengthChars: number) => z.string().regex(new RegExp(`^[0-9a-f]{${lengthChars}}$`), `${lengthChars} lowercase hex digits`);
const isoInstant = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'UTC instant YYYY-MM-DDTHH:MM:SS.sssZ').refine((s) => !Number.isNaN(Date.parse(s)), 'a real instant');
const vnd = z.number().int().min(0).max(AMOUNT_VND_MAX);
const code = z.string().min(1).max(REASON_LENGTH_CHARS_MAX).regex(/^[a-z0-9][a-z0-9_.:-]*$/, 'lowercase code');

export const journalEventBodySchema = z.strictObject({
  v: z.literal(JOURNAL_EVENT_VERSION),
  deviceId: z.number().int().min(1).max(DEVICE_ID_MAX),
  seq: z.number().int().min(1).max(EVENT_SEQ_MAX),
  at: isoInstant,
  kind: z.enum(JOURNAL_EVENT_KINDS),
  application: z.enum(PROFILE_APPLICATIONS),
  cardNumber: z.string().regex(/^\d{16}$/, '16 digits'),
  /** Stable reason code for denials and exceptions (e.g. `deny_listed`, `insufficient_funds`). */
  reason: code.optional(),
  /** Card TMC after the commit; absent when nothing was committed. */
  tmc: z.number().int().min(0).max(CARD_TMC_MAX).optional(),
  /** Transaction MAC value of that commit, for the back office to verify. */
  tmv: hexOf(TMV_HEX_LENGTH_CHARS).optional(),
  /** Debited (fares, purchases) or credited (top-ups) amount; 0 for free rides, passes, gates. */
  amountVnd: vnd,
  balanceBeforeVnd: vnd.optional(),
  balanceAfterVnd: vnd.optional(),
  operatorId: code.optional(),
  routeId: z.string().min(1).max(REASON_LENGTH_CHARS_MAX).optional(),
  stopId: z.string().min(1).max(REASON_LENGTH_CHARS_MAX).optional(),
  fareProductId: z.string().min(1).max(REASON_LENGTH_CHARS_MAX).optional(),
  riderCategory: code.optional(),
  contractSlot: z.number().int().min(0).max(2).optional(),
  /** The action-list entry this tap applied (autoload, pass load, unblock): applied once. */
  actionId: code.optional(),
  /** School, agency or facility code; gate or counter number. */
  siteCode: z.number().int().min(1).max(DEVICE_ID_MAX).optional(),
  gateNo: z.number().int().min(0).max(0xff_ff).optional(),
  /** Mode-specific extras (library item id, visit reason …), no personal data. */
  detail: z
    .record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/).max(32), z.union([z.string().max(DETAIL_VALUE_LENGTH_CHARS_MAX), z.number().int()]))
    .refine((d) => Object.keys(d).length <= DETAIL_ENTRY_COUNT_MAX, `at most ${DETAIL_ENTRY_COUNT_MAX} detail entries`)
    .optional(),
});

export type JournalEventBody = z.infer<typeof journalEventBodySchema>;

export const journalEventSchema = journalEventBodySchema.extend({
  /** Hash of the device's previous event (64 zero hex digits for seq 1). */
  prevHash: hexOf(HASH_HEX_LENGTH_CHARS),
  /** SHA-256 chain hash of this event (./chain.ts). */
  hash: hexOf(HASH_HEX_LENGTH_CHARS),
});

export type JournalEvent = z.infer<typeof journalEventSchema>;
