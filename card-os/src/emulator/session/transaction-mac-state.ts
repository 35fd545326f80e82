/**
 * The Transaction MAC part of the pending transaction (volatile): the TMI
 * collected so far and the reader ID a CommitReaderID gave. It lives and
 * dies with the transaction (transaction.ts): select, authentication,
 * abort, an error status and power off forget it; CommitTransaction turns
 * it into TMC and TMV in the card image.
 */
import { concatBytes } from '@onecard/keys';
import { TRANSACTION_MAC_INPUT_BYTES_MAX } from '../limits.js';

export class PendingTransactionMac {
  #entries: Uint8Array[] = [];
  #lengthBytes = 0;
  #readerId: Uint8Array | null = null;

  /** Whether a command of this transaction has added to the TMI. */
  get hasInput(): boolean {
    return this.#lengthBytes > 0;
  }

  /** TMI: every entry in order. */
  get input(): Uint8Array {
    return concatBytes(...this.#entries);
  }

  /** The TMRI committed in this transaction, or null. */
  get readerId(): Uint8Array | null {
    return this.#readerId?.slice() ?? null;
  }

  /** Adds one command's entry; false (nothing added) when the TMI would exceed its bound. */
  append(entry: Uint8Array): boolean {
    if (this.#lengthBytes + entry.length > TRANSACTION_MAC_INPUT_BYTES_MAX) return false;
    this.#entries.push(entry.slice());
    this.#lengthBytes += entry.length;
    return true;
  }

  setReaderId(readerId: Uint8Array): void {
    this.#readerId = readerId.slice();
  }

  clear(): void {
    this.#entries = [];
    this.#lengthBytes = 0;
    this.#readerId = null;
  }
}
