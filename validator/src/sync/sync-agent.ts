/**
 * The sync agent: cuts the journal's new events into signed batches, uploads
 * pending batches oldest first (POST /v1/devices/{id}/batches), records each
 * `accepted` / `duplicate` / `quarantined` / 409 answer in the journal, and
 * downloads the deny and action lists for the lists module, and the fare
 * feed and key bundle when their sinks are given. A failed round
 * backs off exponentially with jitter; nothing is ever dropped: a batch stays
 * pending until the clearing house answered for it, so days offline only
 * make the queue longer (the journal warns long before it is full).
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import { JOURNAL_BATCH_EVENT_COUNT_DEFAULT, JournalError, type DeviceJournal, type JournalErrorCode, type PendingBatch } from '../journal/index.js';
import { backoffMs, retryAfterMs } from './backoff.js';
import { exchange, type FetchFunction, type TransportFailure } from './http.js';
import { LIST_KINDS, LIST_PATHS, type ListKind, type ListSink } from './list-sink.js';
import { SYNC_ANSWER_BYTES_MAX, SYNC_INTERVAL_MS_DEFAULT, SYNC_LIST_ENVELOPE_BYTES_MAX, SYNC_REQUEST_TIMEOUT_MS_DEFAULT, SYNC_UPLOAD_BATCH_COUNT_PER_ROUND_MAX } from './limits.js';
import { readUploadAnswer, type UploadFailure } from './upload-answer.js';

export type SyncErrorCode = TransportFailure | UploadFailure | 'batch_conflict' | 'list_rejected' | 'feed_rejected' | 'key_bundle_rejected' | `journal_${JournalErrorCode}`;

export interface SyncAgentOptions {
  readonly journal: DeviceJournal;
  readonly deviceId: number;
  /** e.g. https://clearing.example.vn (no trailing slash needed). */
  readonly baseUrl: string;
  readonly fetch?: FetchFunction;
  readonly lists?: Partial<Record<ListKind, ListSink>>;
  /** The fare feed (GET /v1/feeds/fares): a sink like feed-sink.ts's FileFareFeedSink. */
  readonly fareFeed?: ListSink;
  /** This device's sealed key bundle (GET /v1/devices/{id}/key-bundle): a sink like bundle-sink.ts's FileKeyBundleSink. */
  readonly keyBundle?: ListSink;
  /** Events per cut batch (default JOURNAL_BATCH_EVENT_COUNT_DEFAULT); lower it if the clearing house answers 413. */
  readonly batchEventCountMax?: number;
  readonly intervalMs?: number;
  readonly requestTimeoutMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMsMax?: number;
  readonly now?: () => Date;
  readonly random?: () => number;
}

export interface ListSyncStatus {
  readonly version: number;
  readonly lastCheckedAt: string | undefined;
  readonly lastErrorCode: SyncErrorCode | undefined;
}

export interface SyncStatus {
  readonly pendingBatchCount: number;
  readonly uncutEventCount: number;
  readonly lastAttemptAt: string | undefined;
  readonly lastSuccessAt: string | undefined;
  readonly lastErrorCode: SyncErrorCode | undefined;
  readonly lastErrorAt: string | undefined;
  readonly consecutiveFailureCount: number;
  readonly backoffUntil: string | undefined;
  /** Since the agent started. */
  readonly acknowledgedBatchCount: number;
  readonly quarantinedBatchCount: number;
  readonly conflictBatchCount: number;
  readonly lists: Readonly<Partial<Record<ListKind, ListSyncStatus>>>;
  /** Present when the agent downloads the fare feed / the key bundle. */
  readonly fareFeed?: ListSyncStatus;
  readonly keyBundle?: ListSyncStatus;
}

export interface SyncRound {
  readonly ok: boolean;
  /** batchSeqs the clearing house answered for in this round. */
  readonly acknowledgedBatchSeqs: readonly number[];
  readonly errorCode: SyncErrorCode | undefined;
  /** More pending batches than one round uploads. */
  readonly morePending: boolean;
}

export interface SyncAgent {
  /** One round: cut, upload, lists, fare feed and key bundle. Concurrent calls share the round in flight. */
  syncOnce(): Promise<SyncRound>;
  /** Rounds until `signal` aborts, waiting the interval, or the backoff after a failure. */
  run(options: { readonly signal: AbortSignal }): Promise<void>;
  status(): SyncStatus;
}

