/**
 * `npx tsx validator/bench/tap.bench.ts`: the validator's tap.
 *   - decision: deny-list lookup (1,000,000 entries) + fare decision, no I/O (target ≤ 1 ms);
 *   - bus tap end to end, in-process: identity, deny list, transit read, fare,
 *     debit + fare state + trip + commit (TMC ‖ TMV), journal append;
 *   - the same through the real pcscd (ONECARD_PCSC=1): vpcd slot 01 (port
 *     40060, reader "OneCard vpcd 00 01"), connect + GET DATA (UID) + tap +
 *     disconnect per iteration (target p99 ≤ 20 ms).
 * Two sets of ports: the in-test ones (src/tap/testing/ports.ts: memory
 * journal, flat fare) and the real ones that exist so far: the Hanoi
 * GTFS-Fares feed (src/fares, feeds/hanoi) and the durable SQLite journal
 * (src/journal, an fsync'd commit per event). The deny list is a 1,000,000
 * entry in-memory set in both (src/lists to be wired by the lead).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFareEngine, loadFeedFromDirectory } from '../src/fares/index.js';
import { journalSignerFromSeed, openJournal } from '../src/journal/index.js';
import type { EventJournal, FareEngine } from '../src/ports.js';
import type { Validator } from '../src/tap/validator.js';
import { runBench, type BenchTask } from '@onecard/keys/bench';
import { PcscClient, VpcdBridge, type PcscCardChannel } from '@onecard/card-os';
import type { DenyReason } from '../src/ports.js';
import { busMode, BUS_RECOVERY_WINDOW_MS_DEFAULT, BUS_REPEAT_WINDOW_MS_DEFAULT } from '../src/modes/bus.js';
import { createTestKeyStore, issueCard, type TestCard } from '../src/tap/testing/cards.js';
import { adultRider, cardNumber, cardUid } from '../src/tap/testing/holders.js';
import { testPorts } from '../src/tap/testing/ports.js';
import { tapReaderCard } from '../src/tap/pcsc-reader.js';
import type { StageTimings, TapOutcome } from '../src/tap/outcome.js';
import { createValidator } from '../src/tap/validator.js';

const DENY_LIST_ENTRIES = 1_000_000;
const CARD_COUNT = 8;
const OPENING_VND = 2_000_000;
const CLOCK_STEP_MS = 60 * 60 * 1000;
const DECISION_TARGET_MS = 1;
const PCSCD_P99_TARGET_MS = 20;
const VPCD_SLOT_01_PORT = 40_060;
const READER_PATTERN = /OneCard vpcd 00 01$/;
const PCSC_WAIT_TIMEOUT_MS = 5_000;
const BENCH_TIME_MS = 1_000;
const DEVICE_ID = 9001;
const ROUTES = new Map([['32', 32]]);

const DECISION = 'decision: deny lookup (1M) + test fare engine';
const DECISION_HANOI = 'decision: deny lookup (1M) + Hanoi GTFS-Fares engine';
const IN_PROCESS = 'bus tap e2e in-process, memory journal, test fares';
const IN_PROCESS_REAL = 'bus tap e2e in-process, SQLite journal, Hanoi fares';
const THROUGH_PCSCD = 'bus tap e2e through pcscd + vpcd, SQLite journal, Hanoi fares (connect, UID, tap, disconnect)';
const HANOI_FEED_DIR = new URL('../feeds/hanoi/', import.meta.url).pathname;
const HANOI_ROUTE = '01';
/** 2,000,000 VND (the purse maximum) lasts 2,000 taps at this fare. */
const BENCH_PCSCD_FARE_VND = 1_000;

const keyStore = await createTestKeyStore();
const busKeys = (await keyStore.deviceKeys('bus-validator')).keys;
const ports = testPorts({ deviceId: DEVICE_ID, routes: ROUTES });
const reasons: readonly DenyReason[] = ['lost', 'stolen', 'blocked_by_issuer', 'fraud_suspected', 'replaced'];
for (let i = 0; i < DENY_LIST_ENTRIES; i += 1) ports.denyList.deny(cardNumber(1_000_000 + i), reasons[i % reasons.length] ?? 'lost');

