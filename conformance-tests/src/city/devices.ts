/**
 * The city's validators: each one the real tap pipeline (createValidator
 * with busMode or schoolGateMode) on its own SAM key bundle, a durable SQLite
 * journal and list stores in a temp folder, and the real sync agent talking
 * HTTP to the clearing house. A bus validator has no fare feed of its own:
 * its agent downloads the one the clearing house publishes (FileFareFeedSink:
 * signature with the list-signing key, version, the feed loads), and the
 * validator prices taps with it; a newer feed a later round installs takes
 * over between taps (SwitchingFareEngine), as on a device.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ed25519BulkVerifier } from '@onecard/keys';
import {
  ActionListStore,
  BUS_RECOVERY_WINDOW_MS_DEFAULT,
  BUS_REPEAT_WINDOW_MS_DEFAULT,
  DenyListStore,
  FARE_FEED_FILE_NAME,
  FileFareFeedSink,
  GATE_ANTI_PASSBACK_MS_DEFAULT,
  GATE_RECOVERY_WINDOW_MS_DEFAULT,
  StoreListSink,
  SwitchingFareEngine,
  busMode,
  createSyncAgent,
  createValidator,
  openJournal,
  schoolGateMode,
  type DeviceJournal,
  type DeviceKeys,
  type ListSink,
  type SyncAgent,
  type TapLink,
  type TapOutcome,
} from '@onecard/validator';
import type { DeviceCredentials } from './key-material.js';
import { CITY_BATCH_EVENT_COUNT_MAX, CITY_UPLOAD_LOG_BATCH_COUNT_MAX } from './limits.js';

export type ValidatorKind = 'bus' | 'school-gate';
/** Cards carry the fare medium `onecard` in the Hanoi feed. */
const FARE_MEDIA_ID = 'onecard';
const LIST_VERIFIER_CACHED_KEY_COUNT_MAX = 16;

export interface CityValidator {
  readonly deviceId: number;
  readonly kind: ValidatorKind;
  /** The bus operator, or the school that runs the gate. */
  readonly organisationId: string;
  /** The bus route (GTFS route_id); undefined for the school gate. */
  readonly routeId: string | undefined;
  readonly canAutoload: boolean;
  readonly journal: DeviceJournal;
  readonly agent: SyncAgent;
  /** Bus: the sink the agent installs downloaded fare feeds through (verify, store, load); undefined for the gate. */
  readonly fareFeed: ListSink | undefined;
  /** Bus: the downloaded feed version that prices taps now (a newer one installed takes over at the next tap); undefined for the gate. */
  fareFeedVersion(): number | undefined;
  tap(link: TapLink): Promise<TapOutcome>;
  close(): void;
}

export interface OpenCityValidatorInput {
  readonly kind: ValidatorKind;
  readonly credentials: DeviceCredentials;
  readonly keys: DeviceKeys;
  /** Bus: the operator (journaled as each event's operatorId). Gate: the school (events carry its site code instead). */
  readonly organisationId: string;
  readonly routeId: string | undefined;
  readonly schoolCode: number;
  readonly dataDir: string;
  readonly baseUrl: string;
  readonly listKey: { readonly keyId: string; readonly publicKey: Uint8Array };
  readonly clock: () => Date;
  readonly onOutcome?: (outcome: TapOutcome) => void;
  /** Keeps a copy of every batch the agent uploads (re-send tests). */
  readonly uploadLog?: UploadLog;
}

/** Batches as they went over the wire, for re-sending them (bounded: the oldest are dropped). */
export class UploadLog {
  readonly #uploads: { readonly url: string; readonly headers: Record<string, string>; readonly body: Uint8Array }[] = [];

  record(url: string, init: RequestInit): void {
    if (init.method !== 'POST' || !(init.body instanceof Uint8Array)) return;
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    this.#uploads.push({ url, headers, body: init.body.slice() });
    if (this.#uploads.length > CITY_UPLOAD_LOG_BATCH_COUNT_MAX) this.#uploads.shift();
  }

