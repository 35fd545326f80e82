/**
 * Host-side PC/SC transport on the `pcsclite` package (pcscd + libpcsclite).
 * `PcscClient.open()` watches readers; `waitForReader`, `waitForCard` and
 * `waitForCardRemoved` each wait with a named timeout; `connect` opens a
 * shared-mode `PcscCardChannel` (a `CardChannel`) on one reader.
 *
 * The native addon is loaded on `open()`, not on import, so code that never
 * touches PC/SC does not need libpcsclite. Failures are `PcscError` with a
 * stable `code`; the PC/SC status word, when known, is in `pcscStatus`.
 */
import { isCardPresent, loadPcsclite, type PcscContextBackend, type PcscReaderBackend } from './pcsc-backend.js';
import { createPcscChannel, type PcscCardChannel } from './pcsc-channel.js';
import { PcscError, pcscErrorFrom } from './pcsc-errors.js';

export const PCSC_READER_WAIT_TIMEOUT_MS_DEFAULT = 5_000;
export const PCSC_CARD_WAIT_TIMEOUT_MS_DEFAULT = 10_000;
export const PCSC_CONNECT_TIMEOUT_MS_DEFAULT = 5_000;
/** Readers tracked per client; more are ignored. */
export const PCSC_READERS_MAX = 64;
/** Concurrent waits per client. */
export const PCSC_WAITERS_MAX = 64;

export type PcscReaderSelector = { readonly readerName: string } | { readonly readerNamePattern: RegExp };
export type PcscProtocolChoice = 'T1' | 'any';

export interface PcscClientOptions {
  /** Replaces the pcsclite addon (tests). */
  readonly openBackend?: () => PcscContextBackend;
}

interface ReaderEntry {
  readonly backend: PcscReaderBackend;
  state: number | undefined;
  atr: Uint8Array | undefined;
  ended: boolean;
  channel: PcscCardChannel | undefined;
}

export class PcscClient {
  readonly #context: PcscContextBackend;
  readonly #readers = new Map<string, ReaderEntry>();
  readonly #watchers = new Set<() => void>();
  #failure: PcscError | undefined;
  #closed = false;

