/**
 * A validator device from its configuration: journal, lists, fare engine and
 * keys opened, the mode built, the sync agent looping when a clearing house
 * is configured (lists it downloads go into the stores; fare feeds and key
 * bundles are stored and switched to between taps: update-fares.ts,
 * update-keys.ts), a status, and a
 * `close()` that stops in order: no new taps, sync loop stopped, taps in
 * flight finished, status written, journal closed, SAM zeroed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ed25519BulkVerifier } from '@onecard/keys';
import { JournalError, openJournal, type DeviceJournal } from '../journal/index.js';
import { ActionListStore, DenyListStore, StoreListSink } from '../lists/index.js';
import { createSyncAgent, type FetchFunction, type SyncAgent, type SyncRound } from '../sync/index.js';
import { RecentTaps, type DeviceKeys, type TapLink, type TapMode, type TapOutcome } from '../tap/index.js';
import type { DeviceConfig } from './config-schema.js';
import { openConfiguredKeys, openConfiguredSigner, readConfiguredFile, roleOfMode, trustedListKeys } from './device-keys-setup.js';
import { DeviceError } from './device-error.js';
import { journalSection, lastSyncOf, previousSyncOf, readStatusFile, writeStatusFile, type DeviceStatus } from './device-status.js';
import { CLOSE_DRAIN_WAIT_MS, LIST_VERIFIER_CACHED_KEY_COUNT_MAX } from './limits.js';
import { loadConfiguredFares, setUpMode, type ModeSetup } from './mode-setup.js';
import { openFareUpdates, type SwitchingFareEngine } from './update-fares.js';
import { openKeyUpdates, type SwitchingDeviceKeys } from './update-keys.js';
import type { FileFareFeedSink } from '../sync/feed-sink.js';
import type { FileKeyBundleSink } from '../sync/bundle-sink.js';

export const JOURNAL_DIR_NAME = 'journal';
export const DENY_LIST_FILE_NAME = 'deny-list.snapshot';
export const ACTION_LIST_FILE_NAME = 'action-list.snapshot';
const DATA_DIR_MODE = 0o700;

export interface OpenDeviceOptions {
  readonly clock?: () => Date;
  /** The sync agent's HTTP client (tests); global fetch otherwise. */
  readonly fetch?: FetchFunction;
  /** Every tap outcome (display, web view); must not throw. */
  readonly onOutcome?: (outcome: TapOutcome) => void;
  /** `loop`: sync rounds run in the background while the device is open (when a clearing house is configured). */
  readonly sync?: 'loop' | 'manual';
  /** Journal bounds (tests of the capacity check); the journal's defaults otherwise. */
  readonly journalBounds?: { readonly eventCountMax?: number; readonly storedBytesMax?: number };
}

export interface ValidatorDevice {
  readonly config: DeviceConfig;
  readonly mode: TapMode;
  /** The last taps, for the web view. */
  readonly recent: RecentTaps;
  /** One tap with the configured input; refused without touching the card when the journal has no room. */
  tap(link: TapLink): Promise<TapOutcome>;
  /** One sync round now; undefined when no clearing house is configured. */
  syncOnce(): Promise<SyncRound | undefined>;
  status(): DeviceStatus;
  /** Writes the status file the `status` command reads while the device runs. */
  writeStatus(): Promise<void>;
  close(): Promise<void>;
}

export async function openValidatorDevice(config: DeviceConfig, options: OpenDeviceOptions = {}): Promise<ValidatorDevice> {
  const clock = options.clock ?? (() => new Date());
  const fares = await loadConfiguredFares(config.mode);
  const signer = await openConfiguredSigner(config);
  try {
    await mkdir(config.dataDir, { recursive: true, mode: DATA_DIR_MODE });
  } catch (error: unknown) {
    throw new DeviceError('journal_unavailable', 'cannot create the data folder', { field: 'dataDir', cause: error });
  }
  let keys: DeviceKeys = await openConfiguredKeys(config);
  let journal: DeviceJournal | undefined;
  try {
    journal = openConfiguredJournal(config, { signer, clock, ...(options.journalBounds === undefined ? {} : { bounds: options.journalBounds }) });
    const opened = journal;
    const trustedKeys = trustedListKeys(config);
    const updates = await openUpdates(config, { trustedKeys, keys, fares });
    keys = updates.keys?.keys ?? keys;
    const verifier = new Ed25519BulkVerifier({ cachedKeyCountMax: LIST_VERIFIER_CACHED_KEY_COUNT_MAX });
    const [denyList, actions] = await openLists(config, { trustedKeys, verifier, clock, isActionApplied: (id) => opened.isActionApplied(id) });
    const previous = previousSyncOf((await readStatusFile(config.dataDir))?.json);
    return new OpenDevice({ config, keys, journal, denyList, actions, fares: updates.fares?.engine ?? fares, clock, options, previous, updates });
  } catch (error: unknown) {
    journal?.close();
    keys.close();
    throw error;
  }
}

