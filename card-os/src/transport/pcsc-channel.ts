/**
 * One shared-mode PC/SC connection to the card on one reader. APDUs are sent
 * one at a time, in order, through a bounded queue.
 */
import { Buffer } from 'node:buffer';
import type { CardChannel } from './types.js';
import type { PcscReaderBackend } from './pcsc-backend.js';
import { PcscError, pcscErrorFrom } from './pcsc-errors.js';

export const PCSC_TRANSMIT_TIMEOUT_MS_DEFAULT = 5_000;
/** close() waits this long for the APDU in flight and then for SCardDisconnect. */
export const PCSC_CLOSE_TIMEOUT_MS_DEFAULT = 5_000;
/** ISO/IEC 7816-4 extended APDU: 4 header + 3 Lc + 65535 data + 2 Le. */
export const PCSC_COMMAND_APDU_BYTES_MAX = 4 + 3 + 65_535 + 2;
/** Extended Le (65536 data) + SW1 SW2: the receive buffer handed to SCardTransmit. */
export const PCSC_RESPONSE_APDU_BYTES_MAX = 65_536 + 2;
export const PCSC_COMMAND_APDU_BYTES_MIN = 4;
/** APDUs queued on one channel while the previous one is in flight. */
export const PCSC_TRANSMIT_QUEUE_LENGTH_MAX = 32;
/** PC/SC Part 3 GET DATA, UID (P1 = 00), Le = 00. */
export const PCSC_GET_UID_APDU: Uint8Array = Uint8Array.of(0xff, 0xca, 0x00, 0x00, 0x00);
const SW_SUCCESS = 0x9000;
const UID_BYTES_ALLOWED: readonly number[] = [4, 7, 10];

export interface PcscCardChannel extends CardChannel {
  readonly readerName: string;
  /** Negotiated protocol as PC/SC numbers it (T=0: 1, T=1: 2). */
  readonly protocol: number;
  /** Sends one APDU; `timeoutMs` (default PCSC_TRANSMIT_TIMEOUT_MS_DEFAULT) bounds the wait. */
  transmit(commandApdu: Uint8Array, options?: { timeoutMs?: number }): Promise<Uint8Array>;
  /** PC/SC GET DATA `FF CA 00 00 00`: the card's UID (never logged by this module). */
  readUid(): Promise<Uint8Array>;
  /** SCardDisconnect leaving the card powered; a card already gone is not an error. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

export interface PcscChannelHooks {
  /** True once the client saw the card leave (or the reader go). */
  readonly isRemoved: () => boolean;
  /** Called once the connection is released. */
  readonly onClose: () => void;
}

export function createPcscChannel(readerName: string, backend: PcscReaderBackend, protocol: number, hooks: PcscChannelHooks): PcscCardChannel {
  return new Channel(readerName, backend, protocol, hooks);
}

class Channel implements PcscCardChannel {
  readonly readerName: string;
  readonly protocol: number;
  readonly #backend: PcscReaderBackend;
  readonly #hooks: PcscChannelHooks;
  #tail: Promise<unknown> = Promise.resolve();
  #queuedCount = 0;
  #closed = false;

  constructor(readerName: string, backend: PcscReaderBackend, protocol: number, hooks: PcscChannelHooks) {
    this.readerName = readerName;
    this.protocol = protocol;
    this.#backend = backend;
    this.#hooks = hooks;
  }

  transmit(commandApdu: Uint8Array, options: { timeoutMs?: number } = {}): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new PcscError('closed', 'channel is closed'));
    if (this.#hooks.isRemoved()) return Promise.reject(new PcscError('card_removed', 'card was removed'));
    if (commandApdu.length < PCSC_COMMAND_APDU_BYTES_MIN || commandApdu.length > PCSC_COMMAND_APDU_BYTES_MAX) {
      return Promise.reject(new RangeError(`command APDU must be ${PCSC_COMMAND_APDU_BYTES_MIN}..${PCSC_COMMAND_APDU_BYTES_MAX} bytes`));
    }
    if (this.#queuedCount >= PCSC_TRANSMIT_QUEUE_LENGTH_MAX) return Promise.reject(new PcscError('queue_full', 'too many APDUs queued on this channel'));
    const timeoutMs = options.timeoutMs ?? PCSC_TRANSMIT_TIMEOUT_MS_DEFAULT;
    const data = Buffer.from(commandApdu);
    this.#queuedCount++;
    // The native call cannot be cancelled: the queue advances when it returns, even after a timeout.
    const native = this.#tail.then(() => new Promise<Uint8Array>((resolve, reject) => {
      this.#backend.transmit(data, PCSC_RESPONSE_APDU_BYTES_MAX, this.protocol, (error, response) => {
        this.#queuedCount--;
        if (error !== null && error !== undefined) reject(pcscErrorFrom(error, 'transmit_failed', 'SCardTransmit'));
        else if (response.length < 2) reject(new PcscError('transmit_failed', 'response APDU shorter than a status word'));
        else resolve(Uint8Array.from(response));
      });
    }));
    this.#tail = native.catch(() => undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { reject(new PcscError('timeout', `SCardTransmit did not finish within ${timeoutMs} ms`)); }, timeoutMs);
      void native.then(resolve, reject).finally(() => { clearTimeout(timer); });
    });
  }

  async readUid(): Promise<Uint8Array> {
    const response = await this.transmit(PCSC_GET_UID_APDU);
    const sw = ((response[response.length - 2] ?? 0) << 8) | (response[response.length - 1] ?? 0);
    const uid = response.subarray(0, response.length - 2);
    if (sw !== SW_SUCCESS || !UID_BYTES_ALLOWED.includes(uid.length)) {
      throw new PcscError('uid_unavailable', `GET DATA (UID) answered SW ${sw.toString(16).padStart(4, '0')} with ${uid.length} data bytes`);
    }
    return uid;
  }

  /** SCardDisconnect, leaving the card as it is. Idempotent; a card already gone is not an error. */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const timeoutMs = options.timeoutMs ?? PCSC_CLOSE_TIMEOUT_MS_DEFAULT;
    // Let the APDU in flight finish first (pcsclite serialises disconnect behind it anyway).
    await settledWithin(this.#tail, timeoutMs);
    const disconnected = new Promise<void>((resolve, reject) => {
      this.#backend.disconnect(this.#backend.SCARD_LEAVE_CARD, (error) => {
        this.#hooks.onClose();
        if (error === null || error === undefined) { resolve(); return; }
        const failure = pcscErrorFrom(error, 'disconnect_failed', 'SCardDisconnect');
        if (failure.code === 'card_removed' || failure.code === 'no_card') resolve();
        else reject(failure);
      });
    });
    if (!(await settledWithin(disconnected, timeoutMs))) {
      throw new PcscError('timeout', `SCardDisconnect did not finish within ${timeoutMs} ms`);
    }
    await disconnected;
  }
}

/** True when `promise` settled (either way) within `timeoutMs`. */
async function settledWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => { timer = setTimeout(() => { resolve(false); }, timeoutMs); });
  try {
    return await Promise.race([promise.then(() => true, () => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}
