/** The lines a display shows for one outcome, independent of how it is drawn (terminal, web). */
import type { TapOutcome } from '../tap/outcome.js';
import { formatVnd } from './format.js';
import { DISPLAY_TEXTS, type DisplayLanguage } from './messages.js';
import { noteText } from './notes.js';

export interface DisplayLines {
  readonly accepted: boolean;
  readonly title: string;
  /** Mode and what happened ("Xe buýt · Vé lượt"). */
  readonly headline: string;
  readonly reason: string | undefined;
  readonly amount: string | undefined;
  readonly balance: string | undefined;
  readonly card: string | undefined;
  readonly notes: readonly string[];
}

export function displayLines(outcome: TapOutcome, language: DisplayLanguage): DisplayLines {
  const t = DISPLAY_TEXTS[language];
  const kind = outcome.kind === undefined ? undefined : t.kinds[outcome.kind];
  return {
    accepted: outcome.accepted,
    title: outcome.accepted ? t.accepted : t.refused,
    headline: kind === undefined ? t.modes[outcome.mode] : `${t.modes[outcome.mode]} · ${kind}`,
    reason: outcome.reason === undefined ? undefined : t.reasons[outcome.reason],
    amount: outcome.amountVnd > 0 ? `${t.amount}: ${formatVnd(outcome.amountVnd, language)}` : undefined,
    balance: outcome.balanceVnd === undefined ? undefined : `${t.balance}: ${formatVnd(outcome.balanceVnd, language)}`,
    card: outcome.cardNumberTail === undefined ? undefined : `${t.card}: •••• ${outcome.cardNumberTail}`,
    notes: outcome.notes.map((note) => noteText(note, language)),
  };
}
