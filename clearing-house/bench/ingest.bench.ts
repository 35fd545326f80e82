/**
 * Ingest benchmark on PostgreSQL 15 (DATABASE_URL, default the services
 * cluster): (1) signed batches through ingestBatch (verify, decode, chain,
 * insert, and with inline posting the ledger too) against a raw COPY of the
 * same event rows into a table with the same indexes — target ratio ≥ 0.5;
 * deferred posting is measured separately (ingest, then the posting job); (2) a Hanoi day
 * (1.5 M taps, 3,000 validators) at --hanoi-fraction of its size,
 * extrapolated linearly, plus the reconciliation queries of that day.
 * Run: npx tsx clearing-house/bench/ingest.bench.ts [--taps 100000] [--hanoi-fraction 0.1]
 */
import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { Ed25519BulkVerifier, toHex } from '@onecard/keys';
import { registerCards, CARD_REGISTRATION_COUNT_MAX } from '../src/cards/register.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { openDatabase, rawClient, type Database } from '../src/db/open.js';
import { jsonRecordset } from '../src/db/rows.js';
import { copyField } from '../src/db/copy.js';
import { ingestBatch, type PostingMode } from '../src/ingest/ingest-batch.js';
import { KnownCards } from '../src/ingest/known-cards.js';
import { EVENT_COPY_COLUMNS, eventCopyRow } from '../src/ingest/store-events.js';
import { postPendingEvents } from '../src/ledger/posting/job.js';
import { forkPostingWorker, type PostingWorkerProcess } from '../src/ledger/posting/worker-fork.js';
import { startPostingWorker } from '../src/ledger/posting/worker.js';
import { reconciliationSummary } from '../src/reconcile/exception-queries.js';
import { settlementForDay } from '../src/reconcile/settlement-queries.js';
import { cpuSecondsBetween, cpuSnapshot, machineReferenceUs, sampleCpu, type CpuSnapshot } from './cpu.js';
import { BENCH_OPERATOR_ID, generateDay, signUploads, type BenchDay, type SignedUpload, type UploadOrder } from './workload.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:54329/onecard';
const HANOI_TAP_COUNT = 1_500_000;
const HANOI_DEVICE_COUNT = 3000;
const HANOI_CARD_COUNT = 750_000;
const MS_PER_S = 1000;

const program = new Command()
  .option('--taps <n>', 'taps in the COPY-ratio run', '100000')
  .option('--devices <n>', 'validators in the COPY-ratio run', '200')
  .option('--cards <n>', 'cards in the COPY-ratio run', '50000')
  .option('--batch-events <n>', 'events per signed batch', '500')
  .option('--concurrency <n>', 'uploads in flight, as from many validators at once (with inline posting the hot operator-revenue row serialises the ledger step)', '2')
  .option('--hanoi-fraction <f>', 'fraction of the Hanoi day to run (0 skips)', '0.1')
  .option('--hanoi-posting <mode>', 'inline or deferred posting for the Hanoi day', 'deferred')
  .option('--post-during-ingest <yes|no>', 'Hanoi day, deferred: run the posting job continuously while uploads arrive (as in production) instead of after them', 'yes')
  .option('--posting-worker <where>', 'Hanoi day, job during ingest: process (its own process, as deployed: npm run posting-worker) or in-process (this process, sharing its event loop with ingest)', 'process')
  .option('--arrival <order>', 'upload order: device (all of one validator, then the next) or time (as batches close through the day)', 'device')
  .option('--modes <list>', 'posting modes of the COPY-ratio run (comma-separated; empty skips it)', 'inline,deferred')
  .parse();
const options = program.opts<{ taps: string; devices: string; cards: string; batchEvents: string; concurrency: string; hanoiFraction: string; hanoiPosting: string; modes: string; postDuringIngest: string; postingWorker: string; arrival: string }>();
const arrival: UploadOrder = options.arrival === 'time' ? 'time' : 'device';
const POSTING_IDLE_MS = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