  private constructor(context: PcscContextBackend) {
    this.#context = context;
    context.on('error', (cause) => {
      this.#failure = pcscErrorFrom(cause, 'service_unavailable', 'reader monitoring');
      this.#notify();
    });
    context.on('reader', (reader) => { this.#addReader(reader); });
  }

  /** Establishes a PC/SC context. Rejects with `service_unavailable` when pcscd is not running. */
  static async open(options: PcscClientOptions = {}): Promise<PcscClient> {
    const openBackend = options.openBackend ?? (await loadPcsclite());
    try {
      return new PcscClient(openBackend());
    } catch (cause) {
      throw pcscErrorFrom(cause, 'service_unavailable', 'SCardEstablishContext');
    }
  }

  /** Readers seen so far, in order of appearance (the list fills asynchronously after open). */
  readerNames(): readonly string[] {
    return [...this.#readers.entries()].filter(([, r]) => !r.ended).map(([name]) => name);
  }

  /** Resolves with the name of the first reader that matches. */
  waitForReader(selector: PcscReaderSelector, options: { timeoutMs?: number } = {}): Promise<string> {
    const matches = 'readerName' in selector
      ? (name: string) => name === selector.readerName
      : (name: string) => selector.readerNamePattern.test(name);
    return this.#waitUntil(() => this.readerNames().find(matches), options.timeoutMs ?? PCSC_READER_WAIT_TIMEOUT_MS_DEFAULT, 'reader');
  }

  /** Resolves with the ATR once a responsive card is present on the reader. */
  waitForCard(readerName: string, options: { timeoutMs?: number } = {}): Promise<{ atr: Uint8Array }> {
    return this.#waitUntil(() => {
      const reader = this.#reader(readerName);
      const present = reader.state !== undefined && isCardPresent(reader.backend, reader.state);
      return present ? { atr: reader.atr ?? new Uint8Array(0) } : undefined;
    }, options.timeoutMs ?? PCSC_CARD_WAIT_TIMEOUT_MS_DEFAULT, 'card');
  }

  /** Resolves once the reader reports no card. */
  waitForCardRemoved(readerName: string, options: { timeoutMs?: number } = {}): Promise<void> {
    return this.#waitUntil(() => {
      const reader = this.#reader(readerName);
      return reader.state !== undefined && (reader.state & reader.backend.SCARD_STATE_EMPTY) !== 0 ? true : undefined;
    }, options.timeoutMs ?? PCSC_CARD_WAIT_TIMEOUT_MS_DEFAULT, 'card removal').then(() => undefined);
  }

  /** Connects in shared mode. `protocol` 'T1' insists on T=1; 'any' accepts T=0 or T=1. */
  async connect(readerName: string, options: { protocol?: PcscProtocolChoice; timeoutMs?: number } = {}): Promise<PcscCardChannel> {
    this.#assertOpen();
    const reader = this.#reader(readerName);
    if (reader.channel !== undefined) throw new PcscError('reader_busy', 'reader already has an open channel from this client');
    const { backend } = reader;
    const protocols = options.protocol === 'T1' ? backend.SCARD_PROTOCOL_T1 : backend.SCARD_PROTOCOL_T0 | backend.SCARD_PROTOCOL_T1;
    const timeoutMs = options.timeoutMs ?? PCSC_CONNECT_TIMEOUT_MS_DEFAULT;
    return await new Promise((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new PcscError('timeout', `SCardConnect did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      backend.connect({ share_mode: backend.SCARD_SHARE_SHARED, protocol: protocols }, (error, protocol) => {
        clearTimeout(timer);
        if (timedOut) {
          if (error === null || error === undefined) backend.disconnect(backend.SCARD_LEAVE_CARD, () => undefined);
          return;
        }
        if (error !== null && error !== undefined) {
          reject(pcscErrorFrom(error, 'connect_failed', 'SCardConnect'));
          return;
        }
        const channel = createPcscChannel(readerName, backend, protocol, {
          isRemoved: () => reader.ended || (reader.state !== undefined && !isCardPresent(backend, reader.state)),
          onClose: () => { reader.channel = undefined; },
        });
        reader.channel = channel;
        resolve(channel);
      });
    });
  }

  /** Closes open channels, stops reader monitoring and releases the context. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const channels = [...this.#readers.values()].flatMap((r) => (r.channel === undefined ? [] : [r.channel]));
    await Promise.allSettled(channels.map((c) => c.close()));
    for (const reader of this.#readers.values()) if (!reader.ended) reader.backend.close();
    this.#context.close();
    this.#notify();
  }

  #addReader(backend: PcscReaderBackend): void {
    if (this.#readers.size >= PCSC_READERS_MAX && !this.#readers.has(backend.name)) return;
    const entry: ReaderEntry = { backend, state: undefined, atr: undefined, ended: false, channel: undefined };
    this.#readers.set(backend.name, entry);
    backend.on('status', (status) => {
      entry.state = status.state;
      entry.atr = status.atr === undefined ? undefined : Uint8Array.from(status.atr);
      this.#notify();
    });
    backend.on('end', () => {
      entry.ended = true;
      this.#notify();
    });
    backend.on('error', () => {
      entry.ended = true; // pcsclite stops watching the reader after an error
      this.#notify();
    });
    this.#notify();
  }

  #reader(readerName: string): ReaderEntry {
    const reader = this.#readers.get(readerName);
    if (reader === undefined || reader.ended) throw new PcscError('reader_not_found', 'no reader with that name');
    return reader;
  }

  #assertOpen(): void {
    if (this.#closed) throw new PcscError('closed', 'PC/SC client is closed');
    if (this.#failure !== undefined) throw this.#failure;
  }

  #notify(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }

  /** Re-evaluates `check` on every reader event until it returns a value, throws, or time runs out. */
  #waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    if (this.#watchers.size >= PCSC_WAITERS_MAX) return Promise.reject(new PcscError('too_many_waiters', 'too many concurrent PC/SC waits'));
    return new Promise<T>((resolve, reject) => {
      const settle = (outcome: { value: T } | { error: Error }): void => {
        clearTimeout(timer);
        this.#watchers.delete(watcher);
        if ('value' in outcome) resolve(outcome.value);
        else reject(outcome.error);
      };
      const watcher = (): void => {
        try {
          this.#assertOpen();
          const value = check();
          if (value !== undefined) settle({ value });
        } catch (error) {
          settle({ error: error instanceof Error ? error : new PcscError('service_unavailable', 'PC/SC wait failed', { cause: error }) });
        }
      };
      const timer = setTimeout(() => {
        settle({ error: new PcscError('timeout', `no ${what} within ${timeoutMs} ms`) });
      }, timeoutMs);
      this.#watchers.add(watcher);
      watcher();
    });
  }
}

export type { PcscCardChannel } from './pcsc-channel.js';
export {
  PCSC_COMMAND_APDU_BYTES_MAX,
  PCSC_COMMAND_APDU_BYTES_MIN,
  PCSC_GET_UID_APDU,
  PCSC_RESPONSE_APDU_BYTES_MAX,
  PCSC_TRANSMIT_QUEUE_LENGTH_MAX,
  PCSC_TRANSMIT_TIMEOUT_MS_DEFAULT,
} from './pcsc-channel.js';
export type { PcscContextBackend, PcscReaderBackend } from './pcsc-backend.js';
export { PcscError, pcscErrorFrom, type PcscErrorCode } from './pcsc-errors.js';
