/**
 * `validator run` through the real PC/SC stack: pcscd with the vpcd slot 01
 * reader ("OneCard vpcd 00 01", port 40060), an emulated card put into it by
 * the in-process vpcd bridge, the device reading it through runPcscReader.
 * Runs only with ONECARD_PCSC=1 (CI sets it; here:
 * `eval "$(scripts/services/services.sh env)"`). Slot 00 is not touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VpcdBridge } from '@onecard/card-os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK, runCli } from '../src/cli/main.js';
import { TestClearingHouse, writeDeviceFiles } from '../src/runtime/testing/device-files.js';
import { createTestKeyStore, issueCard, type TestCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { adultRider, cardUid } from '../src/tap/testing/holders.js';

const PCSC_ENABLED = process.env['ONECARD_PCSC'] === '1';
const VPCD_SLOT_01_PORT = 40060;
const READER_NAME = 'OneCard vpcd 00 01';
const DEVICE_ID = 6161;
const WAIT_STEP_MS = 25;
const WAIT_MS_MAX = 15_000;

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let waitedMs = 0; !check(); waitedMs += WAIT_STEP_MS) {
    if (waitedMs > WAIT_MS_MAX) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

describe.skipIf(!PCSC_ENABLED)('validator run through pcscd (vpcd slot 01)', () => {
  let keyStore: TestKeyStore;
  let card: TestCard;
  let dir: string;
  let house: TestClearingHouse;
  beforeAll(async () => {
    keyStore = await createTestKeyStore();
    card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(6001, { balanceVnd: 50_000 }), uid: cardUid(6001) });
    dir = mkdtempSync(join(tmpdir(), 'onecard-cli-pcsc-'));
    house = await TestClearingHouse.start({ deviceId: DEVICE_ID });
  });
  afterAll(async () => {
    await house.stop();
    keyStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('charges a card put on the reader, journals it, syncs it, and stops on the signal', async () => {
    const configPath = await writeDeviceFiles({
      dir,
      store: keyStore.store,
      role: 'bus-validator',
      deviceId: DEVICE_ID,
      mode: { kind: 'bus', routeId: '01', fareFeedDir: new URL('../feeds/hanoi/', import.meta.url).pathname },
      overrides: { reader: { kind: 'pcsc', name: READER_NAME }, clearingHouse: { baseUrl: house.baseUrl, intervalMs: 1_000 } },
    });
    const stop = new AbortController();
    let stdout = '';
    let stderr = '';
    const running = runCli(['run', '--config', configPath], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, stopSignal: stop.signal });
    const bridge = new VpcdBridge(card.card, { host: process.env['ONECARD_VPCD_HOST'] ?? '127.0.0.1', port: VPCD_SLOT_01_PORT });
    try {
      await waitFor(() => stdout.includes(`reader: ${READER_NAME}`) || stdout.includes('stopped'), 'the reader');
      await bridge.connect();
      await waitFor(() => stdout.includes('12,000'), 'the first tap');
      expect(stdout).toContain('✔ OK');
      // The card is taken away and put back at once: the same ride, not a second fare.
      await bridge.disconnect();
      await bridge.connect();
      await waitFor(() => (stdout.match(/Card: •••• /g) ?? []).length >= 2, 'the second tap');
      // The sync loop (1 s interval) uploads both taps.
      await waitFor(() => house.batches.events.length >= 2, 'the upload');
    } finally {
      stop.abort();
      await bridge.disconnect().catch(() => undefined);
    }
    expect(await running).toBe(EXIT_OK);
    expect(stderr).toBe('');
    expect(house.batches.events.map((e) => [e.seq, e.kind, e.amountVnd])).toEqual([[1, 'fare', 12_000], [2, 'recovery', 0]]);
    expect(house.batches.events[1]?.reason).toBe('repeat_tap');
    const status = await runCli(['status', '--config', configPath], { stdout: (t) => { stdout = t; }, stderr: () => undefined });
    expect(status).toBe(EXIT_OK);
    expect(JSON.parse(stdout)).toMatchObject({ journal: { lastSeq: 2, unacknowledgedEventCount: 0 } });
  });
});
