/**
 * A factory-fresh emulated DESFire EV2 in a vpcd reader slot of the real
 * pcscd: what a third-party host stack (libnfc + libfreefare, pcsc-tools …)
 * sees as a real card on a PC/SC reader. serve-card.ts runs one by hand; the
 * interop tests run it in-process, so they can look at the card they drive.
 *
 * vpcd serves one connection per slot; the kernel queues a second one (or,
 * once vpcd's small backlog is full, lets the connect time out) and vpcd
 * only serves it when the first has gone. `serveCard` therefore retries a
 * timed-out connect and waits (bounded) until vpcd actually talks to this
 * card before it resolves.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DesfireCard, VpcdBridge, VpcdError, type CardStore, type VpcdSessionEnd } from '@onecard/card-os';
import { tracedCard, type ApduExchange } from './apdu-trace.js';

/** services.sh: vpcd slot 00 00 listens on 40059, slot 00 01 on 40060. */
export const VPCD_PORT_SLOT_0_DEFAULT = 40_059;
export const VPCD_HOST_DEFAULT = '127.0.0.1';
/** pcscd asks vpcd for the card's ATR every ~400 ms; a slot held by another process is released when that one is done. */
export const SERVED_TIMEOUT_MS_DEFAULT = 60_000;
export const SERVED_POLL_INTERVAL_MS = 20;
/** Pause between connects that timed out because the slot's backlog is full. */
export const CONNECT_RETRY_INTERVAL_MS = 500;
/** Internal errors (emulator bugs answered 6F 00) kept for the test to report. */
export const INTERNAL_ERRORS_KEPT_MAX = 16;

export type ServeCardErrorCode = 'slot_busy' | 'aborted';

/** The slot did not serve this card in time. Names host and port, never the card's UID. */
export class ServeCardError extends Error {
  override readonly name = 'ServeCardError';
  readonly code: ServeCardErrorCode;
  constructor(code: ServeCardErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface ServeCardOptions {
  readonly host: string;
  readonly port: number;
  /** 7 bytes, first byte 04: libnfc and libfreefare only take NXP UIDs. */
  readonly uid: Uint8Array;
  readonly servedTimeoutMs?: number;
  /** Sees every exchange (diagnosis of a disagreement; interop test cards only). */
  readonly onExchange?: (exchange: ApduExchange) => void;
  readonly onSessionEnd?: (end: VpcdSessionEnd) => void;
  /** Aborting it stops the wait for the slot (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Where the card's image lives between taps (default: none, a factory-fresh card). */
  readonly store?: CardStore;
}

export interface ServedCard {
  readonly card: DesfireCard;
  /** Emulator bugs the card turned into 6F 00 (none is the only good answer). */
  readonly internalErrors: readonly unknown[];
  /** Takes the card out of the reader (closes the vpcd connection). */
  remove(): Promise<void>;
}

export async function serveCard(options: ServeCardOptions): Promise<ServedCard> {
  const internalErrors: unknown[] = [];
  const card = DesfireCard.open({
    factory: { uid: options.uid },
    ...(options.store === undefined ? {} : { store: options.store }),
    onInternalError: (error) => {
      if (internalErrors.length < INTERNAL_ERRORS_KEPT_MAX) internalErrors.push(error);
    },
  });
  const virtualCard = options.onExchange === undefined ? card : tracedCard(card, options.onExchange);
  const bridge = new VpcdBridge(virtualCard, {
    host: options.host,
    port: options.port,
    ...(options.onSessionEnd === undefined ? {} : { onSessionEnd: options.onSessionEnd }),
  });
  const servedTimeoutMs = options.servedTimeoutMs ?? SERVED_TIMEOUT_MS_DEFAULT;
  const deadlineMs = performance.now() + servedTimeoutMs;
  const wait = { deadlineMs, signal: options.signal };
  const outcome = (await connectUnlessBusy(bridge, wait)) ? await waitUntilServed(bridge, wait) : 'not_served';
  if (outcome !== 'served') {
    await bridge.disconnect();
    const where = `vpcd at ${options.host}:${options.port}`;
    throw outcome === 'aborted' || options.signal?.aborted === true
      ? new ServeCardError('aborted', `stopped while waiting for ${where}`)
      : new ServeCardError('slot_busy', `${where} did not serve the card within ${servedTimeoutMs} ms (another process holds the slot?)`);
  }
  return { card, internalErrors, remove: () => bridge.disconnect() };
}

interface Wait {
  readonly deadlineMs: number;
  readonly signal: AbortSignal | undefined;
}

/** True once connected; false when the deadline passed or the wait was aborted. Refused connections (no pcscd) throw. */
async function connectUnlessBusy(bridge: VpcdBridge, wait: Wait): Promise<boolean> {
  for (;;) {
    try {
      await bridge.connect();
      return true;
    } catch (error: unknown) {
      if (!(error instanceof VpcdError) || error.code !== 'connect_timeout') throw error;
    }
    if (wait.signal?.aborted === true || performance.now() >= wait.deadlineMs) return false;
    await sleep(CONNECT_RETRY_INTERVAL_MS);
  }
}

/** 'served' once vpcd sent its first frame (pcscd polls the ATR). */
async function waitUntilServed(bridge: VpcdBridge, wait: Wait): Promise<'served' | 'not_served' | 'aborted'> {
  while (bridge.counters.controlCount + bridge.counters.apduCount === 0) {
    if (wait.signal?.aborted === true) return 'aborted';
    if (bridge.state !== 'connected' || performance.now() >= wait.deadlineMs) return 'not_served';
    await sleep(SERVED_POLL_INTERVAL_MS);
  }
  return 'served';
}
