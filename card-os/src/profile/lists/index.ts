/** Deny and action lists: the signed wire format shared by the clearing house and validators (README.md). */
export * from './codes.js';
export * from './failure.js';
export { cardKeyOf, cardNumberOfKey, isCardKey, CARD_KEY_DIGITS, CARD_KEY_MAX } from './card-key.js';
export type { ListHeader } from './header.js';
export * from './deny-entries.js';
export * from './deny-list.js';
export * from './action-entry.js';
export * from './action-list.js';
export * from './deny-delta.js';
export * from './action-delta.js';
export { encodeContract, decodeContract } from './contract-bytes.js';
export * from './signed.js';
