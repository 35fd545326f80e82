/**
 * The posting worker: runs the posting job (job.ts) for deferred ingest as long as it lives. It
 * posts until the queue is empty, then sleeps — idleMs at first, doubling to idleMsMax while
 * nothing arrives — unless nudged (ingest in the same process nudges it after each batch it stores).
 * A failed run (database gone, deadlock beyond the retries) is recorded and retried with an
 * exponential backoff up to failureBackoffMsMax; the queue rows of a failed round roll back into the
 * queue, so nothing is lost and nothing posts twice. One worker per process; several processes may
 * run workers on one database (the queue is taken with SKIP LOCKED).
 */
import type { Executor } from '../../db/open.js';
import { postPendingEvents } from './job.js';

export const POSTING_IDLE_MS_DEFAULT = 50;
export const POSTING_IDLE_MS_MAX_DEFAULT = 1000;
export const POSTING_FAILURE_BACKOFF_MS_MAX_DEFAULT = 30_000;

export interface PostingWorkerOptions {
  readonly db: Executor;
  /** First sleep when the queue is empty. */
  readonly idleMs?: number;
  /** Longest sleep when the queue stays empty. */
  readonly idleMsMax?: number;
  /** Longest wait between failed runs. */
  readonly failureBackoffMsMax?: number;
  readonly cardCountMax?: number;
  /** Told of each failed run with a description that names the error class and code, never its values. */
  readonly onFailure?: (description: string) => void;
  /** Told after each committed round. */
  readonly onRound?: (postedEventCount: number) => void;
}

export interface PostingWorkerStats {
  readonly postedEventCount: number;
  readonly roundCount: number;
  readonly runCount: number;
  readonly failureCount: number;
  /** Failures since the last good run (0 = healthy). */
  readonly consecutiveFailureCount: number;
  readonly lastFailure: string | null;
}

export interface PostingWorker {
  /** Wakes a sleeping worker: there is something to post. */
  nudge(): void;
  stats(): PostingWorkerStats;
  /** Stops after the round in flight; queued work stays queued for the next worker. */
  stop(): Promise<PostingWorkerStats>;
  /** Runs until the queue is empty once more (everything stored so far is posted or parked), then stops. */
  drain(): Promise<PostingWorkerStats>;
}

/** Class name and the driver's code (SQLSTATE or a connection code): what an operator needs, no query values. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'non-error thrown';
  const code = 'code' in error && (typeof error.code === 'string' || typeof error.code === 'number') ? ` ${String(error.code)}` : '';
  const cause = error.cause instanceof Error && error.cause !== error ? ` (cause: ${describeFailure(error.cause)})` : '';
  return `${error.name}${code}${cause}`;
}

function checkedDelay(value: number | undefined, fallback: number, name: string): number {
  const ms = value ?? fallback;
  if (!Number.isInteger(ms) || ms < 1) throw new RangeError(`${name} must be a positive integer`);
  return ms;
}

export function startPostingWorker(options: PostingWorkerOptions): PostingWorker {
  const idleMs = checkedDelay(options.idleMs, POSTING_IDLE_MS_DEFAULT, 'idleMs');
  const idleMsMax = checkedDelay(options.idleMsMax, POSTING_IDLE_MS_MAX_DEFAULT, 'idleMsMax');
  const failureBackoffMsMax = checkedDelay(options.failureBackoffMsMax, POSTING_FAILURE_BACKOFF_MS_MAX_DEFAULT, 'failureBackoffMsMax');
  if (idleMsMax < idleMs) throw new RangeError('idleMsMax must be at least idleMs');
  const abort = new AbortController();
  let draining = false;
  let wake: (() => void) | undefined;
  let nudged = false;
  const stats = { postedEventCount: 0, roundCount: 0, runCount: 0, failureCount: 0, consecutiveFailureCount: 0, lastFailure: null as string | null };
  const snapshot = (): PostingWorkerStats => ({ ...stats });

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (nudged || abort.signal.aborted || draining) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = async (): Promise<void> => {
    let idleWaitMs = 0;
    for (;;) {
      if (abort.signal.aborted) return;
      const drainRequested = draining;
      nudged = false;
      try {
        const run = await postPendingEvents(options.db, {
          ...(options.cardCountMax === undefined ? {} : { cardCountMax: options.cardCountMax }),
          ...(drainRequested ? {} : { signal: abort.signal }),
          onRound: (posted) => {
            stats.roundCount += 1;
            stats.postedEventCount += posted;
            options.onRound?.(posted);
          },
        });
        stats.runCount += 1;
        stats.consecutiveFailureCount = 0;
        // The run that began after drain() emptied the queue: everything stored before it is posted or parked.
        if (drainRequested) return;
        idleWaitMs = run.roundCount > 0 ? 0 : Math.min(idleMsMax, idleWaitMs === 0 ? idleMs : idleWaitMs * 2);
        if (idleWaitMs > 0) await sleep(idleWaitMs);
      } catch (error) {
        stats.failureCount += 1;
        stats.consecutiveFailureCount += 1;
        stats.lastFailure = describeFailure(error);
        options.onFailure?.(stats.lastFailure);
        await sleep(Math.min(failureBackoffMsMax, idleMs * 2 ** Math.min(stats.consecutiveFailureCount, 20)));
      }
    }
  };
  const running = loop();

  return {
    nudge() {
      nudged = true;
      wake?.();
    },
    stats: snapshot,
    async stop() {
      abort.abort();
      wake?.();
      await running;
      return snapshot();
    },
    async drain() {
      draining = true;
      wake?.();
      await running;
      return snapshot();
    },
  };
}
