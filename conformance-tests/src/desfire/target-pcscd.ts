/**
 * Target (b): the emulator behind the real pcscd. The card goes into
 * vsmartcard's vpcd (reader slot "… vpcd 00 01", TCP port 40060 under
 * scripts/services/services.sh; the pcscd smoke test uses slot 00 00)
 * through VpcdBridge, and the suite talks to it through libpcsclite:
 * PcscClient → PcscCardChannel → DesfireClient, as a validator talks to a
 * real card.
 *
 * vpcd serves one connection per slot and queues the next until the first
 * has gone, and other suites (the libfreefare interop suite) use slot 00 01
 * too. So every insertion waits, bounded, until vpcd actually talks to this
 * card (its first control frame), and then checks that the card in the
 * reader is ours (GET DATA UID) before anything runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DesfireCard, DesfireClient, PcscClient, PcscError, VpcdBridge, VpcdError, type PcscCardChannel } from '@onecard/card-os';
import { equalBytes } from '@onecard/keys';
import type { DesfireTarget, DesfireTargetSession } from './target.js';

/** services.sh: vpcd listens on 40059 (slot 00 00) and 40060 (slot 00 01). */
export const VPCD_PORT_SLOT_0 = 40_059;
export const CONFORMANCE_VPCD_SLOT = 1;
export const CONFORMANCE_READER_PATTERN = /(vpcd|virtual pcd) 00 01$/i;
/** pcscd polls vpcd for presence every ~400 ms; leave room for a loaded 2-core CI machine. */
export const PCSC_CARD_EVENT_TIMEOUT_MS = 5_000;
/** How long an insertion waits for another process to release the slot. */
export const SLOT_WAIT_TIMEOUT_MS = 60_000;
export const SLOT_POLL_INTERVAL_MS = 20;
export const PCSCD_TEST_TIMEOUT_MS = SLOT_WAIT_TIMEOUT_MS + 15_000;

export interface PcscdTargetOptions {
  readonly host: string;
  readonly port: number;
  readonly readerNamePattern: RegExp;
  readonly onInternalError: (error: unknown) => void;
}

/** Options from the environment services.sh exports (ONECARD_VPCD_HOST, ONECARD_VPCD_PORT = slot 0's port). */
export function pcscdTargetOptionsFromEnv(env: Readonly<Record<string, string | undefined>>, onInternalError: (error: unknown) => void): PcscdTargetOptions {
  const slot0Port = env['ONECARD_VPCD_PORT'] === undefined ? VPCD_PORT_SLOT_0 : Number(env['ONECARD_VPCD_PORT']);
  return { host: env['ONECARD_VPCD_HOST'] ?? '127.0.0.1', port: slot0Port + CONFORMANCE_VPCD_SLOT, readerNamePattern: CONFORMANCE_READER_PATTERN, onInternalError };
}

export function pcscdTarget(options: PcscdTargetOptions): DesfireTarget {
  return {
    name: 'emulator behind pcscd (vpcd slot 00 01)',
    factoryFresh: true,
    destructive: true,
    reconnectPowerCycles: true,
    testTimeoutMs: PCSCD_TEST_TIMEOUT_MS,
    open: () => openPcscdSession(options),
  };
}

interface Inserted {
  readonly bridge: VpcdBridge;
  readonly channel: PcscCardChannel;
}

async function openPcscdSession(options: PcscdTargetOptions): Promise<DesfireTargetSession> {
  const card = DesfireCard.open({ onInternalError: options.onInternalError });
  const pcsc = await PcscClient.open();
  const timeout = { timeoutMs: PCSC_CARD_EVENT_TIMEOUT_MS };
  let inserted: Inserted | undefined;
  const remove = async (): Promise<void> => {
    await inserted?.channel.close().catch(() => undefined);
    await inserted?.bridge.disconnect();
    inserted = undefined;
  };
  try {
    const readerName = await pcsc.waitForReader({ readerNamePattern: options.readerNamePattern }, timeout);
    const insert = async (): Promise<Inserted> => {
      const bridge = new VpcdBridge(card, { host: options.host, port: options.port });
      await connectUntilServed(bridge, `vpcd at ${options.host}:${options.port}`);
      await pcsc.waitForCard(readerName, timeout);
      const channel = await pcsc.connect(readerName, { protocol: 'T1' });
      inserted = { bridge, channel };
      if (!equalBytes(await channel.readUid(), card.image.uid)) throw new Error(`reader ${readerName} shows another card than the one served on port ${options.port}`);
      return inserted;
    };
    let client = new DesfireClient((await insert()).channel);
    return {
      get client() {
        return client;
      },
      async reconnect(): Promise<DesfireClient> {
        await remove();
        // Another process may take the slot at once; then pcscd never reports it empty.
        await pcsc.waitForCardRemoved(readerName, timeout).catch((error: unknown) => {
          if (!(error instanceof PcscError && error.code === 'timeout')) throw error;
        });
        client = new DesfireClient((await insert()).channel);
        return client;
      },
      async close(): Promise<void> {
        await remove();
        await pcsc.close();
      },
    };
  } catch (error: unknown) {
    await remove();
    await pcsc.close();
    throw error;
  }
}

/** Connects and waits until vpcd sends this card its first frame (the slot may be held by another process). */
async function connectUntilServed(bridge: VpcdBridge, where: string): Promise<void> {
  const deadlineMs = performance.now() + SLOT_WAIT_TIMEOUT_MS;
  for (;;) {
    try {
      await bridge.connect();
      break;
    } catch (error: unknown) {
      // vpcd's backlog is full while another process holds the slot: try again.
      if (!(error instanceof VpcdError) || error.code !== 'connect_timeout' || performance.now() >= deadlineMs) throw error;
    }
  }
  while (bridge.counters.controlCount + bridge.counters.apduCount === 0) {
    if (bridge.state !== 'connected' || performance.now() >= deadlineMs) {
      await bridge.disconnect();
      throw new Error(`${where} did not serve the card within ${SLOT_WAIT_TIMEOUT_MS} ms (another process holds slot 00 01?)`);
    }
    await sleep(SLOT_POLL_INTERVAL_MS);
  }
}
