/**
 * `tsx bench/lists.bench.ts` (validator): the deny list at 1,000,000 cards.
 *   - wire size of the signed full list (bytes per card);
 *   - encode + sign (clearing house), open = verify + decode (tweetnacl and
 *     node:crypto), apply (open + snapshot written and fsynced), cold start
 *     from the snapshot;
 *   - lookup median / p99 for hits and misses, against a Set<string> of the
 *     same card numbers as the baseline (and its memory);
 *   - a delta of 10,000 adds + 10,000 removes: merge alone and full apply;
 *   - memory: table bytes, heap + ArrayBuffer growth after loading.
 * Benchmarks print; they never fail on a time (shared, noisy machine).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Ed25519BulkVerifier } from '@onecard/keys';
import { runBench } from '@onecard/keys/bench';
import { DenyListStore } from '../src/lists/deny-list-store.js';
import { DenyTable } from '../src/lists/deny-table.js';
import { CARD_KEY_BASE, LIST_SIGNER, TRUSTED } from '../src/lists/testing/fixtures.js';
import { cardNumberOfKey, encodeDenyList, openDenyList, packCardKeys, packDenyEntries, signDenyList, type DenyEntries, type DenyEntry } from '../src/lists/wire.js';

const ENTRY_COUNT = 1_000_000;
/** Mean gap 1,000: a million denied cards among a billion issued numbers. */
const GAP_KEYS_MAX = 2_000;
const PROBE_COUNT = 10_000;
const DELTA_ADD_COUNT = 10_000;
const DELTA_REMOVE_COUNT = 10_000;
const TIMED_RUN_COUNT = 5;
const REASON_COUNT = 5;
const BENCH_TIME_MS = 1_000;
const ISSUED_AT = new Date('2026-12-04T00:00:00Z');
const LOOKUP_TARGET_US = 1_000;

