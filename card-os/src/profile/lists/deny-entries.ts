/**
 * Deny entries packed for a million cards: card keys (card-key.ts) strictly
 * ascending in a Float64Array, the reason code of each in a Uint8Array.
 * 9 bytes per entry in memory, no object per card. The clearing house packs
 * its rows with packDenyEntries; decoders and the validator use the arrays.
 */
import { cardKeyOf, cardNumberOfKey } from './card-key.js';
import { DENY_REASON, DENY_REASON_RADIX, type DenyListReason } from './codes.js';

export interface DenyEntry {
  readonly cardNumber: string;
  readonly reason: DenyListReason;
}

export interface DenyEntries {
  /** Card keys, strictly ascending (no duplicates). */
  readonly keys: Float64Array;
  /** DENY_REASON code of keys[i]; same length as keys. */
  readonly reasonCodes: Uint8Array;
}

export const EMPTY_DENY_ENTRIES: DenyEntries = Object.freeze({ keys: new Float64Array(0), reasonCodes: new Uint8Array(0) });

/**
 * Checks, sorts and packs entries. Throws RangeError (naming the entry index,
 * never the number) for an invalid card number or a card listed twice.
 */
export function packDenyEntries(entries: readonly DenyEntry[]): DenyEntries {
  // key·8 + reason < 8·10^15 < 2^53: one native numeric sort orders keys and carries reasons along.
  const combined = new Float64Array(entries.length);
  entries.forEach((entry, index) => {
    const key = cardKeyOf(entry.cardNumber);
    if (key === undefined) throw new RangeError(`entries[${index}].cardNumber is not a 16-digit Luhn-valid card number`);
    combined[index] = key * DENY_REASON_RADIX + DENY_REASON.codeOf(entry.reason);
  });
  combined.sort();
  const keys = new Float64Array(entries.length);
  const reasonCodes = new Uint8Array(entries.length);
  for (let i = 0; i < combined.length; i++) {
    const value = combined[i] ?? 0;
    const key = Math.floor(value / DENY_REASON_RADIX);
    if (i > 0 && keys[i - 1] === key) throw new RangeError('entries: a card is listed twice');
    keys[i] = key;
    reasonCodes[i] = value - key * DENY_REASON_RADIX;
  }
  return { keys, reasonCodes };
}

/** Checks, sorts and packs card numbers (delta removals). Throws RangeError like packDenyEntries. */
export function packCardKeys(cardNumbers: readonly string[]): Float64Array {
  const keys = new Float64Array(cardNumbers.length);
  cardNumbers.forEach((cardNumber, index) => {
    const key = cardKeyOf(cardNumber);
    if (key === undefined) throw new RangeError(`cardNumbers[${index}] is not a 16-digit Luhn-valid card number`);
    keys[index] = key;
  });
  keys.sort();
  for (let i = 1; i < keys.length; i++) if (keys[i] === keys[i - 1]) throw new RangeError('cardNumbers: a card is listed twice');
  return keys;
}

export function* unpackDenyEntries(entries: DenyEntries): Generator<DenyEntry> {
  for (let i = 0; i < entries.keys.length; i++) {
    const reason = DENY_REASON.nameOf(entries.reasonCodes[i] ?? 0);
    if (reason === undefined) throw new Error('assertion failed: packed deny entry without a known reason');
    yield { cardNumber: cardNumberOfKey(entries.keys[i] ?? 0), reason };
  }
}

/** Asserts the invariant of DenyEntries (a programmer error when it fails). */
export function assertPacked(keys: Float64Array, reasonCodes: Uint8Array | undefined): void {
  if (reasonCodes !== undefined && reasonCodes.length !== keys.length) throw new Error('assertion failed: keys and reasonCodes differ in length');
  for (let i = 1; i < keys.length; i++) {
    if (!((keys[i] ?? 0) > (keys[i - 1] ?? 0))) throw new Error('assertion failed: card keys not strictly ascending');
  }
  if (reasonCodes !== undefined) for (const code of reasonCodes) if (DENY_REASON.nameOf(code) === undefined) throw new Error('assertion failed: unknown deny reason code');
}
