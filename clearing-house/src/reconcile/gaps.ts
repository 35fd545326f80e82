/**
 * Card TMC gaps: taps a card committed that no journal brought yet. While
 * younger than the deadline they are "pending upload" (the card's later
 * events wait, held); past it the gap is flagged (tmc_gap) and skipped, and
 * posting resumes at the next TMC (a balance difference then shows as an
 * adjustment with its own exception).
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { queryRows, toNumber } from '../db/rows.js';
import { withTransactionRetry } from '../db/retry.js';
import { postHeldEvents } from '../ledger/posting/apply.js';
import type { CardKey } from '../ledger/posting/types.js';

/** Validators upload at least daily; three days covers a bus off the network over a weekend. */
export const TMC_GAP_DEADLINE_MS = 3 * 86_400_000;
export const GAP_SWEEP_CARD_COUNT_MAX = 10_000;

export interface PendingGap {
  readonly cardNumber: string;
  readonly application: string;
  readonly fromTmc: number;
  readonly toTmc: number;
  readonly heldEventCount: number;
}

export async function pendingGaps(db: Executor): Promise<PendingGap[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT s.card_number, s.application, s.last_tmc + 1 AS from_tmc, min(e.tmc) - 1 AS to_tmc, count(*) AS held
        FROM card_states s JOIN events e ON e.card_number = s.card_number AND e.application = s.application AND e.posting_status = 'held'
        GROUP BY s.card_number, s.application, s.last_tmc ORDER BY s.card_number, s.application`,
  );
  return rows.map((r) => ({ cardNumber: String(r['card_number']), application: String(r['application']), fromTmc: toNumber(r['from_tmc']), toTmc: toNumber(r['to_tmc']), heldEventCount: toNumber(r['held']) }));
}

/** Flags and skips gaps whose next held event arrived more than `gapDeadlineMs` before `nowMs`. */
export async function sweepTmcGaps(db: Executor, input: { readonly nowMs: number; readonly gapDeadlineMs?: number }): Promise<{ readonly cardCount: number; readonly postedEventCount: number }> {
  const cutoffIso = new Date(input.nowMs - (input.gapDeadlineMs ?? TMC_GAP_DEADLINE_MS)).toISOString();
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT DISTINCT card_number, application FROM events WHERE posting_status = 'held' AND received_at <= ${cutoffIso}::timestamptz ORDER BY 1, 2 LIMIT ${GAP_SWEEP_CARD_COUNT_MAX}`,
  );
  const keys: CardKey[] = rows.map((r) => ({ cardNumber: String(r['card_number']), application: String(r['application']) }));
  if (keys.length === 0) return { cardCount: 0, postedEventCount: 0 };
  const summary = await withTransactionRetry(() => db.transaction((tx) => postHeldEvents(tx as unknown as Executor, { keys, gapCutoffIso: cutoffIso })));
  return { cardCount: keys.length, postedEventCount: summary.postedEventCount };
}
