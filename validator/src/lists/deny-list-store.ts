/**
 * The validator's deny list (DenyListView): opened from its snapshot on
 * disk, updated with signed full lists and deltas downloaded by the sync
 * agent, answering lookups from memory (DenyTable).
 *
 * apply(): open and verify the envelope with the provisioned list keys →
 * version rule (version-rule.ts) → merge → write the snapshot durably →
 * only then switch the table and the version. A failed or interrupted
 * apply leaves the list held in force, on disk and in memory.
 */
import { SIGNING_CONTEXTS } from '@onecard/keys';
import type { DenyListView } from '../ports.js';
import { removeStaleTemporaries, type AtomicWriteHooks } from './atomic-file.js';
import type { ListApplyResult, ListLoadStatus } from './apply-result.js';
import { DenyTable } from './deny-table.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { decideVersion } from './version-rule.js';
import { decodeDenyList, encodeDenyList, openListEnvelope, type DenyListReason, type OpenListOptions } from './wire.js';

export interface DenyListStoreOptions extends OpenListOptions {
  /** The snapshot file (its directory must exist). */
  readonly path: string;
  /** Crash tests only. */
  readonly writeHooks?: AtomicWriteHooks;
}

interface Held {
  readonly version: number;
  readonly issuedAt: Date | undefined;
  readonly table: DenyTable;
}

export class DenyListStore implements DenyListView {
  readonly #options: DenyListStoreOptions;
  #held: Held;
  /** Applies run one after another: each sees the version the previous one left. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly loadStatus: ListLoadStatus;

  private constructor(options: DenyListStoreOptions, held: Held, loadStatus: ListLoadStatus) {
    this.#options = options;
    this.#held = held;
    this.loadStatus = loadStatus;
  }

  /** Opens the store from its snapshot; a missing or damaged snapshot starts empty at version 0. */
  static async open(options: DenyListStoreOptions): Promise<DenyListStore> {
    await removeStaleTemporaries(options.path);
    const empty: Held = { version: 0, issuedAt: undefined, table: DenyTable.empty() };
    const snapshot = await readSnapshot(options.path);
    switch (snapshot.status) {
      case 'missing':
        return new DenyListStore(options, empty, 'missing');
      case 'corrupt':
        return new DenyListStore(options, empty, 'corrupt');
      case 'present': {
        const decoded = decodeDenyList(snapshot.document);
        if (!decoded.ok || decoded.value.kind !== 'full') return new DenyListStore(options, empty, 'corrupt');
        const { version, issuedAt, entries } = decoded.value;
        return new DenyListStore(options, { version, issuedAt, table: new DenyTable(entries) }, 'loaded');
      }
    }
  }

  get version(): number {
    return this.#held.version;
  }

  get issuedAt(): Date | undefined {
    return this.#held.issuedAt;
  }

  get entryCount(): number {
    return this.#held.table.entryCount;
  }

  /** Bytes of the in-memory table. */
  get tableSizeBytes(): number {
    return this.#held.table.sizeBytes;
  }

  lookup(cardNumber: string): DenyListReason | undefined {
    return this.#held.table.lookup(cardNumber);
  }

  /** Applies a downloaded envelope (a full list or a delta). */
  apply(envelopeBytes: Uint8Array): Promise<ListApplyResult> {
    const run = this.#queue.then(() => this.#apply(envelopeBytes));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(envelopeBytes: Uint8Array): Promise<ListApplyResult> {
    const payload = openListEnvelope(envelopeBytes, SIGNING_CONTEXTS.denyList, this.#options);
    if (!payload.ok) return payload;
    const opened = decodeDenyList(payload.value);
    if (!opened.ok) return opened;
    const document = opened.value;
    const held = this.#held;
    const unchanged = { ok: true, status: 'unchanged', version: held.version, entryCount: held.table.entryCount } as const;
    switch (decideVersion(held.version, document)) {
      case 'unchanged':
        return unchanged;
      case 'stale':
        return { ok: false, code: 'stale_version', heldVersion: held.version, offeredVersion: document.version };
      case 'full_list_needed':
        return { ok: false, code: 'full_list_needed', heldVersion: held.version, deltaBaseVersion: document.baseVersion };
      case 'apply':
        break;
    }
    const table = document.kind === 'full' ? new DenyTable(document.entries) : held.table.withDelta(document.adds, document.removes);
    // A full list is kept as received (the decoder accepts only the canonical encoding); a merged one is encoded.
    const snapshot = document.kind === 'full' ? payload.value : encodeDenyList({ kind: 'full', version: document.version, baseVersion: 0, issuedAt: document.issuedAt, entries: table.entries });
    await writeSnapshot(this.#options.path, snapshot, this.#options.writeHooks);
    this.#held = { version: document.version, issuedAt: document.issuedAt, table };
    return { ok: true, status: 'applied', version: document.version, entryCount: table.entryCount };
  }
}
