/**
 * The validator's action list (ActionListView): signed full lists and
 * deltas applied as for the deny list (deny-list-store.ts), expired actions
 * dropped, and `pendingFor` answering the actions a tap should apply to a
 * card now: valid at the device clock, not yet applied (the journal knows),
 * in the card's seq order.
 */
import type { ActionListView, CardAction } from '../ports.js';
import { removeStaleTemporaries, type AtomicWriteHooks } from './atomic-file.js';
import type { ListApplyResult, ListLoadStatus } from './apply-result.js';
import { ActionTable } from './action-table.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { decideVersion } from './version-rule.js';
import { decodeActionList, encodeActionList, openActionList, type ActionListEntry, type OpenListOptions } from './wire.js';

export interface ActionListStoreOptions extends OpenListOptions {
  readonly path: string;
  /** The device clock (UTC). */
  readonly now: () => Date;
  /** The journal's record of applied actions (EventJournal.isActionApplied). */
  readonly isActionApplied: (actionId: string) => boolean;
  /** Crash tests only. */
  readonly writeHooks?: AtomicWriteHooks;
}

interface Held {
  readonly version: number;
  readonly issuedAt: Date | undefined;
  readonly table: ActionTable;
}

export function cardActionOf(entry: ActionListEntry): CardAction {
  switch (entry.kind) {
    case 'autoload':
      return { kind: 'autoload', actionId: entry.actionId, seq: entry.seq, application: entry.application, amountVnd: entry.amountVnd };
    case 'load-contract':
      return { kind: 'load-contract', actionId: entry.actionId, seq: entry.seq, contract: entry.contract };
    case 'unblock':
      return { kind: 'unblock', actionId: entry.actionId, seq: entry.seq, application: entry.application };
  }
}

export class ActionListStore implements ActionListView {
  readonly #options: ActionListStoreOptions;
  #held: Held;
  #queue: Promise<unknown> = Promise.resolve();
  readonly loadStatus: ListLoadStatus;

  private constructor(options: ActionListStoreOptions, held: Held, loadStatus: ListLoadStatus) {
    this.#options = options;
    this.#held = held;
    this.loadStatus = loadStatus;
  }

  static async open(options: ActionListStoreOptions): Promise<ActionListStore> {
    await removeStaleTemporaries(options.path);
    const empty: Held = { version: 0, issuedAt: undefined, table: ActionTable.empty() };
    const snapshot = await readSnapshot(options.path);
    switch (snapshot.status) {
      case 'missing':
        return new ActionListStore(options, empty, 'missing');
      case 'corrupt':
        return new ActionListStore(options, empty, 'corrupt');
      case 'present': {
        const decoded = decodeActionList(snapshot.document);
        if (!decoded.ok || decoded.value.kind !== 'full') return new ActionListStore(options, empty, 'corrupt');
        const { version, issuedAt, entries } = decoded.value;
        return new ActionListStore(options, { version, issuedAt, table: ActionTable.of(entries).withoutExpired(options.now()) }, 'loaded');
      }
    }
  }

  get version(): number {
    return this.#held.version;
  }

  get entryCount(): number {
    return this.#held.table.entryCount;
  }

  pendingFor(cardNumber: string): readonly CardAction[] {
    const atMs = this.#options.now().getTime();
    return this.#held.table
      .forCard(cardNumber)
      .filter((entry) => entry.validFrom.getTime() <= atMs && atMs < entry.expiresAt.getTime() && !this.#options.isActionApplied(entry.actionId))
      .map(cardActionOf);
  }

  apply(envelopeBytes: Uint8Array): Promise<ListApplyResult> {
    const run = this.#queue.then(() => this.#apply(envelopeBytes));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(envelopeBytes: Uint8Array): Promise<ListApplyResult> {
    const opened = openActionList(envelopeBytes, this.#options);
    if (!opened.ok) return opened;
    const document = opened.value;
    const held = this.#held;
    switch (decideVersion(held.version, document)) {
      case 'unchanged':
        return { ok: true, status: 'unchanged', version: held.version, entryCount: held.table.entryCount };
      case 'stale':
        return { ok: false, code: 'stale_version', heldVersion: held.version, offeredVersion: document.version };
      case 'full_list_needed':
        return { ok: false, code: 'full_list_needed', heldVersion: held.version, deltaBaseVersion: document.baseVersion };
      case 'apply':
        break;
    }
    let table: ActionTable;
    if (document.kind === 'full') table = ActionTable.of(document.entries);
    else {
      const merged = held.table.withDelta(document.adds, document.removes);
      // Two actions for one (card, seq): our base is not the clearing house's: start over from a full list.
      if (merged === undefined) return { ok: false, code: 'full_list_needed', heldVersion: held.version, deltaBaseVersion: document.baseVersion };
      table = merged;
    }
    table = table.withoutExpired(this.#options.now());
    const snapshot = encodeActionList({ kind: 'full', version: document.version, baseVersion: 0, issuedAt: document.issuedAt, entries: table.entries() });
    await writeSnapshot(this.#options.path, snapshot, this.#options.writeHooks);
    this.#held = { version: document.version, issuedAt: document.issuedAt, table };
    return { ok: true, status: 'applied', version: document.version, entryCount: table.entryCount };
  }
}