function openConfiguredJournal(config: DeviceConfig, input: { signer: Parameters<typeof openJournal>[0]['signer']; clock: () => Date; bounds?: OpenDeviceOptions['journalBounds'] }): DeviceJournal {
  try {
    return openJournal({ dir: join(config.dataDir, JOURNAL_DIR_NAME), deviceId: config.deviceId, signer: input.signer, now: input.clock, ...input.bounds });
  } catch (error: unknown) {
    if (error instanceof JournalError && error.code === 'journal_locked') throw new DeviceError('journal_locked', 'the journal is held by another process: a device is running on this data folder', { field: 'dataDir', cause: error });
    if (error instanceof JournalError && error.code === 'device_mismatch') throw new DeviceError('journal_device_mismatch', 'the journal in this data folder belongs to another device id', { field: 'dataDir', cause: error });
    if (error instanceof JournalError) throw new DeviceError('journal_unavailable', `the journal cannot be opened (${error.code})`, { field: 'dataDir', cause: error });
    throw error;
  }
}

async function openLists(config: DeviceConfig, input: { trustedKeys: ReturnType<typeof trustedListKeys>; verifier: Ed25519BulkVerifier; clock: () => Date; isActionApplied: (actionId: string) => boolean }): Promise<[DenyListStore, ActionListStore]> {
  try {
    const trust = { trustedKeys: input.trustedKeys, verifier: input.verifier };
    const deny = await DenyListStore.open({ ...trust, path: join(config.dataDir, DENY_LIST_FILE_NAME) });
    const actions = await ActionListStore.open({ ...trust, path: join(config.dataDir, ACTION_LIST_FILE_NAME), now: input.clock, isActionApplied: input.isActionApplied });
    return [deny, actions];
  } catch (error: unknown) {
    throw new DeviceError('lists_unavailable', 'the list snapshots cannot be opened', { field: 'dataDir', cause: error });
  }
}

interface DeviceUpdates {
  readonly fares: { readonly engine: SwitchingFareEngine; readonly sink: FileFareFeedSink } | undefined;
  readonly keys: { readonly keys: SwitchingDeviceKeys; readonly sink: FileKeyBundleSink<DeviceKeys> } | undefined;
}

/** Fare-feed updates in bus mode; key-bundle updates when the bundle is sealed (a plain test bundle has no device key to open one). */
async function openUpdates(config: DeviceConfig, input: { trustedKeys: ReturnType<typeof trustedListKeys>; keys: DeviceKeys; fares: Awaited<ReturnType<typeof loadConfiguredFares>> }): Promise<DeviceUpdates> {
  const fares = input.fares === undefined ? undefined : await openFareUpdates({ dataDir: config.dataDir, trustedKeys: input.trustedKeys, configured: input.fares });
  const { bundle } = config.keys;
  const keys =
    bundle.kind === 'sealed'
      ? await openKeyUpdates({
          dataDir: config.dataDir,
          deviceId: config.deviceId,
          trustedKeys: input.trustedKeys,
          expectedRole: roleOfMode(config.mode),
          readPrivateKeyPem: async () => (await readConfiguredFile(bundle.privateKeyFile, 'keys.bundle.privateKeyFile')).toString('utf8'),
          configured: input.keys,
        })
      : undefined;
  return { fares, keys };
}

interface OpenDeviceParts {
  readonly config: DeviceConfig;
  readonly keys: DeviceKeys;
  readonly journal: DeviceJournal;
  readonly denyList: DenyListStore;
  readonly actions: ActionListStore;
  readonly fares: Awaited<ReturnType<typeof loadConfiguredFares>>;
  readonly clock: () => Date;
  readonly options: OpenDeviceOptions;
  readonly previous: ReturnType<typeof previousSyncOf>;
  readonly updates: DeviceUpdates;
}

class OpenDevice implements ValidatorDevice {
  readonly config: DeviceConfig;
  readonly recent = new RecentTaps();
  readonly #parts: OpenDeviceParts;
  readonly #setup: ModeSetup;
  readonly #agent: SyncAgent | undefined;
  readonly #syncStop = new AbortController();
  readonly #syncLoop: Promise<void> | undefined;
  readonly #inFlight = new Set<Promise<TapOutcome>>();
  #closing: Promise<void> | undefined;

