/**
 * Codes and limits of the list wire format (README.md in this folder).
 * Code 0 is never used, as in the card profile (PROFILE.md §6).
 */
import { ACTION_SEQ_MAX as CARD_ACTION_SEQ_MAX } from '../codecs/transit-fare-state.js';
import { codeTable } from '../codecs/codes.js';

/** Deny reasons. Three bits on the wire (README "Deny entries"): codes 1..7 only. */
export const DENY_REASON = codeTable({ lost: 1, stolen: 2, blocked_by_issuer: 3, fraud_suspected: 4, replaced: 5 });
export type DenyListReason = (typeof DENY_REASON.names)[number];
export const DENY_REASON_BITS = 3;
/** 2^DENY_REASON_BITS: the multiplier that makes room for the reason below a gap. */
export const DENY_REASON_RADIX = 8;

export const ACTION_KIND = codeTable({ autoload: 1, 'load-contract': 2, unblock: 3 });
export type ActionKind = (typeof ACTION_KIND.names)[number];

/** Application codes = the low byte of the application's AID (PROFILE.md §3). */
export const ACTION_APPLICATION = codeTable({ identity: 1, transit: 2, student: 3, canteen: 4, civil: 5, health: 6 });
export type ActionApplication = (typeof ACTION_APPLICATION.names)[number];

export const LIST_KIND = codeTable({ full: 1, delta: 2 });
export type ListKind = (typeof LIST_KIND.names)[number];

export const LIST_FORMAT_VERSION = 1;
/** ASCII "OCDL" and "OCAL": a deny list never decodes as an action list. */
export const DENY_LIST_MAGIC = Uint8Array.of(0x4f, 0x43, 0x44, 0x4c);
export const ACTION_LIST_MAGIC = Uint8Array.of(0x4f, 0x43, 0x41, 0x4c);
export const LIST_MAGIC_LENGTH_BYTES = 4;

export const LIST_VERSION_MAX = 0xffff_ffff;
/** magic 4 · format 1 · kind 1 · version 4 · baseVersion 4 · issuedAt 4. */
export const LIST_HEADER_LENGTH_BYTES = 18;
export const LIST_COUNT_LENGTH_BYTES = 4;

/**
 * 8 million cards: eight times the 1 million target, and at the worst case
 * (8-byte varints) still inside one envelope payload (limits.test.ts).
 */
export const DENY_LIST_ENTRY_COUNT_MAX = 8_000_000;
/** The smallest deny entry (a one-byte varint holding gap and reason). */
export const DENY_ENTRY_LENGTH_BYTES_MIN = 1;
/** Unsigned LEB128 of a value below 2^56. */
export const VARINT_LENGTH_BYTES_MAX = 8;

/** At the largest entry size still inside one envelope payload (limits.test.ts). */
export const ACTION_LIST_ENTRY_COUNT_MAX = 500_000;
/** As the journal's `actionId` (card-os/src/profile/journal/event.ts): a lowercase code of at most 64 characters. */
export const ACTION_ID_LENGTH_BYTES_MAX = 64;
export const ACTION_ID_PATTERN = /^[a-z0-9][a-z0-9_.:-]*$/;
export const ACTION_SEQ_MIN = 1;
/**
 * A per-card action sequence number must fit where the card records the last
 * one it applied (transit.fare-state v2, ACTION_SEQ_MAX there); the wire
 * field is a u32.
 */
export const ACTION_LIST_SEQ_MAX = CARD_ACTION_SEQ_MAX;
/** cardNumber 8 · seq 4 · idLength 1 · id ≥ 1 · kind 1 · application 1 · validFrom 4 · expiresAt 4 (unblock has no body). */
export const ACTION_ENTRY_LENGTH_BYTES_MIN = 24;
/** One contract slot of transit.entitlements (PROFILE.md §5.2). */
export const CONTRACT_LENGTH_BYTES = 16;
/** The longest entry: a load-contract with a 64-character id. */
export const ACTION_ENTRY_LENGTH_BYTES_MAX = ACTION_ENTRY_LENGTH_BYTES_MIN - 1 + ACTION_ID_LENGTH_BYTES_MAX + CONTRACT_LENGTH_BYTES;
/** A removed action id: length byte and at least one character. */
export const ACTION_ID_ENTRY_LENGTH_BYTES_MIN = 2;
