/**
 * Keeps one emulated card in a vpcd reader slot: connect (= card inserted),
 * wait until asked to stop (= card removed, a clean disconnect), and when
 * vpcd drops the connection (pcscd restarted) connect again. The TCP
 * connect is retried with the backoff of serve-policy.ts while vpcd is not
 * listening. Status lines name the vpcd address and never the card's UID.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { VpcdBridge, VpcdError, type VpcdSessionEnd } from '../transport/vpcd.js';
import type { VirtualCard } from '../transport/types.js';
import { CliFailure } from './cli-context.js';
import type { VpcdAddress } from './parse-arguments.js';
import { SERVE_SESSIONS_MAX, backoffMs, backoffMsTotal, type ConnectRetryPolicy } from './serve-policy.js';

export interface ServeOptions {
  readonly card: VirtualCard;
  readonly address: VpcdAddress;
  readonly retry: ConnectRetryPolicy;
  /** Aborting it removes the card and ends `serveCard`; a string reason (the signal name) is printed. */
  readonly stopSignal: AbortSignal;
  /** Shown after the address in status lines, e.g. 'state file' or 'volatile'. */
  readonly cardLabel: string;
  /** One status line per insertion and removal. */
  readonly status: (line: string) => void;
  /** Warnings (waiting for vpcd). */
  readonly warn: (line: string) => void;
}

export interface ServeOutcome {
  /** Sessions opened (1 unless vpcd dropped the connection and we reconnected). */
  readonly sessionCount: number;
}

const RETRYABLE_CONNECT_CODES: ReadonlySet<string> = new Set(['connect_failed', 'connect_timeout']);

export async function serveCard(options: ServeOptions): Promise<ServeOutcome> {
  const { address, stopSignal } = options;
  const where = `vpcd at ${address.host}:${address.port}`;
  let sessionCount = 0;
  while (!stopSignal.aborted) {
    if (sessionCount >= SERVE_SESSIONS_MAX) throw new CliFailure(`${where} dropped the card ${SERVE_SESSIONS_MAX} times; giving up`);
    const ended = deferred<VpcdSessionEnd>();
    const bridge = new VpcdBridge(options.card, { host: address.host, port: address.port, onSessionEnd: ended.resolve });
    if (!(await connectWithRetry(bridge, options, where))) break;
    sessionCount++;
    options.status(`card-os: card inserted into ${where} (${options.cardLabel})`);
    const stopped = abortPromise(stopSignal);
    const outcome = await Promise.race([ended.promise, stopped.promise.then(() => 'stop' as const)]);
    stopped.cancel();
    if (outcome === 'stop') {
      await bridge.disconnect();
      options.status(`card-os: card removed from ${where} (${stopText(stopSignal.reason)})`);
      break;
    }
    if (outcome.reason === 'card_fault') throw new CliFailure(`the emulated card failed; removed from ${where}`);
    options.status(`card-os: card removed from ${where} by the reader side (${outcome.reason}); reconnecting`);
  }
  return { sessionCount };
}

/** True once connected; false when stopped while waiting. Throws CliFailure when the attempts run out. */
async function connectWithRetry(bridge: VpcdBridge, options: ServeOptions, where: string): Promise<boolean> {
  const { retry, stopSignal } = options;
  for (let attempt = 1; attempt <= retry.attemptsMax; attempt++) {
    try {
      await bridge.connect();
    } catch (error: unknown) {
      if (!(error instanceof VpcdError) || !RETRYABLE_CONNECT_CODES.has(error.code)) throw error;
      if (attempt === retry.attemptsMax) {
        throw new CliFailure(`${where} is not reachable after ${retry.attemptsMax} attempts (is pcscd running with the vpcd driver?)`);
      }
      if (attempt === 1) options.warn(`card-os: waiting for ${where} (up to ${retry.attemptsMax} attempts over ${Math.ceil(backoffMsTotal(retry) / 1000)} s)`);
      try {
        await sleep(backoffMs(retry, attempt), undefined, { signal: stopSignal });
      } catch {
        return false; // stopped while waiting
      }
      continue;
    }
    if (stopSignal.aborted) {
      await bridge.disconnect();
      return false;
    }
    return true;
  }
  return false;
}

function stopText(reason: unknown): string {
  return typeof reason === 'string' ? reason : 'stop requested';
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** Resolves when `signal` aborts; `cancel` drops the listener (one per session, so none pile up). */
function abortPromise(signal: AbortSignal): { promise: Promise<void>; cancel: () => void } {
  const { promise, resolve } = deferred<undefined>();
  const onAbort = (): void => { resolve(undefined); };
  if (signal.aborted) resolve(undefined);
  else signal.addEventListener('abort', onAbort, { once: true });
  return { promise, cancel: () => { signal.removeEventListener('abort', onAbort); } };
}