let clockMs = Date.parse('2025-09-03T00:00:00Z');
const clock = (): Date => new Date(clockMs);
const stageSamples: Record<string, StageTimings[]> = {};
function benchValidator(name: string, options: { fares: FareEngine; journal: EventJournal; routeId: string }): Validator<void> {
  const samples: StageTimings[] = [];
  stageSamples[name] = samples;
  return createValidator({
    mode: busMode({ fares: options.fares, position: () => ({ routeId: options.routeId, stopId: undefined }), fareMediaId: 'onecard', autoload: false, windows: { recoveryWindowMs: BUS_RECOVERY_WINDOW_MS_DEFAULT, repeatWindowMs: BUS_REPEAT_WINDOW_MS_DEFAULT } }),
    device: { deviceId: DEVICE_ID, operatorId: 'bench' },
    keys: busKeys,
    denyList: ports.denyList,
    actions: ports.actions,
    journal: options.journal,
    clock,
    onOutcome: (outcome: TapOutcome) => {
      if (!outcome.accepted) throw new Error(`bench tap refused: ${outcome.reason ?? 'unknown'}`);
      samples.push(outcome.timingsMs);
    },
  });
}

const feed = await loadFeedFromDirectory(HANOI_FEED_DIR);
if (!feed.ok) throw new Error('the Hanoi feed does not load');
const hanoi = createFareEngine(feed.value);
if (!hanoi.ok) throw new Error(hanoi.message);
const journalDir = mkdtempSync(join(tmpdir(), 'onecard-tap-bench-'));
const sqliteJournal = openJournal({ dir: journalDir, deviceId: DEVICE_ID, signer: journalSignerFromSeed({ keyId: 'bench', seed: new Uint8Array(32).fill(9) }) });

const validator = benchValidator(IN_PROCESS, { fares: ports.fares, journal: ports.journal, routeId: '32' });
const realValidator = benchValidator(IN_PROCESS_REAL, { fares: hanoi.engine, journal: sqliteJournal, routeId: HANOI_ROUTE });

/** CARD_COUNT cards tapped in turn, the clock an hour on per tap (no repeat, no transfer; caps reset daily). */
async function cardPool(firstSerial: number): Promise<{ with: (v: Validator<void>) => () => Promise<void> }> {
  const cards: TestCard[] = [];
  for (let i = 0; i < CARD_COUNT; i += 1) cards.push(await issueCard({ issuer: keyStore.issuer, holder: adultRider(firstSerial + i, { balanceVnd: OPENING_VND }), uid: cardUid(firstSerial + i) }));
  const channels = cards.map((card) => card.tap());
  let next = 0;
  return {
    with: (v: Validator<void>) => async () => {
      const index = next++ % CARD_COUNT;
      clockMs += CLOCK_STEP_MS;
      const card = cards[index] as TestCard;
      await v.tap({ channel: channels[index] ?? card.tap(), uid: card.uid }, undefined);
    },
  };
}
const testPool = await cardPool(1);
const realPool = await cardPool(101);

// The decision alone, on the card view a tap reads.
const sample = { entitlements: { fareCategory: 'adult' as const, fareCategoryValidFrom: '2025-09-01', fareCategoryValidUntil: '2030-08-31', contracts: [] }, fareState: { journeyStartedAt: undefined, transfersUsed: 0, lastTapAt: undefined, lastRouteId: 0, capDay: '2025-09-01', capDaySpentVnd: 0, capMonth: '2025-09', capMonthSpentVnd: 0 }, balanceVnd: 50_000 };
const context = { at: new Date('2025-09-03T01:00:00Z'), routeId: '32', stopId: 'S1', fareMediaId: 'onecard' };
let sink = 0;
let probe = 0;
const probes = Array.from({ length: 4096 }, (_, i) => cardNumber(1_000_000 + i * 487));
const decideWith = (engine: FareEngine, routeId: string) => (): void => {
  probe += 1;
  if (ports.denyList.lookup(probes[probe % probes.length] ?? '') !== undefined) sink += 1;
  const decision = engine.decideBusTap(sample, { ...context, routeId });
  if (decision.ok) sink += decision.amountVnd;
};
if (!hanoi.engine.decideBusTap(sample, { ...context, routeId: HANOI_ROUTE }).ok) throw new Error('the Hanoi engine refuses the bench card');

const tasks: BenchTask[] = [
  { name: DECISION, fn: decideWith(ports.fares, '32') },
  { name: DECISION_HANOI, fn: decideWith(hanoi.engine, HANOI_ROUTE) },
  { name: IN_PROCESS, fn: testPool.with(validator) },
  { name: IN_PROCESS_REAL, fn: realPool.with(realValidator) },
];

