/**
 * The card profile through the real PC/SC stack: an emulated card goes into
 * vsmartcard's vpcd (slot "… vpcd 00 00", port 40059 under
 * scripts/services/services.sh) through VpcdBridge, and is personalised and
 * read through pcscd, libpcsclite and PcscCardChannel, as an encoding
 * station and a validator would. One personalisation is interrupted by
 * taking the card out of the reader mid-way, then resumed on the next tap.
 *
 * The pcscd smoke test (conformance-tests) uses the same slot: this file
 * waits until the reader is empty, and checks the card it sees is its own
 * (GET DATA UID) before sending anything. Run the two serially if they meet.
 */
import { equalBytes } from '@onecard/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { DesfireCard } from '../src/emulator/card.js';
import { DesfireClient } from '../src/host/client.js';
import { registerProfileCommands } from '../src/cli/profile-commands.js';
import { applicationsInHolder, buildPlan, type PlanStep } from '../src/profile/personalise/plan.js';
import { runPlan } from '../src/profile/personalise/runner.js';
import { inspectCard } from '../src/profile/inspect/inspect-card.js';
import type { ProfileKeySource } from '../src/profile/keys/key-source.js';
import { vpcdReaderPattern, VPCD_BASE_PORT } from '../src/profile/tools/card-link.js';
import { PcscClient } from '../src/transport/pcsc.js';
import type { PcscCardChannel } from '../src/transport/pcsc-channel.js';
import type { CardChannel } from '../src/transport/types.js';
import { VpcdBridge } from '../src/transport/vpcd.js';
import { cachedKeySource, createTestKeys, sampleHolder, TEST_ISSUED_AT, TEST_PASSPHRASE, type TestKeys } from '../src/profile/testing/fixtures.js';

const env = process.env;
const VPCD_HOST = env['ONECARD_VPCD_HOST'] ?? '127.0.0.1';
const VPCD_PORT = env['ONECARD_VPCD_PORT'] === undefined ? VPCD_BASE_PORT : Number(env['ONECARD_VPCD_PORT']);
const CARD_EVENT_TIMEOUT_MS = 5_000;
/** How long to wait for another suite to give the slot back. */
const READER_FREE_TIMEOUT_MS = 60_000;
const INSERT_ATTEMPTS_MAX = 5;
const PCSCD_TEST_TIMEOUT_MS = 120_000;
/** Where the pulled-away personalisation stops: inside the transit application's steps. */
const CUT_AFTER_APDU_COUNT = 90;

class Rig {
  readonly card = DesfireCard.open({ onInternalError: (error) => { throw error; } });
  readonly bridge = new VpcdBridge(this.card, { host: VPCD_HOST, port: VPCD_PORT });
  channel: PcscCardChannel | undefined;
  constructor(readonly pcsc: PcscClient, readonly readerName: string) {}

  /** Tap: waits for an empty reader, connects, and checks that the card in the reader is this one. */
  async insert(): Promise<PcscCardChannel> {
    for (let attempt = 0; attempt < INSERT_ATTEMPTS_MAX; attempt++) {
      await this.pcsc.waitForCardRemoved(this.readerName, { timeoutMs: READER_FREE_TIMEOUT_MS });
      await this.bridge.connect();
      await this.pcsc.waitForCard(this.readerName, { timeoutMs: CARD_EVENT_TIMEOUT_MS });
      const channel = await this.pcsc.connect(this.readerName, { protocol: 'T1' });
      if (equalBytes(await channel.readUid(), this.card.image.uid)) {
        this.channel = channel;
        return channel;
      }
      await channel.close();
      await this.bridge.disconnect();
    }
    throw new Error('the vpcd slot stays busy with another card');
  }

  async remove(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
    this.channel = undefined;
    await this.bridge.disconnect();
    await this.pcsc.waitForCardRemoved(this.readerName, { timeoutMs: CARD_EVENT_TIMEOUT_MS });
  }
}

/** Pulls the card out of the reader once `cutAfter` APDUs went through. */
function pullingChannel(rig: Rig, channel: CardChannel, cutAfter: number): CardChannel {
  let count = 0;
  return {
    async transmit(apdu) {
      count += 1;
      if (count > cutAfter) {
        await rig.remove();
        throw new Error('card pulled');
      }
      return channel.transmit(apdu);
    },
    close: () => channel.close(),
  };
}

