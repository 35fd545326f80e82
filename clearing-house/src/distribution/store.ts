/**
 * What the clearing house distributes, on disk: the current signed fare feed
 * and each device's current sealed key bundle, both as the exact envelope
 * bytes the endpoints answer. Publishing signs once (list-signing key) and
 * replaces the file atomically; a version never goes down. The store never
 * sees a master key: it is handed bundles keys/ already sealed to the device
 * certificate (at provisioning or rotation) and cannot open them.
 * `publishing` (publisher.ts) is the audited, idempotent way in for people;
 * its log (publication-log.ts) lives in the same directory.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeEnvelope, encodeEnvelope, signEnvelope } from '@onecard/keys';
import { writeFileAtomic } from './atomic-file.js';
import { FARE_FEED_CONTEXT, FARE_FEED_PAYLOAD_BYTES_MAX, KEY_BUNDLE_CONTEXT, SEALED_BUNDLE_BYTES_MAX } from './limits.js';
import { encodeFareFeedPayload, encodeKeyBundlePayload, readPayloadVersion, type FeedFileInput } from './payloads.js';
import { PublicationLog } from './publication-log.js';
import { AuditedPublisher } from './publisher.js';
import type { Distributed, DistributionSigner, DistributionStore, PublishHooks, PublishingTarget, PublishResult } from './types.js';

export type { Distributed, DistributionSigner, DistributionStore, PublishFailure, PublishHooks, PublishResult } from './types.js';

export const FARE_FEED_FILE_NAME = 'fare-feed.ocse';
const KEY_BUNDLE_DIR_NAME = 'key-bundles';
const DIRECTORY_MODE = 0o700;

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

export class FileDistributionStore implements DistributionStore, PublishingTarget {
  /** Audited, idempotent publishing (publisher.ts); the log lives in this store's directory. */
  readonly publishing: AuditedPublisher;
  readonly #directory: string;
  readonly #signer: DistributionSigner;
  readonly #nowMs: () => number;
  /** Publishes run one at a time (version = current + 1). */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(input: { directory: string; signer: DistributionSigner; nowMs: () => number; log: PublicationLog }) {
    this.#directory = input.directory;
    this.#signer = input.signer;
    this.#nowMs = input.nowMs;
    this.publishing = new AuditedPublisher({ target: this, log: input.log, nowMs: input.nowMs });
  }

  static async open(input: { readonly directory: string; readonly signer: DistributionSigner; readonly nowMs?: () => number }): Promise<FileDistributionStore> {
    await mkdir(join(input.directory, KEY_BUNDLE_DIR_NAME), { recursive: true, mode: DIRECTORY_MODE });
    const log = await PublicationLog.open(input.directory);
    return new FileDistributionStore({ directory: input.directory, signer: input.signer, nowMs: input.nowMs ?? Date.now, log });
  }

  currentFareFeed(): Promise<Distributed | undefined> {
    return this.#read(join(this.#directory, FARE_FEED_FILE_NAME), 'fare-feed');
  }

  async currentKeyBundle(deviceId: number): Promise<Distributed | undefined> {
    return this.#read(this.#bundlePath(deviceId), 'key-bundle');
  }

  /** Signs `files` as the next fare-feed version. The devices validate the feed itself when they load it. */
  publishFareFeed(files: readonly FeedFileInput[], hooks: PublishHooks = {}): Promise<PublishResult> {
    return this.#serial(async () => {
      const current = await this.currentFareFeed().catch(() => 'corrupt' as const);
      if (current === 'corrupt') return { ok: false, code: 'stored_file_corrupt' };
      const version = (current?.version ?? 0) + 1;
      const payload = encodeFareFeedPayload({ version, publishedUtc: new Date(this.#nowMs()).toISOString(), files });
      if (payload === undefined) return { ok: false, code: 'feed_invalid' };
      if (payload.length > FARE_FEED_PAYLOAD_BYTES_MAX) return { ok: false, code: 'feed_too_large' };
      const envelope = this.#sign(FARE_FEED_CONTEXT, payload);
      await hooks.beforePublish?.({ version, envelope });
      await writeFileAtomic(join(this.#directory, FARE_FEED_FILE_NAME), envelope, hooks);
      return { ok: true, version };
    });
  }

  /** Records the bundle keys/ sealed to the device (exportDeviceBundle's `sealed`) as the device's next key-bundle version. */
  putKeyBundle(input: { readonly deviceId: number; readonly sealed: Uint8Array }, hooks: PublishHooks = {}): Promise<PublishResult> {
    return this.#serial(async () => {
      const path = this.#bundlePath(input.deviceId);
      if (input.sealed.length === 0 || input.sealed.length > SEALED_BUNDLE_BYTES_MAX) return { ok: false, code: 'sealed_bundle_invalid' };
      const current = await this.#read(path, 'key-bundle').catch(() => 'corrupt' as const);
      if (current === 'corrupt') return { ok: false, code: 'stored_file_corrupt' };
      const version = (current?.version ?? 0) + 1;
      const payload = encodeKeyBundlePayload({ deviceId: input.deviceId, version, publishedUtc: new Date(this.#nowMs()).toISOString(), sealed: input.sealed });
      const envelope = this.#sign(KEY_BUNDLE_CONTEXT, payload);
      await hooks.beforePublish?.({ version, envelope });
      await writeFileAtomic(path, envelope, hooks);
      return { ok: true, version };
    });
  }

  #bundlePath(deviceId: number): string {
    if (!Number.isSafeInteger(deviceId) || deviceId < 1) throw new RangeError('deviceId must be a positive integer');
    return join(this.#directory, KEY_BUNDLE_DIR_NAME, `${deviceId}.ocse`);
  }

  #sign(context: string, payload: Uint8Array): Uint8Array {
    return encodeEnvelope(signEnvelope({ context, keyId: this.#signer.keyId, payload, secretKey: this.#signer.secretKey }));
  }

  /** Undefined when nothing was published; throws when the stored file is not what this store writes. */
  async #read(path: string, kind: 'fare-feed' | 'key-bundle'): Promise<Distributed | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error: unknown) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    const version = readPayloadVersion(decodeEnvelope(bytes).payload, kind);
    if (version === undefined) throw new Error(`the stored ${kind} file is not a ${kind} envelope`);
    return { version, envelope: bytes };
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