async function freshDatabase(url: string): Promise<{ database: Database; drop: () => Promise<void>; url: string }> {
  const name = `onecard_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = rawClient(url, { max: 1 });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ url: target.toString(), connectionCountMax: Number(options.concurrency) + 1 });
  await migrateDatabase(database);
  return {
    database,
    url: target.toString(),
    drop: async () => {
      await database.close();
      const dropper = rawClient(url, { max: 1 });
      await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/**
 * The city before the day starts: every card registered the way the issuance portal registers it
 * (registerCards: the card row and its purse accounts) and known to posting from earlier days (a card
 * state at TMC 0), the devices registered; then ANALYZE, as autovacuum has long done for these
 * tables in production. The day's events start in an empty, unanalysed table (as a new day would).
 */
async function seed(database: Database, day: BenchDay): Promise<void> {
  const { db } = database;
  await db.execute(sql`INSERT INTO organisations (id, kind, name) VALUES (${BENCH_OPERATOR_ID}, 'operator', 'Hanoi Bus') ON CONFLICT DO NOTHING`);
  for (let i = 0; i < day.cardNumbers.length; i += CARD_REGISTRATION_COUNT_MAX) {
    const chunk = day.cardNumbers.slice(i, i + CARD_REGISTRATION_COUNT_MAX);
    const registered = await registerCards(db, chunk.map((cardNumber) => ({ cardNumber, organisationId: null })));
    if (!registered.ok) throw new Error(`bench card registration failed: ${registered.code}`);
    const states = chunk.map((n) => ({ n }));
    await db.execute(sql`INSERT INTO card_states (card_number, application, last_tmc) SELECT x.n, 'transit', 0 FROM ${jsonRecordset(states, 'n text')} ON CONFLICT DO NOTHING`);
  }
  const devices = day.devices.map((d) => ({ id: d.deviceId, key_id: d.keyId, key_hex: toHex(d.keyPair.publicKey), serial: d.deviceId.toString(16) }));
  await db.execute(sql`
    INSERT INTO devices (device_id, role, certificate_pem, certificate_serial_hex, not_after, journal_key_id, journal_public_key_hex)
    SELECT x.id, 'validator', 'bench', x.serial, '2030-01-01T00:00:00Z', x.key_id, x.key_hex FROM ${jsonRecordset(devices, 'id bigint, key_id text, key_hex text, serial text')}`);
  await db.execute(sql`ANALYZE cards, card_states, ledger_accounts, devices, organisations`);
}

async function ingestAll(database: Database, uploads: readonly SignedUpload[], input: { readonly concurrency: number; readonly posting: PostingMode }): Promise<{ seconds: number; latenciesMs: number[] }> {
  const verifier = new Ed25519BulkVerifier({ cachedKeyCountMax: 10_000 });
  const context = { database, verifier, nowMs: () => Date.UTC(2026, 11, 4, 12), posting: input.posting, knownCards: new KnownCards() };
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < uploads.length) {
      const upload = uploads[next] as SignedUpload;
      next += 1;
      const t0 = performance.now();
      const outcome = await ingestBatch(context, { deviceId: upload.deviceId, bytes: upload.bytes });
      latenciesMs.push(performance.now() - t0);
      if (outcome.kind !== 'accepted') throw new Error(`bench upload not accepted: ${outcome.kind}`);
    }
  };
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  return { seconds: (performance.now() - started) / MS_PER_S, latenciesMs: latenciesMs.sort((a, b) => a - b) };
}

/**
 * The baseline: the same rows deferred ingest stores (eventCopyRow: every column, status held) in one
 * COPY stream into a table with the same indexes, the text rendered before the clock starts.
 */
async function copyBaseline(url: string, day: BenchDay): Promise<number> {
  const client = rawClient(url, { max: 1 });
  await client.unsafe('CREATE TABLE events_copy (LIKE events INCLUDING ALL)');
  const lines: string[] = [];
  for (const device of day.devices) for (const e of device.events) lines.push(`${eventCopyRow(e, 1).map(copyField).join('\t')}\n`);
  const started = performance.now();
  const stream = await client.unsafe(`COPY events_copy (${EVENT_COPY_COLUMNS.join(', ')}) FROM STDIN`).writable();
  for (const line of lines) if (!stream.write(line)) await new Promise((resolve) => stream.once('drain', resolve));
  stream.end();
  await finished(stream);
  const seconds = (performance.now() - started) / MS_PER_S;
  await client.end();
  return seconds;
}

async function timedPostingJob(database: Database): Promise<{ seconds: number; postedEventCount: number }> {
  const started = performance.now();
  const result = await postPendingEvents(database.db);
  return { seconds: (performance.now() - started) / MS_PER_S, postedEventCount: result.postedEventCount };
}

async function cpuLine(database: Database, since: CpuSnapshot, eventCount: number, more: { readonly workerCpuS?: number; readonly until?: CpuSnapshot } = {}): Promise<string> {
  const { clientS, serverS } = cpuSecondsBetween(since, more.until ?? (await cpuSnapshot(database)));
  const workerCpuS = more.workerCpuS ?? 0;
  const worker = workerCpuS > 0 ? ` + posting worker process ${workerCpuS.toFixed(2)} s` : '';
  return `CPU node ${clientS.toFixed(2)} s${worker} + PostgreSQL ${serverS.toFixed(2)} s = ${(((clientS + workerCpuS + serverS) * MS_PER_S * MS_PER_S) / eventCount).toFixed(1)} µs/event`;
}

/** The posting worker in its own process, started (tsx compiled, connected) before the clock starts. */
async function startedWorkerProcess(databaseUrl: string): Promise<PostingWorkerProcess> {
  const worker = forkPostingWorker({
    databaseUrl,
    onOutput: (line) => {
      if (line.includes('run failed')) console.error(line);
    },
  });
  await worker.started;
  return worker;
}

async function ratioRun(url: string, posting: PostingMode): Promise<void> {
  const day = generateDay({ deviceCount: Number(options.devices), cardCount: Number(options.cards), tapCount: Number(options.taps), seed: 1 });
  const uploads = signUploads(day, Number(options.batchEvents), arrival);
  const { database, drop, url: benchUrl } = await freshDatabase(url);
  try {
    await seed(database, day);
    const cpuAtStart = await cpuSnapshot(database);
    const ingest = await ingestAll(database, uploads, { concurrency: Number(options.concurrency), posting });
    const ingestCpu = await cpuLine(database, cpuAtStart, day.eventCount);
    const cpuAfterIngest = await cpuSnapshot(database);
    const job = posting === 'deferred' ? await timedPostingJob(database) : undefined;
    const jobCpu = job === undefined ? '' : await cpuLine(database, cpuAfterIngest, day.eventCount);
    const copySeconds = await copyBaseline(benchUrl, day);
    const ingestRate = day.eventCount / ingest.seconds;
    const copyRate = day.eventCount / copySeconds;
    console.log(`ingest  [${posting}] arrival ${arrival}, ${day.eventCount} events in ${uploads.length} batches: ${ingest.seconds.toFixed(2)} s = ${Math.round(ingestRate)} events/s; batch latency median ${percentile(ingest.latenciesMs, 0.5).toFixed(1)} ms, p99 ${percentile(ingest.latenciesMs, 0.99).toFixed(1)} ms`);
    console.log(`cpu     [${posting}] ingest: ${ingestCpu}`);
    if (job !== undefined) console.log(`cpu     [${posting}] posting job: ${jobCpu}`);
    if (job !== undefined) console.log(`posting [${posting}] job posted ${job.postedEventCount} events in ${job.seconds.toFixed(2)} s = ${Math.round(job.postedEventCount / job.seconds)} events/s; ingest+post ${Math.round(day.eventCount / (ingest.seconds + job.seconds))} events/s`);
    console.log(`COPY    same rows into a table with the same indexes: ${copySeconds.toFixed(2)} s = ${Math.round(copyRate)} rows/s`);
    console.log(`ratio   [${posting}] ingest / COPY = ${(ingestRate / copyRate).toFixed(2)} (target >= 0.5)`);
  } finally {
    await drop();
  }
}

async function hanoiRun(url: string, fraction: number): Promise<void> {
  const tapCount = Math.round(HANOI_TAP_COUNT * fraction);
  const day = generateDay({ deviceCount: Math.max(1, Math.round(HANOI_DEVICE_COUNT * fraction)), cardCount: Math.max(1, Math.round(HANOI_CARD_COUNT * fraction)), tapCount, seed: 2 });
  const uploads = signUploads(day, Number(options.batchEvents), arrival);
  const { database, drop, url: benchUrl } = await freshDatabase(url);
  try {
    await seed(database, day);
    const posting: PostingMode = options.hanoiPosting === 'inline' ? 'inline' : 'deferred';
    const overlapped = posting === 'deferred' && options.postDuringIngest === 'yes';
    const workerProcess = overlapped && options.postingWorker === 'process' ? await startedWorkerProcess(benchUrl) : undefined;
    let workerCpuS = 0;
    const cpuAtStart = await cpuSnapshot(database);
    const sampler = sampleCpu(database); // the worker process's backends close before the end
    const started = performance.now();
    // In this process: the same worker, sharing this event loop with ingest.
    const alongside = overlapped && workerProcess === undefined ? startPostingWorker({ db: database.db, idleMs: POSTING_IDLE_MS, idleMsMax: POSTING_IDLE_MS }) : undefined;
    const ingest = await ingestAll(database, uploads, { concurrency: Number(options.concurrency), posting });
    const ingestEndSeconds = (performance.now() - started) / MS_PER_S;
    const sinceIngestEnd = (): number => (performance.now() - started) / MS_PER_S - ingestEndSeconds;
    let job: { readonly seconds: number; readonly postedEventCount: number };
    if (workerProcess !== undefined) {
      const ended = await workerProcess.drain();
      workerCpuS = ended.cpuUs / (MS_PER_S * MS_PER_S);
      job = { postedEventCount: ended.stats.postedEventCount, seconds: sinceIngestEnd() };
    } else if (alongside !== undefined) job = { postedEventCount: (await alongside.drain()).postedEventCount, seconds: sinceIngestEnd() };
    else if (posting === 'deferred') job = await timedPostingJob(database);
    else job = { seconds: 0, postedEventCount: 0 };
    if (posting === 'deferred' && job.postedEventCount !== tapCount) throw new Error(`posting job posted ${job.postedEventCount} of ${tapCount} taps`);
    const t0 = performance.now();
    const summary = await reconciliationSummary(database.db, '2026-12-04');
    const settlement = await settlementForDay(database.db, BENCH_OPERATOR_ID, '2026-12-04');
    const reconcileSeconds = (performance.now() - t0) / MS_PER_S;
    const dayCpu = await cpuLine(database, cpuAtStart, tapCount, { workerCpuS, until: await sampler.stop() });
    const total = ingest.seconds + job.seconds + reconcileSeconds;
    const where = workerProcess !== undefined ? 'in its own process' : 'in this process';
    console.log(`hanoi   ${(fraction * 100).toFixed(0)} % of a day, arrival ${arrival}, ${posting} posting${overlapped ? ` (job running during ingest, ${where})` : ''}: ${tapCount} taps, ${day.devices.length} validators, ${uploads.length} batches`);
    console.log(`hanoi   ingest ${ingest.seconds.toFixed(1)} s, posting job ${overlapped ? 'finished ' : ''}${job.seconds.toFixed(1)} s${overlapped ? ' after the last upload' : ''}, reconciliation summary + settlement ${reconcileSeconds.toFixed(1)} s (${summary.length} scopes, ${settlement.length} routes)`);
    console.log(`hanoi   ${dayCpu} (ingest + posting + reconciliation)`);
    console.log(`hanoi   extrapolated to 1.5 M taps: ${(total / fraction).toFixed(0)} s (target < 120 s; linear extrapolation, measured at ${fraction})`);
  } finally {
    await drop();
  }
}

const url = process.env['DATABASE_URL'] ?? DEFAULT_URL;
console.log(`machine Ed25519 verify (node:crypto) median ${machineReferenceUs().toFixed(0)} µs — figures scale with it (README "Measured": ~80 µs machine)`);
const modes = options.modes.split(',').filter((m): m is PostingMode => m === 'inline' || m === 'deferred');
for (const posting of modes) await ratioRun(url, posting);
const fraction = Number(options.hanoiFraction);
if (fraction > 0) await hanoiRun(url, fraction);
