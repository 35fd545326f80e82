/**
 * A scaled city day, end to end on the embedded defaults: taps through the
 * real pipeline on emulated cards (tap → journal), the real sync agents over
 * HTTP (→ ingest → ledger posting, which includes the per-card
 * reconciliation walk), then the reconciliation and revenue queries. Prints
 * taps/s per phase and end to end, and what that means for Hanoi's day
 * (1.5 million taps from 3,000 validators). Run: `npx tsx bench/city.bench.ts`
 * (ONECARD_CITY_BENCH_TAPS, ONECARD_CITY_BENCH_CARDS, ONECARD_CITY_BENCH_VALIDATORS, DATABASE_URL).
 */
import { performance } from 'node:perf_hooks';
import { CITY_SERVICE_DAY_SPAN_MS } from '../src/city/limits.js';
import { freshPostgresDatabase } from '../src/city/demo.js';
import { startCity } from '../src/city/start-city.js';

const HANOI_TAPS_PER_DAY = 1_500_000;
const HANOI_VALIDATOR_COUNT = 3_000;
const HANOI_INGEST_TARGET_S = 120;
const TAP_CHUNK_COUNT = 5_000;

function intFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function percentile(sortedMs: readonly number[], fraction: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor(fraction * sortedMs.length))] ?? Number.NaN;
}

const tapCount = intFromEnv('ONECARD_CITY_BENCH_TAPS', 15_000);
const cardCount = intFromEnv('ONECARD_CITY_BENCH_CARDS', 300);
const busValidatorCount = intFromEnv('ONECARD_CITY_BENCH_VALIDATORS', 20);
const serverUrl = process.env['DATABASE_URL'];
// PostgreSQL: a fresh database per run (device ids and card numbers repeat between runs), dropped at the end.
const database = serverUrl === undefined || serverUrl === '' ? undefined : await freshPostgresDatabase(serverUrl);
const databaseUrl = database?.url;
const tapPipelineMs: number[] = [];
const write = (text: string): void => {
  process.stdout.write(text);
};

write(`city bench: ${busValidatorCount} bus validators + 1 school gate, ${cardCount} cards, ${tapCount} taps, ${databaseUrl === undefined ? 'PGlite' : 'PostgreSQL'}\n`);
const setupStart = performance.now();
const city = await startCity({
  busValidatorCount,
  cardCount,
  clock: 'simulated',
  ...(databaseUrl === undefined ? {} : { databaseUrl }),
  onOutcome: (outcome) => {
    tapPipelineMs.push(outcome.totalMs);
  },
  onProgress: (p) => {
    if (p.done === p.total) write(`  ${p.phase} ${p.done}/${p.total} (${((performance.now() - setupStart) / 1000).toFixed(1)} s since start)\n`);
  },
});
try {
  const tapStart = performance.now();
  let tapped = 0;
  let tapPhaseMs = 0;
  let syncPhaseMs = 0;
  let acknowledged = 0;
  while (tapped < tapCount) {
    const count = Math.min(TAP_CHUNK_COUNT, tapCount - tapped);
    const chunkStart = performance.now();
    const run = await city.runTaps({ count, stepMs: Math.floor(CITY_SERVICE_DAY_SPAN_MS / tapCount) });
    const chunkMs = performance.now() - chunkStart;
    tapPhaseMs += chunkMs;
    tapped += run.tapCount;
    const syncStart = performance.now();
    const sync = await city.syncAll();
    syncPhaseMs += performance.now() - syncStart;
    acknowledged += sync.acknowledgedBatchCount;
    if (sync.failedRoundCount > 0) throw new Error(`sync failed: ${JSON.stringify(sync.errors)}`);
    write(`  ${tapped}/${tapCount} taps, ${acknowledged} batches ingested, ${sync.retriedRoundCount} sync round(s) retried (${((performance.now() - tapStart) / 1000).toFixed(1)} s)\n`);
  }
  const reconcileStart = performance.now();
  const summary = await city.summary();
  const reconcileMs = performance.now() - reconcileStart;
  const endToEndMs = performance.now() - tapStart;
  const sorted = tapPipelineMs.slice(-tapCount).sort((a, b) => a - b);
  const faresMatch = JSON.stringify(summary.ledgerFaresVnd) === JSON.stringify(Object.fromEntries(Object.entries(summary.taps.journaledFaresVnd).sort(([a], [b]) => a.localeCompare(b))));
  const tapsPerS = tapCount / (tapPhaseMs / 1000);
  const ingestPerS = summary.ingest.eventCount / (syncPhaseMs / 1000);
  const endToEndPerS = tapCount / (endToEndMs / 1000);
  write('\nresults\n');
  write(`  outcomes                  ${JSON.stringify(summary.taps.byOutcome)}\n`);
  write(`  ledger fares = journaled  ${faresMatch ? 'yes' : 'NO'}  ${JSON.stringify(summary.ledgerFaresVnd)}\n`);
  write(`  events ingested           ${summary.ingest.eventCount}  ${JSON.stringify(summary.ingest.eventsByPostingStatus)}; unexpected exceptions ${summary.exceptions.unexpected.length}\n`);
  write(`  tap → journal             ${tapsPerS.toFixed(0)} taps/s (one process, serial; tap pipeline ms: median ${percentile(sorted, 0.5).toFixed(2)}, p99 ${percentile(sorted, 0.99).toFixed(2)})\n`);
  write(`  sync → ingest → ledger    ${ingestPerS.toFixed(0)} events/s over HTTP (${(syncPhaseMs / 1000).toFixed(1)} s)\n`);
  write(`  reconcile + report query  ${reconcileMs.toFixed(0)} ms\n`);
  write(`  end to end                ${endToEndPerS.toFixed(0)} taps/s (${(endToEndMs / 1000).toFixed(1)} s for ${tapCount} taps)\n`);
  const hanoiIngestS = HANOI_TAPS_PER_DAY / ingestPerS;
  write('\nHanoi extrapolation (1.5 M taps, 3,000 validators)\n');
  write(`  taps happen on ${HANOI_VALIDATOR_COUNT} devices in parallel (${HANOI_TAPS_PER_DAY / HANOI_VALIDATOR_COUNT} taps each per day): the tap rate above is one emulated device's, not a city limit.\n`);
  write(`  the central cost is ingest: ${HANOI_TAPS_PER_DAY} events at ${ingestPerS.toFixed(0)} events/s ≈ ${(hanoiIngestS / 60).toFixed(1)} min on this 2-core machine (target ${HANOI_INGEST_TARGET_S / 60} min: ${hanoiIngestS <= HANOI_INGEST_TARGET_S ? 'met' : `missed by ×${(hanoiIngestS / HANOI_INGEST_TARGET_S).toFixed(1)}`}).\n`);
  write(`  caveats: ${databaseUrl === undefined ? 'PGlite (single-threaded WASM) not PostgreSQL; ' : ''}batches here hold ≈${(summary.ingest.eventCount / Math.max(1, acknowledged)).toFixed(0)} events (a real day would send ${HANOI_TAPS_PER_DAY / HANOI_VALIDATOR_COUNT} per device in a few batches); one HTTP client at a time; ${cardCount} cards, so per-card state is hot.\n`);
} finally {
  await city.close();
  await database?.drop();
}
