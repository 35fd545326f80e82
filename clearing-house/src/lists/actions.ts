/**
 * Withdrawing the actions a card confirmed. A validator journals a pass load
 * as `contract-load` with the actionId, and an unblock on the first committed
 * transit tap after the card left the deny list (the tap's event carries the
 * actionId): either withdraws the live entry of that id for that card.
 * Autoloads are withdrawn by posting, with their order (src/ledger/posting).
 * Re-sends and reordering change nothing: an entry no longer live is skipped.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { jsonRecordset, queryRows } from '../db/rows.js';
import { removeListEntries } from './entries.js';

/** Action kinds (list entry payload `kind`) that a journaled confirmation withdraws here. */
export const CONFIRMED_ACTION_KINDS = ['load-contract', 'unblock'] as const;

export interface ActionConfirmation {
  readonly actionId: string;
  readonly cardNumber: string;
}

/** Answers the new action-list version, or null when no confirmation matched a live entry. */
export async function withdrawConfirmedActions(db: Executor, confirmations: readonly ActionConfirmation[]): Promise<number | null> {
  if (confirmations.length === 0) return null;
  const unique = [...new Map(confirmations.map((c) => [`${c.actionId}/${c.cardNumber}`, { action_id: c.actionId, card_number: c.cardNumber }])).values()];
  const live = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT e.entry_key FROM list_entries e JOIN ${jsonRecordset(unique, 'action_id text, card_number text')} ON e.entry_key = x.action_id AND e.card_number = x.card_number
        WHERE e.kind = 'action' AND e.removed_version IS NULL AND e.payload->>'kind' IN (${sql.raw(CONFIRMED_ACTION_KINDS.map((k) => `'${k}'`).join(','))})
        ORDER BY e.entry_key`,
  );
  return removeListEntries(db, 'action', live.map((r) => String(r['entry_key'])));
}