const HTTP_OK = 200;
const HTTP_NOT_MODIFIED = 304;
/** Feeds and key bundles: nothing published yet is not a failure. */
const HTTP_NOT_FOUND = 404;

type DownloadRecord = { lastCheckedAt: string | undefined; lastErrorCode: SyncErrorCode | undefined };

class ClearingHouseSyncAgent implements SyncAgent {
  readonly #options: SyncAgentOptions;
  readonly #fetch: FetchFunction;
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #baseUrl: string;
  readonly #lists = new Map<ListKind, DownloadRecord>();
  readonly #fareFeed: DownloadRecord = { lastCheckedAt: undefined, lastErrorCode: undefined };
  readonly #keyBundle: DownloadRecord = { lastCheckedAt: undefined, lastErrorCode: undefined };
  #round: Promise<SyncRound> | undefined;
  #lastAttemptAt: string | undefined;
  #lastSuccessAt: string | undefined;
  #lastErrorCode: SyncErrorCode | undefined;
  #lastErrorAt: string | undefined;
  #failureCount = 0;
  /** The server's Retry-After of this round's failure, if it sent one. */
  #retryAfterMs: number | undefined;
  #backoffUntilMs: number | undefined;
  #acknowledged = 0;
  #quarantined = 0;
  #conflicts = 0;

  constructor(options: SyncAgentOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    for (const kind of LIST_KINDS) if (options.lists?.[kind] !== undefined) this.#lists.set(kind, { lastCheckedAt: undefined, lastErrorCode: undefined });
  }

