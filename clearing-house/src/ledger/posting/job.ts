/**
 * The posting job for deferred ingest: finds cards whose next TMC is held
 * (postable now) and posts them, many cards per transaction, until nothing
 * postable is left. Cards blocked by a TMC gap are left for later uploads or
 * the gap sweep (src/reconcile/gaps.ts).
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/open.js';
import { withTransactionRetry } from '../../db/retry.js';
import { queryRows } from '../../db/rows.js';
import { postHeldEvents } from './apply.js';
import type { CardKey } from './types.js';

export const POSTING_JOB_CARD_COUNT_MAX = 5000;
/** Rounds of one job run: each round posts every card that was postable when it started. */
export const POSTING_JOB_ROUND_COUNT_MAX = 10_000;

async function postableKeys(db: Executor, cardCountMax: number): Promise<CardKey[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT e.card_number, e.application
        FROM events e LEFT JOIN card_states s ON s.card_number = e.card_number AND s.application = e.application
        WHERE e.posting_status = 'held'
        GROUP BY e.card_number, e.application, s.last_tmc
        HAVING min(e.tmc) <= coalesce(s.last_tmc, 0) + 1
        ORDER BY e.card_number, e.application
        LIMIT ${cardCountMax}`,
  );
  return rows.map((r) => ({ cardNumber: String(r['card_number']), application: String(r['application']) }));
}

export async function postPendingEvents(db: Executor, options: { readonly cardCountMax?: number } = {}): Promise<{ readonly postedEventCount: number; readonly roundCount: number }> {
  const cardCountMax = Math.min(options.cardCountMax ?? POSTING_JOB_CARD_COUNT_MAX, POSTING_JOB_CARD_COUNT_MAX);
  let postedEventCount = 0;
  for (let round = 1; round <= POSTING_JOB_ROUND_COUNT_MAX; round += 1) {
    const keys = await postableKeys(db, cardCountMax);
    if (keys.length === 0) return { postedEventCount, roundCount: round - 1 };
    const summary = await withTransactionRetry(() => db.transaction((tx) => postHeldEvents(tx as unknown as Executor, { keys, gapCutoffIso: null })));
    postedEventCount += summary.postedEventCount;
    if (summary.postedEventCount === 0 && summary.exceptionCount === 0) return { postedEventCount, roundCount: round };
  }
  return { postedEventCount, roundCount: POSTING_JOB_ROUND_COUNT_MAX };
}
