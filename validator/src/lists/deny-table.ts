/**
 * The deny list in memory: card keys ascending in a Float64Array and their
 * reason codes in a Uint8Array (9 bytes per card, no object per card).
 * Lookup is a binary search: ⌈log2(10^6)⌉ = 20 comparisons for a million
 * cards. A delta is merged in one pass into new arrays, so a table is never
 * changed in place and a half-applied delta is never visible.
 */
import { cardKeyOf, DENY_REASON, mergeDenyDelta, type DenyEntries, type DenyListReason } from './wire.js';

export class DenyTable {
  readonly #keys: Float64Array;
  readonly #reasonCodes: Uint8Array;

  /** Takes ownership of sorted, unique packed entries (as the decoder gives them). */
  constructor(entries: DenyEntries) {
    if (entries.keys.length !== entries.reasonCodes.length) throw new Error('assertion failed: keys and reason codes differ in length');
    this.#keys = entries.keys;
    this.#reasonCodes = entries.reasonCodes;
  }

  static empty(): DenyTable {
    return new DenyTable({ keys: new Float64Array(0), reasonCodes: new Uint8Array(0) });
  }

  get entryCount(): number {
    return this.#keys.length;
  }

  /** Bytes held by the arrays. */
  get sizeBytes(): number {
    return this.#keys.byteLength + this.#reasonCodes.byteLength;
  }

  get entries(): DenyEntries {
    return { keys: this.#keys, reasonCodes: this.#reasonCodes };
  }

  /** Index of `key`, or −(insertion point) − 1. */
  #search(key: number): number {
    const keys = this.#keys;
    let low = 0;
    let high = keys.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = keys[middle] ?? 0;
      if (value < key) low = middle + 1;
      else if (value > key) high = middle - 1;
      else return middle;
    }
    return -low - 1;
  }

  /** The reason a card is denied, or undefined (also for text that is not a Luhn-valid card number). */
  lookup(cardNumber: string): DenyListReason | undefined {
    const key = cardKeyOf(cardNumber);
    if (key === undefined) return undefined;
    const index = this.#search(key);
    return index < 0 ? undefined : DENY_REASON.nameOf(this.#reasonCodes[index] ?? 0);
  }

  /**
   * A new table: this one, with `adds` inserted (or their reason replaced)
   * and `removes` taken out (card-os lists/deny-delta.ts, the same merge the
   * clearing house's diff is tested against). Removing an unlisted card is a no-op.
   */
  withDelta(adds: DenyEntries, removes: Float64Array): DenyTable {
    return new DenyTable(mergeDenyDelta(this.entries, { adds, removes }));
  }
}
