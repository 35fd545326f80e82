/**
 * Opens the card a profile command works on: an emulated card kept in a
 * state file (in-process, tearing-safe), or a card in a PC/SC reader (a
 * real card, or an emulated one that `card-os serve --vpcd` put behind
 * pcscd). For `--vpcd HOST:PORT` the reader is the vpcd slot listening on
 * that port: vsmartcard vpcd serves slot n on base port + n and pcscd names
 * it "… 00 0n" (scripts/services/services.sh: 40059 → "OneCard vpcd 00 00").
 */
import { openCardWithStateFile } from '../../emulator/index.js';
import { InProcessChannel } from '../../transport/in-process.js';
import { PcscClient } from '../../transport/pcsc.js';
import type { CardChannel } from '../../transport/types.js';

/** vpcd's first slot under scripts/services (reader.conf CHANNELID 0x9C7B). */
export const VPCD_BASE_PORT = 40_059;
/** vpcd serves at most this many slots per CHANNELID (vsmartcard vpcd: VPCD_MAXREADERS). */
export const VPCD_SLOT_COUNT_MAX = 2;
export const READER_WAIT_TIMEOUT_MS = 5_000;
export const CARD_WAIT_TIMEOUT_MS = 15_000;

export type CardTarget =
  | { readonly kind: 'state'; readonly imagePath: string }
  | { readonly kind: 'reader'; readonly readerName: string }
  | { readonly kind: 'vpcd'; readonly port: number };

export interface CardLink {
  readonly channel: CardChannel;
  close(): Promise<void>;
}

/** The pcscd reader name pattern of the vpcd slot on `port`, or undefined when the port is not a vpcd slot. */
export function vpcdReaderPattern(port: number): RegExp | undefined {
  const slot = port - VPCD_BASE_PORT;
  if (!Number.isInteger(slot) || slot < 0 || slot >= VPCD_SLOT_COUNT_MAX) return undefined;
  return new RegExp(`(vpcd|virtual pcd) 00 ${slot.toString(16).padStart(2, '0')}$`, 'i');
}

export async function openCardLink(target: CardTarget, options: { onInternalError: (error: unknown) => void }): Promise<CardLink> {
  if (target.kind === 'state') {
    const card = openCardWithStateFile({ imagePath: target.imagePath, onInternalError: options.onInternalError });
    const channel = new InProcessChannel(card).tap();
    return { channel, close: () => channel.close() };
  }
  const pcsc = await PcscClient.open();
  try {
    const selector = target.kind === 'reader' ? { readerName: target.readerName } : { readerNamePattern: vpcdReaderPattern(target.port) ?? /$^/ };
    const readerName = await pcsc.waitForReader(selector, { timeoutMs: READER_WAIT_TIMEOUT_MS });
    await pcsc.waitForCard(readerName, { timeoutMs: CARD_WAIT_TIMEOUT_MS });
    const channel = await pcsc.connect(readerName, { protocol: 'any' });
    return {
      channel,
      close: async () => {
        await channel.close();
        await pcsc.close();
      },
    };
  } catch (error: unknown) {
    await pcsc.close();
    throw error;
  }
}
