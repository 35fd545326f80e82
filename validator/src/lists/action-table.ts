/**
 * The action list in memory: each card's actions in seq order, by card
 * number. Immutable: a delta builds a new table.
 */
import { compareActionEntries, mergeActionDelta, type ActionListEntry } from './wire.js';

export class ActionTable {
  readonly #byCard: ReadonlyMap<string, readonly ActionListEntry[]>;
  readonly entryCount: number;

  private constructor(byCard: ReadonlyMap<string, readonly ActionListEntry[]>, entryCount: number) {
    this.#byCard = byCard;
    this.entryCount = entryCount;
  }

  /** From entries in list order (card number, then seq: as the decoder guarantees). */
  static of(entries: readonly ActionListEntry[]): ActionTable {
    const byCard = new Map<string, ActionListEntry[]>();
    for (const entry of entries) {
      const list = byCard.get(entry.cardNumber);
      if (list === undefined) byCard.set(entry.cardNumber, [entry]);
      else list.push(entry);
    }
    return new ActionTable(byCard, entries.length);
  }

  static empty(): ActionTable {
    return ActionTable.of([]);
  }

  forCard(cardNumber: string): readonly ActionListEntry[] {
    return this.#byCard.get(cardNumber) ?? [];
  }

  /** Every entry in list order. */
  entries(): ActionListEntry[] {
    return [...this.#byCard.values()].flat().sort(compareActionEntries);
  }

  /** Entries that are still valid at `at` (expiresAt is exclusive). */
  withoutExpired(at: Date): ActionTable {
    return ActionTable.of(this.entries().filter((entry) => entry.expiresAt.getTime() > at.getTime()));
  }

  /**
   * This table with `removes` (action ids) dropped and `adds` inserted; an
   * add with a known action id replaces it (card-os lists/action-delta.ts).
   * Two actions with one (card, seq) are a conflict.
   */
  withDelta(adds: readonly ActionListEntry[], removes: readonly string[]): ActionTable | undefined {
    const merged = mergeActionDelta(this.entries(), { adds, removes });
    return merged.ok ? ActionTable.of(merged.value) : undefined;
  }
}