describe.skipIf(env['ONECARD_PCSC'] !== '1')('card profile through pcscd + vpcd', () => {
  let keys: TestKeys;
  let source: ProfileKeySource;
  let pcsc: PcscClient;
  let readerName: string;
  let steps: readonly PlanStep[];

  beforeAll(async () => {
    keys = await createTestKeys();
    source = cachedKeySource(keys.source);
    const holder = sampleHolder();
    const plan = buildPlan({ holder, applications: applicationsInHolder(holder), issuedAt: TEST_ISSUED_AT, stationId: 9 });
    if (!plan.ok) throw new Error('plan');
    steps = plan.steps;
    pcsc = await PcscClient.open();
    readerName = await pcsc.waitForReader({ readerNamePattern: vpcdReaderPattern(VPCD_PORT) ?? /$^/ }, { timeoutMs: CARD_EVENT_TIMEOUT_MS });
  }, PCSCD_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await pcsc.close();
    keys.close();
  });

  it('personalises a factory card and reads every application back', async () => {
    const rig = new Rig(pcsc, readerName);
    try {
      const channel = await rig.insert();
      const startMs = performance.now();
      const outcome = await runPlan({ client: new DesfireClient(channel), keys: source, steps });
      // Reported, not asserted: timings on shared machines are noise.
      console.log(`personalisation through pcscd (nodelay=${env['ONECARD_PCSC_NODELAY'] ?? '?'}): ${(performance.now() - startMs).toFixed(0)} ms`);
      expect(outcome.ok).toBe(true);
      await rig.remove();
      const again = await rig.insert();
      const inspection = await inspectCard(new DesfireClient(again), source);
      expect(inspection.ok).toBe(true);
      if (!inspection.ok) return;
      expect(inspection.value.identity).toMatchObject({ ok: true, value: { cardNumber: '9704000000000018' } });
      expect(inspection.value.transit.tap).toMatchObject({ ok: true, value: { balanceVnd: 50_000 } });
      expect(inspection.value.health).toMatchObject({ ok: true, value: { insurance: { insuranceNumber: 'HS4010123456789' } } });
      expect(inspection.value.civil.credential).toMatchObject({ ok: true, value: { loginAccount: 'nguyen.van.an' } });
    } finally {
      await rig.remove().catch(() => undefined);
    }
  }, PCSCD_TEST_TIMEOUT_MS);

  it('resumes a personalisation after the card was pulled out of the reader', async () => {
    const rig = new Rig(pcsc, readerName);
    try {
      const channel = await rig.insert();
      const first = await runPlan({ client: new DesfireClient(pullingChannel(rig, channel, CUT_AFTER_APDU_COUNT)), keys: source, steps });
      expect(first).toMatchObject({ ok: false, failure: { code: 'link_lost' } });
      const resumed = await runPlan({ client: new DesfireClient(await rig.insert()), keys: source, steps });
      expect(resumed.ok).toBe(true);
      expect(resumed.steps.some((s) => s.action === 'already-done')).toBe(true);
      expect(resumed.steps.some((s) => s.action === 'applied')).toBe(true);
    } finally {
      await rig.remove().catch(() => undefined);
    }
  }, PCSCD_TEST_TIMEOUT_MS);

  it('card-os inspect --vpcd prints the card through pcscd', async () => {
    const rig = new Rig(pcsc, readerName);
    try {
      expect((await runPlan({ client: new DesfireClient(await rig.insert()), keys: source, steps })).ok).toBe(true);
      await rig.channel?.close();
      rig.channel = undefined;
      let stdout = '';
      const program = new Command('card-os').exitOverride();
      registerProfileCommands(program, { io: { stdout: (t) => { stdout += t; }, stderr: () => undefined, env: { ONECARD_KEYSTORE_PASSPHRASE: TEST_PASSPHRASE } }, cwd: keys.dir, clock: () => new Date() });
      await program.parseAsync(['inspect', '--vpcd', `${VPCD_HOST}:${VPCD_PORT}`, '--keystore', `${keys.dir}/keystore.json`, '--weak-kdf-for-testing', '--role', 'bus-validator', '--lang', 'en'], { from: 'user' });
      expect(stdout).toContain('Balance: 50,000 VND');
      expect(stdout).toContain('Card number: 9704 0000 0000 0018');
      expect(stdout).not.toContain('HS4010123456789');
    } finally {
      await rig.remove().catch(() => undefined);
    }
  }, PCSCD_TEST_TIMEOUT_MS);
});
