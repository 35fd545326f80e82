/**
 * The posting worker as its own process, beside API servers that ingest with `posting: 'deferred'`:
 *   DATABASE_URL=postgres://… npm run posting-worker -w clearing-house
 * PostgreSQL only (an embedded PGlite belongs to one process: run startPostingWorker in that process).
 * SIGTERM / SIGINT stop it after the round in flight. Started by child_process.fork, it says `{ type: 'started' }` once posting and obeys
 * `{ type: 'drain' }`: post until the queue is empty, answer `{ type: 'ended', how, stats, cpuUs }`, exit.
 * ONECARD_POSTING_CARDS_PER_ROUND (optional, 1..POSTING_JOB_CARD_COUNT_MAX) sets the cards per transaction.
 * Every PROGRESS_INTERVAL_MS it logs one line of totals (counts and rates only, no card data).
 */
import { openDatabase } from '../../db/open.js';
import { POSTING_JOB_CARD_COUNT_MAX } from './job.js';
import { startPostingWorker, type PostingWorkerStats } from './worker.js';

const PROGRESS_INTERVAL_MS = 10_000;
const CONNECTION_COUNT = 2;
const EXIT_USAGE = 2;

export interface EndedMessage {
  readonly type: 'ended';
  readonly how: 'stop' | 'drain';
  readonly stats: PostingWorkerStats;
  /** CPU (user + system) this process spent since its worker started (not loading the code), for benchmarks. */
  readonly cpuUs: number;
}

const url = process.env['DATABASE_URL'] ?? '';
if (!url.startsWith('postgres://') && !url.startsWith('postgresql://')) {
  console.error('posting-worker: DATABASE_URL must name a PostgreSQL database (postgres://…)');
  process.exit(EXIT_USAGE);
}

const cardsPerRoundText = process.env['ONECARD_POSTING_CARDS_PER_ROUND'];
const cardCountMax = cardsPerRoundText === undefined || cardsPerRoundText === '' ? undefined : Number(cardsPerRoundText);
if (cardCountMax !== undefined && (!Number.isInteger(cardCountMax) || cardCountMax < 1 || cardCountMax > POSTING_JOB_CARD_COUNT_MAX)) {
  console.error(`posting-worker: ONECARD_POSTING_CARDS_PER_ROUND must be an integer 1..${POSTING_JOB_CARD_COUNT_MAX}`);
  process.exit(EXIT_USAGE);
}

const database = await openDatabase({ url, connectionCountMax: CONNECTION_COUNT });
const startedMs = Date.now();
const cpuAtStart = process.cpuUsage();
const worker = startPostingWorker({
  db: database.db,
  ...(cardCountMax === undefined ? {} : { cardCountMax }),
  onFailure: (description) => {
    console.error(`posting-worker: run failed (${description}); retrying with backoff`);
  },
  onRound: () => {
    if (process.send !== undefined) process.send({ type: 'round' });
  },
});
const progress = setInterval(() => {
  const s = worker.stats();
  const elapsedS = (Date.now() - startedMs) / 1000;
  console.log(`posting-worker: ${s.postedEventCount} events posted in ${s.roundCount} rounds (${Math.round(s.postedEventCount / Math.max(elapsedS, 1))}/s), ${s.failureCount} failed runs`);
}, PROGRESS_INTERVAL_MS);
progress.unref();

let ending = false;
async function end(how: 'stop' | 'drain'): Promise<void> {
  if (ending) return;
  ending = true;
  const stats = how === 'drain' ? await worker.drain() : await worker.stop();
  clearInterval(progress);
  await database.close();
  const usage = process.cpuUsage(cpuAtStart);
  const message: EndedMessage = { type: 'ended', how, stats, cpuUs: usage.user + usage.system };
  if (process.send !== undefined) process.send(message, () => process.exit(0));
  else process.exit(0);
}

process.on('SIGTERM', () => void end('stop'));
process.on('SIGINT', () => void end('stop'));
process.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'type' in message && message.type === 'drain') void end('drain');
});
process.on('disconnect', () => void end('stop'));
console.log('posting-worker: started');
process.send?.({ type: 'started' });