function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
const GC_PASS_COUNT = 3;
/** Heap + ArrayBuffer bytes after full collections (ArrayBuffer backing stores are freed after a turn of the loop). */
async function memoryBytes(): Promise<number> {
  for (let pass = 0; pass < GC_PASS_COUNT; pass++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function timeMs<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

/** Median wall time of `fn`, or of the times it answers itself (when it times only part of its work). */
async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const answered = await fn();
    times.push(typeof answered === 'number' ? answered : performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;
}

const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(2)} MiB`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

// ------------------------------------------------------------------ build
const random = prng(1_000_000);
const entries: DenyEntries = { keys: new Float64Array(ENTRY_COUNT), reasonCodes: new Uint8Array(ENTRY_COUNT) };
let key = CARD_KEY_BASE;
for (let i = 0; i < ENTRY_COUNT; i++) {
  key += 1 + Math.floor(random() * GAP_KEYS_MAX);
  entries.keys[i] = key;
  entries.reasonCodes[i] = 1 + Math.floor(random() * REASON_COUNT);
}
const lastKey = key;
const rows: DenyEntry[] = [];
for (let i = 0; i < ENTRY_COUNT; i++) rows.push({ cardNumber: cardNumberOfKey(entries.keys[i] ?? 0), reason: 'lost' });
const pack = timeMs(() => packDenyEntries(rows));
const document = { kind: 'full', version: 100, baseVersion: 0, issuedAt: ISSUED_AT, entries } as const;
const encoded = timeMs(() => encodeDenyList(document));
const signed = timeMs(() => signDenyList(document, LIST_SIGNER));
const envelope = signed.value;

console.log(`\ndeny list of ${ENTRY_COUNT.toLocaleString('en-US')} cards (mean gap ${GAP_KEYS_MAX / 2} card numbers)`);
console.log(`  wire size (signed envelope)        ${mb(envelope.length)}  = ${(envelope.length / ENTRY_COUNT).toFixed(2)} bytes/card  (document ${encoded.value.length.toLocaleString('en-US')} bytes)`);
console.log(`  clearing house: pack 1M rows       ${ms(pack.ms)}`);
console.log(`  clearing house: encode             ${ms(encoded.ms)}`);
console.log(`  clearing house: encode + sign      ${ms(signed.ms)}`);

// ------------------------------------------------------------------ open, apply, cold start
const verifier = new Ed25519BulkVerifier({ cachedKeyCountMax: 1 });
const openNacl = timeMs(() => openDenyList(envelope, TRUSTED));
const openNode = timeMs(() => openDenyList(envelope, { ...TRUSTED, verifier }));
if (!openNacl.value.ok || !openNode.value.ok) throw new Error('the bench list does not open');
console.log(`  validator: verify + decode         ${ms(openNacl.ms)} (tweetnacl)   ${ms(openNode.ms)} (node:crypto)`);

const directory = await mkdtemp(join(tmpdir(), 'onecard-lists-bench-'));
const path = join(directory, 'deny-list.bin');
let run = 0;
const applyMs = await medianMs(TIMED_RUN_COUNT, async () => {
  const fresh = await DenyListStore.open({ ...TRUSTED, verifier, path: join(directory, `apply-${run++}.bin`) });
  const applied = await fresh.apply(envelope);
  if (!applied.ok) throw new Error(`apply failed: ${applied.code}`);
});
const store = await DenyListStore.open({ ...TRUSTED, verifier, path });
await store.apply(envelope);
console.log(`  validator: apply full (verify + decode + snapshot write + fsync + rename, median of ${TIMED_RUN_COUNT})  ${ms(applyMs)}`);
const coldStartMs = await medianMs(TIMED_RUN_COUNT, async () => DenyListStore.open({ ...TRUSTED, path }));
console.log(`  validator: cold start from snapshot (median of ${TIMED_RUN_COUNT})          ${ms(coldStartMs)}`);
const memoryBefore = await memoryBytes();
const second = await DenyListStore.open({ ...TRUSTED, path });
const memoryAfter = await memoryBytes();
console.log(`  memory: table ${mb(store.tableSizeBytes)} (${(store.tableSizeBytes / ENTRY_COUNT).toFixed(0)} bytes/card); heap + ArrayBuffers held by one more opened store: ${mb(memoryAfter - memoryBefore)} (${second.entryCount.toLocaleString('en-US')} cards)${gc === undefined ? ' (run with node --expose-gc for an exact figure)' : ''}`);

// ------------------------------------------------------------------ delta
const deltaRandom = prng(42);
const adds: DenyEntry[] = [];
const removes: string[] = [];
const addKeys = new Set<number>();
while (addKeys.size < DELTA_ADD_COUNT) addKeys.add(lastKey + 1 + Math.floor(deltaRandom() * ENTRY_COUNT * GAP_KEYS_MAX));
for (const added of addKeys) adds.push({ cardNumber: cardNumberOfKey(added), reason: 'stolen' });
for (let i = 0; i < DELTA_REMOVE_COUNT; i++) removes.push(cardNumberOfKey(entries.keys[i * Math.floor(ENTRY_COUNT / DELTA_REMOVE_COUNT)] ?? 0));
const deltaAdds = packDenyEntries(adds);
const deltaRemoves = packCardKeys(removes);
const deltaEnvelope = signDenyList({ kind: 'delta', version: 101, baseVersion: 100, issuedAt: ISSUED_AT, adds: deltaAdds, removes: deltaRemoves }, LIST_SIGNER);
const table = new DenyTable(entries);
const mergeMs = await medianMs(TIMED_RUN_COUNT, () => Promise.resolve(table.withDelta(deltaAdds, deltaRemoves)));
const deltaApplyMs = await medianMs(TIMED_RUN_COUNT, async () => {
  const fresh = await DenyListStore.open({ ...TRUSTED, verifier, path: join(directory, `delta-${run++}.bin`) });
  await fresh.apply(envelope);
  const started = performance.now();
  const result = await fresh.apply(deltaEnvelope);
  if (!result.ok) throw new Error(`delta failed: ${result.code}`);
  return performance.now() - started;
});
const deltaApplied = await store.apply(deltaEnvelope);
if (!deltaApplied.ok) throw new Error(`delta failed: ${deltaApplied.code}`);
console.log(`  delta +${DELTA_ADD_COUNT.toLocaleString('en-US')} −${DELTA_REMOVE_COUNT.toLocaleString('en-US')}: wire ${deltaEnvelope.length.toLocaleString('en-US')} bytes; merge ${ms(mergeMs)}; apply (verify + decode + merge + encode + snapshot write + fsync) ${ms(deltaApplyMs)} (medians of ${TIMED_RUN_COUNT}); now ${deltaApplied.entryCount.toLocaleString('en-US')} cards`);

// ------------------------------------------------------------------ lookups
const probeRandom = prng(7);
const hits: string[] = [];
const misses: string[] = [];
for (let i = 0; i < PROBE_COUNT; i++) {
  const index = DELTA_REMOVE_COUNT + Math.floor(probeRandom() * (ENTRY_COUNT - DELTA_REMOVE_COUNT));
  const listed = entries.keys[index] ?? 0;
  if (index % Math.floor(ENTRY_COUNT / DELTA_REMOVE_COUNT) === 0) continue; // removed by the delta
  hits.push(cardNumberOfKey(listed));
  const next = entries.keys[index + 1] ?? listed + 2;
  if (next - listed > 1) misses.push(cardNumberOfKey(listed + 1));
}
if (hits.some((cardNumber) => store.lookup(cardNumber) === undefined) || misses.some((cardNumber) => store.lookup(cardNumber) !== undefined)) throw new Error('lookup disagrees with the list');
const setMemoryBefore = await memoryBytes();
const baselineSet = new Set<string>();
for (let i = 0; i < ENTRY_COUNT; i++) baselineSet.add(cardNumberOfKey(entries.keys[i] ?? 0));
const setMemoryBytes = (await memoryBytes()) - setMemoryBefore;

/** Mean cost of one lookup in a tight loop (no per-call timer overhead). */
function tightLoopNs(probes: readonly string[], lookup: (cardNumber: string) => unknown): number {
  const started = performance.now();
  let found = 0;
  for (let i = 0; i < ENTRY_COUNT; i++) if (lookup(probes[i % probes.length] ?? '') !== undefined) found++;
  const elapsedMs = performance.now() - started;
  if (found < 0) throw new Error('unreachable');
  return (elapsedMs * 1e6) / ENTRY_COUNT;
}

let hitIndex = 0;
let missIndex = 0;
let sink = 0;
const LOOKUP_HIT = 'lookup, hit (1M table)';
const LOOKUP_MISS = 'lookup, miss (1M table)';
const BASELINE = 'Set<string>.has, hit (1M strings)';
await runBench({
  title: `deny list lookups (target well under ${LOOKUP_TARGET_US} µs)`,
  baseline: BASELINE,
  timeMs: BENCH_TIME_MS,
  tasks: [
    { name: BASELINE, fn: () => { sink += baselineSet.has(hits[hitIndex++ % hits.length] ?? '') ? 1 : 0; } },
    { name: LOOKUP_HIT, fn: () => { sink += store.lookup(hits[hitIndex++ % hits.length] ?? '') === undefined ? 0 : 1; } },
    { name: LOOKUP_MISS, fn: () => { sink += store.lookup(misses[missIndex++ % misses.length] ?? '') === undefined ? 0 : 1; } },
  ],
});
console.log(`  tight loop of ${ENTRY_COUNT.toLocaleString('en-US')} lookups, mean per lookup: hit ${tightLoopNs(hits, (c) => store.lookup(c)).toFixed(0)} ns, miss ${tightLoopNs(misses, (c) => store.lookup(c)).toFixed(0)} ns, Set<string> hit ${tightLoopNs(hits, (c) => (baselineSet.has(c) ? true : undefined)).toFixed(0)} ns`);
console.log(`  memory of the Set<string> baseline: ${mb(setMemoryBytes)} vs the table's ${mb(store.tableSizeBytes)}  (sink ${sink > 0 ? 'used' : 'empty'})`);

await rm(directory, { recursive: true, force: true });
