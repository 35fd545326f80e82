/**
 * Card numbers the clearing house has seen registered, kept in memory so that
 * ingest asks the database only about cards it has not met yet. Cards are
 * never unregistered (a blocked or replaced card is still known), so a card
 * found once stays known: the cache can only spare a lookup, never admit an
 * unknown card. Bounded: once full it forgets everything and fills again.
 */
/** About 100 bytes per entry: 1 M cards ≈ 100 MiB at most. */
export const KNOWN_CARD_COUNT_MAX_DEFAULT = 1_000_000;

export class KnownCards {
  readonly #cardNumbers = new Set<string>();
  readonly #countMax: number;

  constructor(options: { readonly countMax?: number } = {}) {
    this.#countMax = options.countMax ?? KNOWN_CARD_COUNT_MAX_DEFAULT;
    if (!Number.isSafeInteger(this.#countMax) || this.#countMax < 1) throw new RangeError('countMax must be a positive integer');
  }

  get size(): number {
    return this.#cardNumbers.size;
  }

  /** The given card numbers not known yet. */
  unknownOf(cardNumbers: readonly string[]): string[] {
    return cardNumbers.filter((n) => !this.#cardNumbers.has(n));
  }

  /** Remembers card numbers the database confirmed registered. */
  remember(cardNumbers: readonly string[]): void {
    if (this.#cardNumbers.size + cardNumbers.length > this.#countMax) this.#cardNumbers.clear();
    for (const n of cardNumbers.slice(0, this.#countMax)) this.#cardNumbers.add(n);
  }
}
