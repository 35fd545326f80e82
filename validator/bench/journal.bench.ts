/**
 * `npx tsx validator/bench/journal.bench.ts`: the device journal on this
 * machine's disk.
 *   - append with a durable commit (WAL, synchronous=FULL: fsync per tap),
 *     against sealing the event alone (the CPU part) as the baseline;
 *   - the per-tap reads: lastEventFor, isActionApplied, checkCapacity;
 *   - cutting + signing 500-event batches (events/s), against signBatch alone;
 *   - bytes on disk per stored event.
 * Prints medians, p99 and ratios; never fails on a time.
 */
import { statSync } from 'node:fs';
import { GENESIS_HASH_HEX, canonicalJson, sealEvent, signBatch, type JournalEvent } from '@onecard/card-os/profile';
import { runBench, printRows, type BenchRow } from '@onecard/keys/bench';
import { JOURNAL_BATCH_EVENT_COUNT_DEFAULT, journalPath, openJournal } from '../src/journal/index.js';
import { FIXTURE_DEVICE_ID, fareEntry, fixtureSigner, tempDir } from '../src/journal/journal.fixtures.js';

const PRELOAD_EVENT_COUNT = 20_000;
const CUT_ROUND_COUNT = 10;
const NS_PER_US = 1_000;
const US_PER_S = 1_000_000;
const P99_PERCENT = 99;

const folder = tempDir('journal-bench');
const signer = fixtureSigner();
const journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer });
let index = 0;
for (; index < PRELOAD_EVENT_COUNT; index += 1) journal.append(fareEntry(index, index % 100 === 0 ? { actionId: `act-${index}` } : {}));
journal.cutBatches();
const probeCard = fareEntry(1234).cardNumber;
let sink = 0;

const SEAL = 'seal + canonical JSON of one event (no I/O)';
const rows = await runBench({
  title: `device journal (better-sqlite3, WAL, synchronous=FULL; ${PRELOAD_EVENT_COUNT.toLocaleString('en-US')} events stored)`,
  baseline: SEAL,
  timeMs: 1_000,
  tasks: [
    { name: SEAL, fn: () => { sink ^= canonicalJson(sealEvent(GENESIS_HASH_HEX, { ...fareEntry(index), v: 1, deviceId: FIXTURE_DEVICE_ID, seq: 1 })).length; } },
    { name: 'append, durable commit', fn: () => { sink ^= journal.append(fareEntry((index += 1))).seq; } },
    { name: 'lastEventFor', fn: () => { sink ^= journal.lastEventFor(probeCard, 'transit')?.seq ?? 0; } },
    { name: 'isActionApplied', fn: () => { sink ^= journal.isActionApplied('act-1200') ? 1 : 0; } },
    { name: 'checkCapacity', fn: () => { sink ^= journal.checkCapacity().ok ? 1 : 0; } },
  ],
});

function percentile(sortedUs: readonly number[], percent: number): number {
  return sortedUs[Math.min(sortedUs.length - 1, Math.floor((sortedUs.length * percent) / 100))] ?? Number.NaN;
}

function rowOf(name: string, samplesUs: number[], baseUs: number): BenchRow {
  samplesUs.sort((a, b) => a - b);
  const medianUs = percentile(samplesUs, 50);
  return { name, medianUs, p99Us: percentile(samplesUs, P99_PERCENT), opsPerSecond: US_PER_S / medianUs, ratioToBaseline: medianUs / baseUs };
}

while (journal.cutBatches().length > 0) sink ^= 1;
// Cut + sign: append a batch's worth (untimed), then time the cut of exactly one batch.
const cutUs: number[] = [];
const signUs: number[] = [];
for (let round = 0; round < CUT_ROUND_COUNT; round += 1) {
  for (let count = 0; count < JOURNAL_BATCH_EVENT_COUNT_DEFAULT; count += 1) journal.append(fareEntry((index += 1)));
  const events: readonly JournalEvent[] = journal.readEvents({ fromSeq: journal.status().lastSeq - JOURNAL_BATCH_EVENT_COUNT_DEFAULT + 1, limit: JOURNAL_BATCH_EVENT_COUNT_DEFAULT });
  let started = process.hrtime.bigint();
  sink ^= signBatch({ deviceId: FIXTURE_DEVICE_ID, batchSeq: 1, createdAt: new Date(), events, signer }).length;
  signUs.push(Number(process.hrtime.bigint() - started) / NS_PER_US);
  started = process.hrtime.bigint();
  const cut = journal.cutBatches();
  cutUs.push(Number(process.hrtime.bigint() - started) / NS_PER_US);
  if (cut.length !== 1 || cut[0]?.eventCount !== JOURNAL_BATCH_EVENT_COUNT_DEFAULT) throw new Error('assertion failed: one full batch per round');
}
const SIGN_ONLY = `signBatch alone, ${JOURNAL_BATCH_EVENT_COUNT_DEFAULT} events`;
const cutRows = [rowOf(SIGN_ONLY, signUs, 1), rowOf(`cutBatches: read + sign + store ${JOURNAL_BATCH_EVENT_COUNT_DEFAULT} events`, cutUs, 1)];
const signBaseUs = cutRows[0]?.medianUs ?? 1;
printRows(`batch cut (${CUT_ROUND_COUNT} batches)`, SIGN_ONLY, cutRows.map((row) => ({ ...row, ratioToBaseline: row.medianUs / signBaseUs })));
for (const row of cutRows) console.log(`${row.name}: ${Math.round((JOURNAL_BATCH_EVENT_COUNT_DEFAULT * US_PER_S) / row.medianUs).toLocaleString('en-US')} events/s`);

let started = process.hrtime.bigint();
const verified = journal.verify();
const verifyMs = Number(process.hrtime.bigint() - started) / NS_PER_US / 1_000;
const status = journal.status();
journal.close();
started = process.hrtime.bigint();
openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer }).close();
const openMs = Number(process.hrtime.bigint() - started) / NS_PER_US / 1_000;
console.log(`\nopen (quick_check + tail verify): ${openMs.toFixed(1)} ms; full verify() of ${verified.ok ? verified.eventCount.toLocaleString('en-US') : 'FAILED'} events: ${verifyMs.toFixed(1)} ms`);
const fileBytes = statSync(journalPath(folder.dir)).size;
console.log(`stored ${status.storedEventCount.toLocaleString('en-US')} events, ${status.lastBatchSeq} batches: journal bytes ${status.storedBytes.toLocaleString('en-US')} (${Math.round(status.storedBytes / status.storedEventCount)} per event), file ${fileBytes.toLocaleString('en-US')} bytes (${Math.round(fileBytes / status.storedEventCount)} per event)`);
const append = rows.find((row) => row.name === 'append, durable commit');
if (append !== undefined) console.log(`durable appends: ${Math.round(append.opsPerSecond).toLocaleString('en-US')}/s median`);
folder.remove();
if (sink === Number.MIN_SAFE_INTEGER) console.log(sink);