  get uploads(): readonly { readonly url: string; readonly headers: Record<string, string>; readonly body: Uint8Array }[] {
    return this.#uploads;
  }
}

export async function openCityValidator(input: OpenCityValidatorInput): Promise<CityValidator> {
  const { deviceId } = input.credentials;
  const dir = join(input.dataDir, `device-${deviceId}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const journal = openJournal({ dir: join(dir, 'journal'), deviceId, signer: { keyId: input.credentials.journalKeyId, secretKey: input.credentials.journalKeyPair.secretKey }, now: input.clock });
  try {
    const trust = { trustedKeys: [input.listKey], verifier: new Ed25519BulkVerifier({ cachedKeyCountMax: LIST_VERIFIER_CACHED_KEY_COUNT_MAX }) };
    const denyList = await DenyListStore.open({ ...trust, path: join(dir, 'deny-list.snapshot') });
    const actions = await ActionListStore.open({ ...trust, path: join(dir, 'action-list.snapshot'), now: input.clock, isActionApplied: (actionId) => journal.isActionApplied(actionId) });
    const feed = input.kind === 'bus' ? await openFeedDownloads(join(dir, FARE_FEED_FILE_NAME), input.listKey) : undefined;
    const agent = createSyncAgent({
      journal,
      deviceId,
      baseUrl: input.baseUrl,
      lists: { deny: new StoreListSink(denyList), actions: new StoreListSink(actions) },
      ...(feed === undefined ? {} : { fareFeed: feed.sink }),
      batchEventCountMax: CITY_BATCH_EVENT_COUNT_MAX,
      now: input.clock,
      ...(input.uploadLog === undefined ? {} : { fetch: loggingFetch(input.uploadLog) }),
    });
    // A bus validator starts with what the clearing house publishes: one sync round, as a device does when it comes up.
    const fares = feed === undefined ? undefined : await firstFeed(agent, feed.fares, deviceId);
    const canAutoload = input.keys.role === 'bus-validator-autoload';
    const common = {
      device: { deviceId, operatorId: input.kind === 'bus' ? input.organisationId : undefined },
      keys: input.keys.keys,
      denyList,
      actions,
      journal,
      clock: input.clock,
      ...(input.onOutcome === undefined ? {} : { onOutcome: input.onOutcome }),
    };
    const tap = tapFunction(input, common, { canAutoload, fares });
    return {
      deviceId,
      kind: input.kind,
      organisationId: input.organisationId,
      routeId: input.routeId,
      canAutoload,
      journal,
      agent,
      fareFeed: feed?.sink,
      fareFeedVersion: () => fares?.version,
      tap,
      close: () => {
        journal.close();
      },
    };
  } catch (error: unknown) {
    journal.close();
    throw error;
  }
}

type InstalledFeed = Parameters<SwitchingFareEngine['stage']>[0];

/** A bus validator's fares as its sync agent installs them: the first feed makes the engine, later ones are staged on it. */
class DownloadedFares {
  #engine: SwitchingFareEngine | undefined;
  #first: InstalledFeed | undefined;

  readonly onInstalled = (feed: InstalledFeed): void => {
    if (this.#engine === undefined) this.#first = feed;
    else this.#engine.stage(feed);
  };

  /** The engine, made from the first installed feed; undefined while none was installed. */
  engine(): SwitchingFareEngine | undefined {
    if (this.#engine === undefined && this.#first !== undefined) {
      this.#engine = new SwitchingFareEngine({ engine: this.#first.engine, version: this.#first.version });
      this.#first = undefined;
    }
    return this.#engine;
  }
}

async function openFeedDownloads(path: string, listKey: OpenCityValidatorInput['listKey']): Promise<{ readonly sink: FileFareFeedSink; readonly fares: DownloadedFares }> {
  const fares = new DownloadedFares();
  // A fresh data folder holds no stored feed: the first one comes from the clearing house.
  const { sink } = await FileFareFeedSink.open({ path, trustedKeys: [listKey], onInstalled: fares.onInstalled });
  return { sink, fares };
}

async function firstFeed(agent: SyncAgent, fares: DownloadedFares, deviceId: number): Promise<SwitchingFareEngine> {
  const round = await agent.syncOnce();
  const engine = fares.engine();
  if (engine === undefined) throw new Error(`bus validator ${deviceId} has no fare feed from the clearing house (${agent.status().fareFeed?.lastErrorCode ?? round.errorCode ?? 'none published'})`);
  return engine;
}

function loggingFetch(log: UploadLog): (url: string, init: RequestInit) => Promise<Response> {
  return (url, init) => {
    log.record(url, init);
    return fetch(url, init);
  };
}

type CommonParts = Omit<Parameters<typeof createValidator<void>>[0], 'mode'>;

function tapFunction(input: OpenCityValidatorInput, common: CommonParts, bus: { readonly canAutoload: boolean; readonly fares: SwitchingFareEngine | undefined }): (link: TapLink) => Promise<TapOutcome> {
  switch (input.kind) {
    case 'bus': {
      const { routeId } = input;
      const { fares } = bus;
      if (routeId === undefined || fares === undefined) throw new Error('assertion failed: a bus validator has a route and a fare feed');
      const validator = createValidator({
        ...common,
        mode: busMode({ fares, position: () => ({ routeId, stopId: undefined }), fareMediaId: FARE_MEDIA_ID, autoload: bus.canAutoload, windows: { recoveryWindowMs: BUS_RECOVERY_WINDOW_MS_DEFAULT, repeatWindowMs: BUS_REPEAT_WINDOW_MS_DEFAULT } }),
      });
      let inFlightCount = 0;
      return async (link) => {
        // Between taps only: a feed a sync round installed takes over here, never inside a card transaction.
        if (inFlightCount === 0) fares.applyStaged();
        inFlightCount += 1;
        try {
          return await validator.tap(link, undefined);
        } finally {
          inFlightCount -= 1;
        }
      };
    }
    case 'school-gate': {
      const validator = createValidator({
        ...common,
        mode: schoolGateMode({ siteCode: input.schoolCode, gateNo: 1, direction: 'alternate', antiPassbackMs: GATE_ANTI_PASSBACK_MS_DEFAULT, recoveryWindowMs: GATE_RECOVERY_WINDOW_MS_DEFAULT }),
      });
      return (link) => validator.tap(link, undefined);
    }
  }
}