let pcscd: { bridge: VpcdBridge; pcsc: PcscClient; readerName: string } | undefined;
if (process.env['ONECARD_PCSC'] === '1') {
  const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(99, { balanceVnd: OPENING_VND }), uid: cardUid(99) });
  const bridge = new VpcdBridge(card.card, { host: process.env['ONECARD_VPCD_HOST'] ?? '127.0.0.1', port: VPCD_SLOT_01_PORT });
  const pcsc = await PcscClient.open();
  const readerName = await pcsc.waitForReader({ readerNamePattern: READER_PATTERN }, { timeoutMs: PCSC_WAIT_TIMEOUT_MS });
  await bridge.connect();
  await pcsc.waitForCard(readerName, { timeoutMs: PCSC_WAIT_TIMEOUT_MS });
  pcscd = { bridge, pcsc, readerName };
  // One card behind vpcd must last the run: the Hanoi decision, charged BENCH_PCSCD_FARE_VND (same APDUs, same journal work).
  const hanoiEngine = hanoi.engine;
  const smallFares: FareEngine = {
    decideBusTap: (card, tapContext) => {
      const decision = hanoiEngine.decideBusTap(card, tapContext);
      return decision.ok && decision.amountVnd > 0 ? { ...decision, amountVnd: BENCH_PCSCD_FARE_VND } : decision;
    },
  };
  const pcscValidator = benchValidator(THROUGH_PCSCD, { fares: smallFares, journal: sqliteJournal, routeId: HANOI_ROUTE });
  const probeChannel: PcscCardChannel = await pcsc.connect(readerName, { protocol: 'any' });
  const uid = await probeChannel.readUid();
  await probeChannel.close();
  if (Buffer.compare(Buffer.from(uid), Buffer.from(card.uid)) !== 0) throw new Error('vpcd slot 01 serves another card; stop its other user and retry');
  tasks.push({
    name: THROUGH_PCSCD,
    fn: async () => {
      clockMs += CLOCK_STEP_MS;
      await tapReaderCard({ validator: pcscValidator, pcsc, readerName, input: undefined });
    },
  });
} else {
  console.log('\nvalidator bench: the pcscd tap was skipped (ONECARD_PCSC is not 1): eval "$(scripts/services/services.sh env)" first.');
}

try {
  const rows = await runBench({ title: 'validator: bus tap', baseline: DECISION, tasks, timeMs: BENCH_TIME_MS });
  for (const name of [DECISION, DECISION_HANOI]) {
    const decision = rows.find((r) => r.name === name);
    if (decision !== undefined) console.log(`\n${name}: median ${(decision.medianUs / 1000).toFixed(4)} ms, p99 ${(decision.p99Us / 1000).toFixed(4)} ms; ${decision.p99Us / 1000 <= DECISION_TARGET_MS ? 'within' : 'ABOVE'} the ${DECISION_TARGET_MS} ms target`);
  }
  const through = rows.find((r) => r.name === THROUGH_PCSCD);
  if (through !== undefined) console.log(`through pcscd: median ${(through.medianUs / 1000).toFixed(3)} ms, p99 ${(through.p99Us / 1000).toFixed(3)} ms; ${through.p99Us / 1000 <= PCSCD_P99_TARGET_MS ? 'within' : 'ABOVE'} the ${PCSCD_P99_TARGET_MS} ms p99 target`);
  for (const [name, samples] of Object.entries(stageSamples)) {
    const stages = Object.keys(samples[0] ?? {}) as (keyof StageTimings)[];
    console.log(`\n${name}: per stage, median over ${samples.length} taps (ms): ` + stages.map((stage) => {
      const values = samples.map((s) => s[stage] ?? 0).sort((a, b) => a - b);
      return `${stage} ${(values[Math.floor(values.length / 2)] ?? 0).toFixed(3)}`;
    }).join(' · '));
  }
} finally {
  if (pcscd !== undefined) {
    await pcscd.bridge.disconnect();
    await pcscd.pcsc.close();
  }
  sqliteJournal.close();
  rmSync(journalDir, { recursive: true, force: true });
  keyStore.close();
}
if (sink === -1) console.log('unreachable');
