/**
 * Target (c): a real DESFire EV2/EV3 card on a real PC/SC reader, chosen by
 * ONECARD_REAL_CARD_READER (a case-insensitive pattern matched against the
 * reader names pcscd reports, e.g. "ACR122" or "OMNIKEY.*CL").
 *
 * Without ONECARD_REAL_CARD_ALLOW_FORMAT=1 the suite only reads (GetVersion,
 * application list, free memory, status answers that change nothing). With
 * it, the suite formats the card at the start of each group and at the end:
 * the card's PICC master key must be the factory DES all-zero key, and
 * everything on the card is lost.
 *
 * A card on a reader cannot be lifted off by software: `reconnect` only
 * reopens the PC/SC link, so the power-cycle tearing case does not run here
 * (the SelectApplication / re-authentication tearing cases do).
 */
import { DesfireClient, PcscClient, type PcscCardChannel } from '@onecard/card-os';
import type { DesfireTarget, DesfireTargetSession } from './target.js';

export const REAL_CARD_READER_ENV = 'ONECARD_REAL_CARD_READER';
export const REAL_CARD_ALLOW_FORMAT_ENV = 'ONECARD_REAL_CARD_ALLOW_FORMAT';
export const REAL_CARD_READER_WAIT_TIMEOUT_MS = 10_000;
/** Time to put the card on the reader after the suite starts. */
export const REAL_CARD_WAIT_TIMEOUT_MS = 30_000;
export const REAL_CARD_TEST_TIMEOUT_MS = 20_000;

export function realCardTarget(options: { readerNamePattern: string; allowFormat: boolean }): DesfireTarget {
  return {
    name: `real card on a reader matching /${options.readerNamePattern}/i`,
    factoryFresh: false,
    destructive: options.allowFormat,
    reconnectPowerCycles: false,
    testTimeoutMs: REAL_CARD_TEST_TIMEOUT_MS,
    open: () => openRealCardSession(new RegExp(options.readerNamePattern, 'i')),
  };
}

async function openRealCardSession(readerNamePattern: RegExp): Promise<DesfireTargetSession> {
  const pcsc = await PcscClient.open();
  let channel: PcscCardChannel | undefined;
  try {
    const readerName = await pcsc.waitForReader({ readerNamePattern }, { timeoutMs: REAL_CARD_READER_WAIT_TIMEOUT_MS });
    await pcsc.waitForCard(readerName, { timeoutMs: REAL_CARD_WAIT_TIMEOUT_MS });
    channel = await pcsc.connect(readerName);
    let client = new DesfireClient(channel);
    return {
      get client() {
        return client;
      },
      async reconnect(): Promise<DesfireClient> {
        await channel?.close();
        channel = await pcsc.connect(readerName);
        client = new DesfireClient(channel);
        return client;
      },
      async close(): Promise<void> {
        await channel?.close().catch(() => undefined);
        await pcsc.close();
      },
    };
  } catch (error: unknown) {
    await channel?.close().catch(() => undefined);
    await pcsc.close();
    throw error;
  }
}
