/**
 * Drives a validator from a PC/SC reader (pcscd + libpcsclite through the
 * card-os transport): wait for a card, connect, take the UID the reader
 * reports (GET DATA, from anticollision: no card APDU), run one tap, release
 * the card and wait for it to leave the field before the next tap, so a card
 * held on the reader is not charged twice.
 */
import { PcscError, type PcscClient } from '@onecard/card-os';
import type { TapOutcome } from './outcome.js';
import type { Validator } from './validator.js';

/** How long one wait for a card lasts before the loop checks whether it should stop. */
export const READER_CARD_WAIT_MS = 1_000;
export const READER_REMOVAL_WAIT_MS = 30_000;

export interface PcscReaderOptions<Input> {
  readonly validator: Validator<Input>;
  readonly pcsc: PcscClient;
  readonly readerName: string;
  /** The per-tap input (canteen amount, library item …), asked for when a card arrives. */
  readonly input: () => Input;
  readonly signal: AbortSignal;
  /** Reader-level failures (not tap outcomes: those go to the validator's onOutcome). */
  readonly onReaderError?: (error: PcscError) => void;
}

/** One tap on the card now on the reader; rejects with PcscError when it cannot connect. */
export async function tapReaderCard<Input>(options: { validator: Validator<Input>; pcsc: PcscClient; readerName: string; input: Input }): Promise<TapOutcome> {
  const channel = await options.pcsc.connect(options.readerName, { protocol: 'any' });
  try {
    const uid = await channel.readUid();
    return await options.validator.tap({ channel, uid }, options.input);
  } finally {
    await channel.close();
  }
}

export async function runPcscReader<Input>(options: PcscReaderOptions<Input>): Promise<void> {
  while (!options.signal.aborted) {
    try {
      await options.pcsc.waitForCard(options.readerName, { timeoutMs: READER_CARD_WAIT_MS });
    } catch (error: unknown) {
      if (error instanceof PcscError && error.code === 'timeout') continue;
      throw error;
    }
    try {
      await tapReaderCard({ validator: options.validator, pcsc: options.pcsc, readerName: options.readerName, input: options.input() });
      await options.pcsc.waitForCardRemoved(options.readerName, { timeoutMs: READER_REMOVAL_WAIT_MS });
    } catch (error: unknown) {
      if (!(error instanceof PcscError)) throw error;
      options.onReaderError?.(error);
    }
  }
}
