/**
 * The embedded-default card link: a `VirtualCard` in the same process.
 * `tap()` powers the card on (a fresh session, as when a card enters the
 * field); `remove()` powers it off, which drops any uncommitted transaction.
 */
import type { CardChannel, VirtualCard } from './types.js';

export class CardRemovedError extends Error {
  readonly code = 'card_removed';
  constructor() {
    super('card is not in the field');
    this.name = 'CardRemovedError';
  }
}

export class InProcessChannel implements CardChannel {
  readonly #card: VirtualCard;
  #present = false;

  constructor(card: VirtualCard) {
    this.#card = card;
  }

  /** Brings the card into the field. */
  tap(): this {
    this.#card.powerOn();
    this.#present = true;
    return this;
  }

  /** Takes the card out of the field (power off). */
  remove(): void {
    if (!this.#present) return;
    this.#present = false;
    this.#card.powerOff();
  }

  get present(): boolean {
    return this.#present;
  }

  transmit(commandApdu: Uint8Array): Promise<Uint8Array> {
    if (!this.#present) return Promise.reject(new CardRemovedError());
    return Promise.resolve(this.#card.process(commandApdu));
  }

  close(): Promise<void> {
    this.remove();
    return Promise.resolve();
  }
}
