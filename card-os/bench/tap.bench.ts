/**
 * `npm run bench -w card-os`: one full bus tap (tap-card.ts) on a
 * personalised emulated card, host library ↔ card,
 *   - in-process (InProcessChannel): target ≤ 1 ms median;
 *   - through the real pcscd (VpcdBridge → vpcd → pcscd → libpcsclite →
 *     PcscCardChannel) when ONECARD_PCSC=1: target ≤ 5 ms median;
 * and, as the baseline, just the AES work the tap needs (16 single-block
 * ecbEncrypt + 28 CMACs of the tap's MAC input lengths), so the ratio says
 * how much the tap costs beyond its cryptography.
 */
import { aesCmac, ecbEncrypt, equalBytes } from '@onecard/keys';
import { runBench, type BenchTask } from '@onecard/keys/bench';
import { DesfireClient, InProcessChannel, PcscClient, VpcdBridge, type PcscCardChannel } from '../src/index.js';
import { TAP_AES_BLOCK_OPERATIONS, TAP_CMAC_INPUTS, busTap, personalisedTapCard } from './tap-card.js';

const BASELINE = 'AES work of one tap (16 blocks + 28 CMACs)';
const IN_PROCESS = 'bus tap, in-process';
const THROUGH_PCSCD = 'bus tap, through pcscd + vpcd';
const IN_PROCESS_TARGET_MS = 1;
const PCSCD_TARGET_MS = 5;
/** services.sh: vpcd slot 00 01 (the pcscd smoke test uses 00 00). */
const VPCD_SLOT_0_PORT = 40_059;
const VPCD_SLOT = 1;
const READER_PATTERN = /(vpcd|virtual pcd) 00 01$/i;
const PCSC_WAIT_TIMEOUT_MS = 5_000;
const BENCH_TIME_MS = 1_000;

const key = new Uint8Array(16).fill(0x2b);
const block = new Uint8Array(16).fill(0x6c);
let sink = 0;
const aesWorkOfOneTap = (): void => {
  for (let i = 0; i < TAP_AES_BLOCK_OPERATIONS; i++) sink ^= ecbEncrypt('aes128', key, block)[0] ?? 0;
  for (const input of TAP_CMAC_INPUTS) sink ^= aesCmac(key, input)[0] ?? 0;
};

const inProcessCard = await personalisedTapCard();
const inProcessClient = new DesfireClient(new InProcessChannel(inProcessCard).tap());
const tasks: BenchTask[] = [
  { name: BASELINE, fn: aesWorkOfOneTap },
  // An `async` function: tinybench then awaits it without a probe call (a probe would overlap two taps).
  { name: IN_PROCESS, fn: async () => { await busTap(inProcessClient); } },
];

const env = process.env;
let pcscd: { bridge: VpcdBridge; pcsc: PcscClient; channel: PcscCardChannel } | undefined;
if (env['ONECARD_PCSC'] === '1') {
  const card = await personalisedTapCard();
  const port = Number(env['ONECARD_VPCD_PORT'] ?? VPCD_SLOT_0_PORT) + VPCD_SLOT;
  const bridge = new VpcdBridge(card, { host: env['ONECARD_VPCD_HOST'] ?? '127.0.0.1', port });
  const pcsc = await PcscClient.open();
  const readerName = await pcsc.waitForReader({ readerNamePattern: READER_PATTERN }, { timeoutMs: PCSC_WAIT_TIMEOUT_MS });
  await bridge.connect();
  await pcsc.waitForCard(readerName, { timeoutMs: PCSC_WAIT_TIMEOUT_MS });
  const channel = await pcsc.connect(readerName, { protocol: 'T1' });
  pcscd = { bridge, pcsc, channel };
  // vpcd queues a second connection to a busy slot: make sure the reader shows our card.
  if (!equalBytes(await channel.readUid(), card.image.uid)) {
    await channel.close();
    await bridge.disconnect();
    await pcsc.close();
    throw new Error(`vpcd port ${port} is serving another card; stop the other user of slot 00 01 and retry`);
  }
  const client = new DesfireClient(channel);
  tasks.push({ name: THROUGH_PCSCD, fn: async () => { await busTap(client); } });
} else {
  console.log('\ncard-os bench: the pcscd tap was skipped (ONECARD_PCSC is not 1). To run it:');
  console.log('  scripts/services/services.sh start && eval "$(scripts/services/services.sh env)" && npm run bench -w card-os');
}

try {
  const rows = await runBench({ title: 'card-os: one bus tap (select, EV2 auth, 2 MAC reads, debit, full write record, commit)', baseline: BASELINE, tasks, timeMs: BENCH_TIME_MS });
  console.log('');
  for (const [name, targetMs] of [[IN_PROCESS, IN_PROCESS_TARGET_MS], [THROUGH_PCSCD, PCSCD_TARGET_MS]] as const) {
    const row = rows.find((r) => r.name === name);
    if (row === undefined) continue;
    const medianMs = row.medianUs / 1000;
    const verdict = medianMs <= targetMs ? 'within' : 'ABOVE';
    console.log(`${name}: median ${medianMs.toFixed(3)} ms, p99 ${(row.p99Us / 1000).toFixed(3)} ms, ${row.ratioToBaseline.toFixed(1)}× its AES work; ${verdict} the ${targetMs} ms target`);
  }
} finally {
  await pcscd?.channel.close();
  await pcscd?.bridge.disconnect();
  await pcscd?.pcsc.close();
}
if (sink === -1) console.log('unreachable');
