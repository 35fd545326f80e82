/**
 * A list store as the sync agent's ListSink (../sync/list-sink.ts): the agent
 * downloads `?since=<version()>` and hands the envelope to `install`.
 * - `full_list_needed` (a delta for another base): `version()` answers 0
 *   until the next successful install, so the next round downloads a full
 *   list; the list held stays in force meanwhile.
 * - An I/O failure (ListStoreIoError) becomes `{ ok: false, code: 'list_store_io' }`:
 *   a sink never throws; the list held stays in force.
 */
import type { ListInstall, ListSink } from '../sync/list-sink.js';
import type { ListApplyResult } from './apply-result.js';
import { ListStoreIoError } from './atomic-file.js';

export interface AppliableList {
  readonly version: number;
  apply(envelopeBytes: Uint8Array): Promise<ListApplyResult>;
}

export class StoreListSink implements ListSink {
  readonly #store: AppliableList;
  #fullListNeeded = false;

  constructor(store: AppliableList) {
    this.#store = store;
  }

  version(): number {
    return this.#fullListNeeded ? 0 : this.#store.version;
  }

  async install(envelope: Uint8Array): Promise<ListInstall> {
    let result: ListApplyResult;
    try {
      result = await this.#store.apply(envelope);
    } catch (error) {
      if (error instanceof ListStoreIoError) return { ok: false, code: 'list_store_io' };
      throw error;
    }
    if (result.ok) {
      this.#fullListNeeded = false;
      return { ok: true, version: result.version };
    }
    if (result.code === 'full_list_needed') this.#fullListNeeded = true;
    return { ok: false, code: result.code };
  }
}