  constructor(parts: OpenDeviceParts) {
    this.#parts = parts;
    this.config = parts.config;
    const { config, journal } = parts;
    if (roleOfMode(config.mode) !== parts.keys.role) throw new Error('assertion failed: keys opened for another role');
    this.#setup = setUpMode({
      mode: config.mode,
      fares: parts.fares,
      common: {
        device: { deviceId: config.deviceId, operatorId: config.operator },
        keys: parts.keys.keys,
        denyList: parts.denyList,
        actions: parts.actions,
        journal,
        clock: parts.clock,
        onOutcome: (outcome) => { this.#notify(outcome); },
      },
    });
    const house = config.clearingHouse;
    if (house !== undefined) {
      this.#agent = createSyncAgent({
        journal,
        deviceId: config.deviceId,
        baseUrl: house.baseUrl,
        lists: { deny: new StoreListSink(parts.denyList), actions: new StoreListSink(parts.actions) },
        ...(parts.updates.fares === undefined ? {} : { fareFeed: parts.updates.fares.sink }),
        ...(parts.updates.keys === undefined ? {} : { keyBundle: parts.updates.keys.sink }),
        now: parts.clock,
        ...(house.intervalMs === undefined ? {} : { intervalMs: house.intervalMs }),
        ...(parts.options.fetch === undefined ? {} : { fetch: parts.options.fetch }),
      });
      if ((parts.options.sync ?? 'loop') === 'loop') this.#syncLoop = this.#agent.run({ signal: this.#syncStop.signal });
    }
  }

  get mode(): TapMode {
    return this.#setup.mode;
  }

  #notify(outcome: TapOutcome): void {
    this.recent.add({ at: this.#parts.clock(), outcome });
    try {
      this.#parts.options.onOutcome?.(outcome);
    } catch {
      // A broken display never turns a journaled tap into an error.
    }
  }

  tap(link: TapLink): Promise<TapOutcome> {
    if (this.#closing !== undefined) return Promise.reject(new DeviceError('device_closed', 'the device is closing'));
    const capacity = this.#parts.journal.checkCapacity();
    if (!capacity.ok) {
      // Refused before the card is touched: nothing to recover, nothing charged.
      const outcome: TapOutcome = { accepted: false, mode: this.#setup.mode, application: this.#setup.application, kind: undefined, reason: 'out_of_service', amountVnd: 0, balanceVnd: undefined, cardNumberTail: undefined, notes: [], events: [], timingsMs: {}, totalMs: 0 };
      this.#notify(outcome);
      return Promise.resolve(outcome);
    }
    if (this.#inFlight.size === 0) {
      // Between taps: a downloaded feed or key bundle takes over here, never during a card transaction.
      this.#parts.updates.fares?.engine.applyStaged();
      this.#parts.updates.keys?.keys.applyStaged();
    }
    const running = this.#setup.tap(link);
    this.#inFlight.add(running);
    const forget = (): void => { this.#inFlight.delete(running); };
    running.then(forget, forget);
    return running;
  }

  async syncOnce(): Promise<SyncRound | undefined> {
    if (this.#closing !== undefined) throw new DeviceError('device_closed', 'the device is closing');
    return this.#agent?.syncOnce();
  }

  status(): DeviceStatus {
    const { journal, denyList, actions, previous } = this.#parts;
    const sync = this.#agent?.status();
    return {
      reportedAt: this.#parts.clock().toISOString(),
      deviceId: this.config.deviceId,
      mode: this.#setup.mode,
      journal: journalSection(journal.status()),
      lists: {
        deny: { version: denyList.version, loadStatus: denyList.loadStatus, entryCount: denyList.entryCount },
        actions: { version: actions.version, loadStatus: actions.loadStatus, entryCount: actions.entryCount },
      },
      sync: sync === undefined ? undefined : { ...lastSyncOf(sync), lastAttemptAt: sync.lastAttemptAt ?? previous.lastAttemptAt, lastSuccessAt: sync.lastSuccessAt ?? previous.lastSuccessAt },
    };
  }

  async writeStatus(): Promise<void> {
    await writeStatusFile(this.config.dataDir, this.status());
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#syncStop.abort();
    // A round in flight finishes its exchange (each is bounded by the request timeout); taps in flight finish their card transaction.
    const drained = Promise.allSettled([...(this.#syncLoop === undefined ? [] : [this.#syncLoop]), ...this.#inFlight]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_DRAIN_WAIT_MS); })]);
    clearTimeout(timer);
    try {
      await this.writeStatus();
    } catch {
      // The status file is a convenience for `validator status`; the journal is the record.
    }
    this.#parts.journal.close();
    this.#parts.keys.close();
  }
}