  get #headers(): Record<string, string> {
    return { 'X-OneCard-Device': String(this.#options.deviceId) };
  }

  syncOnce(): Promise<SyncRound> {
    this.#round ??= this.#runRound().finally(() => {
      this.#round = undefined;
    });
    return this.#round;
  }

  async #runRound(): Promise<SyncRound> {
    this.#lastAttemptAt = this.#now().toISOString();
    this.#retryAfterMs = undefined;
    let errorCode: SyncErrorCode | undefined;
    let transportFailed = false;
    let uploaded: { readonly acknowledged: readonly number[]; readonly morePending: boolean } = { acknowledged: [], morePending: false };
    try {
      errorCode = this.#cut();
      const upload = await this.#upload();
      uploaded = upload;
      errorCode = upload.errorCode ?? errorCode;
      transportFailed = upload.errorCode !== undefined;
      for (const kind of LIST_KINDS) {
        const listError = await this.#syncList(kind);
        if (listError !== undefined && listError !== 'list_rejected') transportFailed = true;
        errorCode ??= listError;
      }
      for (const download of this.#downloads()) {
        const downloadError = await this.#syncDownload(download);
        if (downloadError !== undefined && downloadError !== download.rejected) transportFailed = true;
        errorCode ??= downloadError;
      }
    } catch (error) {
      // The journal failing under the agent (disk, closed) is a failed round, retried with backoff.
      if (!(error instanceof JournalError)) throw error;
      errorCode = `journal_${error.code}`;
      transportFailed = true;
    }
    const at = this.#now();
    if (transportFailed) {
      this.#failureCount += 1;
      const waitMs = backoffMs({ failureCount: this.#failureCount, random: this.#random, ...this.#backoffLimits() });
      this.#backoffUntilMs = at.getTime() + Math.max(waitMs, this.#serverRetryAfterMs());
    } else {
      this.#failureCount = 0;
      this.#backoffUntilMs = undefined;
      this.#lastSuccessAt = at.toISOString();
    }
    if (errorCode !== undefined) {
      this.#lastErrorCode = errorCode;
      this.#lastErrorAt = at.toISOString();
    }
    return { ok: errorCode === undefined, acknowledgedBatchSeqs: uploaded.acknowledged, errorCode, morePending: uploaded.morePending };
  }

  /** A method, not a field read, because uploads set it while the round awaits. */
  #serverRetryAfterMs(): number {
    return this.#retryAfterMs ?? 0;
  }

  #backoffLimits(): { baseMs?: number; waitMsMax?: number } {
    return { ...(this.#options.backoffBaseMs === undefined ? {} : { baseMs: this.#options.backoffBaseMs }), ...(this.#options.backoffMsMax === undefined ? {} : { waitMsMax: this.#options.backoffMsMax }) };
  }

  #cut(): SyncErrorCode | undefined {
    try {
      // While batches wait (offline), only full batches are cut: days offline make a few large batches, not hundreds of tiny ones.
      const { journal } = this.#options;
      const waiting = journal.status().pendingBatchCount > 0;
      const eventCountPerBatchMax = this.#options.batchEventCountMax ?? JOURNAL_BATCH_EVENT_COUNT_DEFAULT;
      journal.cutBatches({ eventCountPerBatchMax, eventCountMin: waiting ? eventCountPerBatchMax : 1 });
      return undefined;
    } catch (error) {
      // A journal that refuses to cut (chain broken) still uploads what it already signed.
      if (error instanceof JournalError) return `journal_${error.code}`;
      throw error;
    }
  }

  async #upload(): Promise<{ readonly acknowledged: readonly number[]; readonly errorCode: SyncErrorCode | undefined; readonly morePending: boolean }> {
    const acknowledged: number[] = [];
    const { journal } = this.#options;
    const batches: readonly PendingBatch[] = journal.pendingBatches({ limit: SYNC_UPLOAD_BATCH_COUNT_PER_ROUND_MAX + 1 });
    for (const batch of batches.slice(0, SYNC_UPLOAD_BATCH_COUNT_PER_ROUND_MAX)) {
      const errorCode = await this.#uploadOne(batch);
      if (errorCode !== undefined) return { acknowledged, errorCode, morePending: true };
      acknowledged.push(batch.batchSeq);
    }
    // Events left uncut behind a queue that is now empty are cut and sent by the next round, at once.
    const morePending = batches.length > SYNC_UPLOAD_BATCH_COUNT_PER_ROUND_MAX || (batches.length > 0 && journal.status().uncutEventCount > 0);
    return { acknowledged, errorCode: undefined, morePending };
  }

  /** Answers undefined when the clearing house answered for the batch (and the journal recorded it). */
  async #uploadOne(batch: PendingBatch): Promise<SyncErrorCode | undefined> {
    const answer = await exchange({
      fetch: this.#fetch,
      url: `${this.#baseUrl}/v1/devices/${this.#options.deviceId}/batches`,
      method: 'POST',
      headers: { ...this.#headers, 'Content-Type': 'application/octet-stream' },
      body: batch.envelope,
      timeoutMs: this.#options.requestTimeoutMs ?? SYNC_REQUEST_TIMEOUT_MS_DEFAULT,
      bodyBytesMax: SYNC_ANSWER_BYTES_MAX,
    });
    if (!answer.ok) return answer.code;
    const outcome = readUploadAnswer({ status: answer.status, body: answer.body, batchSeq: batch.batchSeq });
    if (!outcome.done) {
      this.#retryAfterMs = retryAfterMs({ header: answer.headers.get('retry-after'), nowMs: this.#now().getTime(), ...(this.#options.backoffMsMax === undefined ? {} : { waitMsMax: this.#options.backoffMsMax }) });
      return outcome.code;
    }
    this.#options.journal.acknowledgeBatch({ batchSeq: batch.batchSeq, acknowledgement: outcome.acknowledgement, ...(outcome.reason === undefined ? {} : { reason: outcome.reason }) });
    this.#acknowledged += 1;
    if (outcome.acknowledgement === 'quarantined') this.#quarantined += 1;
    if (outcome.acknowledgement === 'conflict') {
      this.#conflicts += 1;
      this.#lastErrorCode = 'batch_conflict';
      this.#lastErrorAt = this.#now().toISOString();
    }
    return undefined;
  }

  async #syncList(kind: ListKind): Promise<SyncErrorCode | undefined> {
    const sink = this.#options.lists?.[kind];
    const record = this.#lists.get(kind);
    if (sink === undefined || record === undefined) return undefined;
    return this.#syncDownload({ sink, record, path: `/v1/lists/${LIST_PATHS[kind]}`, rejected: 'list_rejected', absentIsNormal: false });
  }

  #downloads(): { sink: ListSink; record: DownloadRecord; path: string; rejected: SyncErrorCode; absentIsNormal: boolean }[] {
    const { fareFeed, keyBundle, deviceId } = this.#options;
    return [
      ...(fareFeed === undefined ? [] : [{ sink: fareFeed, record: this.#fareFeed, path: '/v1/feeds/fares', rejected: 'feed_rejected' as const, absentIsNormal: true }]),
      ...(keyBundle === undefined ? [] : [{ sink: keyBundle, record: this.#keyBundle, path: `/v1/devices/${deviceId}/key-bundle`, rejected: 'key_bundle_rejected' as const, absentIsNormal: true }]),
    ];
  }

  async #syncDownload(download: { readonly sink: ListSink; readonly record: DownloadRecord; readonly path: string; readonly rejected: SyncErrorCode; readonly absentIsNormal: boolean }): Promise<SyncErrorCode | undefined> {
    const { sink, record } = download;
    const answer = await exchange({
      fetch: this.#fetch,
      url: `${this.#baseUrl}${download.path}?since=${sink.version()}`,
      method: 'GET',
      headers: this.#headers,
      timeoutMs: this.#options.requestTimeoutMs ?? SYNC_REQUEST_TIMEOUT_MS_DEFAULT,
      bodyBytesMax: SYNC_LIST_ENVELOPE_BYTES_MAX,
    });
    let code: SyncErrorCode | undefined;
    if (!answer.ok) code = answer.code;
    else if (answer.status === HTTP_OK) {
      code = (await this.#install(sink, answer.body)) ? undefined : download.rejected;
    } else if (answer.status === HTTP_NOT_FOUND && download.absentIsNormal) code = undefined;
    else if (answer.status !== HTTP_NOT_MODIFIED) code = answer.status >= 500 ? 'server_error' : 'protocol_violation';
    record.lastErrorCode = code;
    if (code === undefined) record.lastCheckedAt = this.#now().toISOString();
    return code;
  }

  /** A sink that throws on hostile bytes broke its contract; the list is still only rejected, the agent goes on. */
  async #install(sink: ListSink, envelope: Uint8Array): Promise<boolean> {
    try {
      return (await sink.install(envelope)).ok;
    } catch {
      return false;
    }
  }

  async run(options: { readonly signal: AbortSignal }): Promise<void> {
    while (!options.signal.aborted) {
      const round = await this.syncOnce();
      const waitMs = this.#backoffUntilMs === undefined ? (round.morePending ? 0 : (this.#options.intervalMs ?? SYNC_INTERVAL_MS_DEFAULT)) : Math.max(0, this.#backoffUntilMs - this.#now().getTime());
      try {
        await sleepMs(waitMs, undefined, { signal: options.signal });
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') return;
        throw error;
      }
    }
  }

  status(): SyncStatus {
    const journal = this.#options.journal.status();
    const lists: Partial<Record<ListKind, ListSyncStatus>> = {};
    for (const [kind, record] of this.#lists) {
      const sink = this.#options.lists?.[kind];
      if (sink !== undefined) lists[kind] = { version: sink.version(), lastCheckedAt: record.lastCheckedAt, lastErrorCode: record.lastErrorCode };
    }
    return {
      pendingBatchCount: journal.pendingBatchCount,
      uncutEventCount: journal.uncutEventCount,
      lastAttemptAt: this.#lastAttemptAt,
      lastSuccessAt: this.#lastSuccessAt,
      lastErrorCode: this.#lastErrorCode,
      lastErrorAt: this.#lastErrorAt,
      consecutiveFailureCount: this.#failureCount,
      backoffUntil: this.#backoffUntilMs === undefined ? undefined : new Date(this.#backoffUntilMs).toISOString(),
      acknowledgedBatchCount: this.#acknowledged,
      quarantinedBatchCount: this.#quarantined,
      conflictBatchCount: this.#conflicts,
      lists,
      ...(this.#options.fareFeed === undefined ? {} : { fareFeed: { version: this.#options.fareFeed.version(), ...this.#fareFeed } }),
      ...(this.#options.keyBundle === undefined ? {} : { keyBundle: { version: this.#options.keyBundle.version(), ...this.#keyBundle } }),
    };
  }
}

export function createSyncAgent(options: SyncAgentOptions): SyncAgent {
  if (!/^https?:\/\//.test(options.baseUrl)) throw new RangeError('baseUrl must be an http(s) URL');
  return new ClearingHouseSyncAgent(options);
}
