/**
 * The posting job for deferred ingest: posts the queued cards' held events,
 * many cards per transaction, until the queue is empty. Cards blocked by a
 * TMC gap are left for later uploads or the gap sweep (src/reconcile/gaps.ts).
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/open.js';
import { withTransactionRetry } from '../../db/retry.js';
import { queryRows } from '../../db/rows.js';
import { postHeldEvents } from './apply.js';
import { cardKeyString, type CardKey } from './types.js';

export const POSTING_JOB_CARD_COUNT_MAX = 5000;
/** Rounds (transactions) of one job run at most. */
export const POSTING_JOB_ROUND_COUNT_MAX = 10_000;

/**
 * Takes up to queueRowCountMax rows out of the posting queue, oldest first, inside the caller's
 * transaction (they return if it rolls back), and answers their distinct cards. SKIP LOCKED:
 * concurrent job runs take disjoint rows. A card queued twice may come out in two rounds: the
 * second finds nothing left to post.
 */
async function takeQueued(db: Executor, queueRowCountMax: number): Promise<CardKey[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`DELETE FROM posting_queue q
        WHERE q.id IN (SELECT id FROM posting_queue ORDER BY id LIMIT ${queueRowCountMax} FOR UPDATE SKIP LOCKED)
        RETURNING q.card_number, q.application`,
  );
  const keys = new Map<string, CardKey>();
  for (const r of rows) {
    const key = { cardNumber: String(r['card_number']), application: String(r['application']) };
    keys.set(cardKeyString(key), key);
  }
  return [...keys.values()];
}

/**
 * Posts what is postable: cards come out of the posting queue (the cards of events stored since
 * the job last looked, src/ingest/store-events.ts), cardCountMax per transaction, until the queue
 * is empty. A card blocked by a TMC gap leaves the queue; the next event of the card queues it again.
 */
export interface PostingJobOptions {
  readonly cardCountMax?: number;
  /** Checked between rounds: an aborted run returns after the round in flight (what it took stays posted or queued, never half). */
  readonly signal?: AbortSignal;
  /** Called after each committed round with that round's posted event count. */
  readonly onRound?: (postedEventCount: number) => void;
}

export async function postPendingEvents(db: Executor, options: PostingJobOptions = {}): Promise<{ readonly postedEventCount: number; readonly roundCount: number }> {
  const cardCountMax = Math.min(options.cardCountMax ?? POSTING_JOB_CARD_COUNT_MAX, POSTING_JOB_CARD_COUNT_MAX);
  let postedEventCount = 0;
  let roundCount = 0;
  while (roundCount < POSTING_JOB_ROUND_COUNT_MAX && options.signal?.aborted !== true) {
    const round = await withTransactionRetry(() =>
      db.transaction(async (tx) => {
        const keys = await takeQueued(tx, cardCountMax);
        if (keys.length === 0) return undefined;
        return postHeldEvents(tx, { keys, gapCutoffIso: null });
      }),
    );
    if (round === undefined) break;
    roundCount += 1;
    postedEventCount += round.postedEventCount;
    options.onRound?.(round.postedEventCount);
  }
  return { postedEventCount, roundCount };
}
