/**
 * The fare feed as a sync download (clearing-house/SYNC-PROTOCOL.md "Fare
 * feeds"): `GET /v1/feeds/fares?since=<version()>` answers a SignedEnvelope
 * (context onecard/fare-feed/v1, list-signing key) holding the GTFS-Fares
 * files as one canonical JSON bundle. `install` refuses, keeping the feed in
 * force: a bad envelope or signature, another document kind, a version not
 * newer than the one held, and a feed that does not load (loadFeedFromFiles
 * + createFareEngine). Accepted feeds are stored atomically (temp, fsync,
 * rename) as the envelope received, then handed to `onInstalled`.
 */
import { readFile } from 'node:fs/promises';
import { SIGNING_CONTEXTS, decodeEnvelope, verifyEnvelope } from '@onecard/keys';
import { z } from 'zod';
import { createFareEngine, loadFeedFromFiles } from '../fares/index.js';
import { ListStoreIoError, removeStaleTemporaries, writeFileAtomic, type AtomicWriteHooks } from '../lists/atomic-file.js';
import type { TrustedListKey } from '../lists/wire.js';
import type { FareEngine } from '../ports.js';
import type { ListInstall, ListSink } from './list-sink.js';

/** The same context the clearing house signs with (keys SIGNING_CONTEXTS). */
export const FARE_FEED_CONTEXT = SIGNING_CONTEXTS.fareFeed;
export const FARE_FEED_FORMAT = 'onecard-fare-feed';
/** Files in one feed bundle; one file at most FEED_FILE_BYTES_MAX (the loader checks). */
export const FARE_FEED_FILE_COUNT_MAX = 64;

export type DownloadRefusal = 'envelope_malformed' | 'key_unknown' | 'signature_invalid' | 'payload_invalid' | 'version_not_newer' | 'feed_invalid' | 'device_mismatch' | 'bundle_unopenable' | 'store_io';

const fareFeedPayloadSchema = z.strictObject({
  format: z.literal(FARE_FEED_FORMAT),
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  publishedUtc: z.iso.datetime(),
  files: z.array(z.strictObject({ name: z.string().min(1).max(64), text: z.string() })).min(1).max(FARE_FEED_FILE_COUNT_MAX),
});

/**
 * Decodes and verifies a download with the trusted key its keyId names, and
 * parses its JSON payload. Every failure is a value (hostile bytes never throw).
 */
export function openSignedDownload<T>(input: { readonly bytes: Uint8Array; readonly context: string; readonly trustedKeys: readonly TrustedListKey[]; readonly schema: z.ZodType<T> }): { readonly ok: true; readonly payload: T } | { readonly ok: false; readonly code: DownloadRefusal } {
  let envelope;
  try {
    envelope = decodeEnvelope(input.bytes);
  } catch {
    return { ok: false, code: 'envelope_malformed' };
  }
  const key = input.trustedKeys.find((candidate) => candidate.keyId === envelope.keyId);
  if (key === undefined) return { ok: false, code: 'key_unknown' };
  if (!verifyEnvelope({ envelope, context: input.context, publicKey: key.publicKey })) return { ok: false, code: 'signature_invalid' };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(envelope.payload));
  } catch {
    return { ok: false, code: 'payload_invalid' };
  }
  const parsed = input.schema.safeParse(json);
  return parsed.success ? { ok: true, payload: parsed.data } : { ok: false, code: 'payload_invalid' };
}

export interface InstalledFeed {
  readonly version: number;
  readonly engine: FareEngine;
}

type FeedCheck = { readonly ok: true; readonly feed: InstalledFeed } | { readonly ok: false; readonly code: DownloadRefusal };

/** `versionHeld`: a feed not newer is refused before it is loaded. */
function checkFeed(bytes: Uint8Array, trustedKeys: readonly TrustedListKey[], versionHeld: number): FeedCheck {
  const opened = openSignedDownload({ bytes, context: FARE_FEED_CONTEXT, trustedKeys, schema: fareFeedPayloadSchema });
  if (!opened.ok) return opened;
  if (opened.payload.version <= versionHeld) return { ok: false, code: 'version_not_newer' };
  const files = new Map(opened.payload.files.map((file) => [file.name, file.text]));
  if (files.size !== opened.payload.files.length) return { ok: false, code: 'payload_invalid' };
  const feed = loadFeedFromFiles(files);
  if (!feed.ok) return { ok: false, code: 'feed_invalid' };
  const engine = createFareEngine(feed.value);
  if (!engine.ok) return { ok: false, code: 'feed_invalid' };
  return { ok: true, feed: { version: opened.payload.version, engine: engine.engine } };
}

export interface FareFeedSinkOptions {
  /** Where the accepted envelope is kept (the device's data folder). */
  readonly path: string;
  readonly trustedKeys: readonly TrustedListKey[];
  /** Called after the feed is stored; the device switches engines between taps. */
  readonly onInstalled: (feed: InstalledFeed) => void;
  readonly hooks?: AtomicWriteHooks;
}

export class FileFareFeedSink implements ListSink {
  readonly #options: FareFeedSinkOptions;
  #version: number;

  private constructor(options: FareFeedSinkOptions, version: number) {
    this.#options = options;
    this.#version = version;
  }

  /**
   * Opens the stored feed, if any (clearing the temporaries a crash left).
   * A stored file that no longer verifies or loads is ignored: `stored` is
   * undefined and the device runs on its configured feed.
   */
  static async open(options: FareFeedSinkOptions): Promise<{ readonly sink: FileFareFeedSink; readonly stored: InstalledFeed | undefined }> {
    await removeStaleTemporaries(options.path).catch(() => 0);
    let bytes: Uint8Array | undefined;
    try {
      bytes = new Uint8Array(await readFile(options.path));
    } catch {
      bytes = undefined;
    }
    const checked = bytes === undefined ? undefined : checkFeed(bytes, options.trustedKeys, 0);
    const stored = checked?.ok === true ? checked.feed : undefined;
    return { sink: new FileFareFeedSink(options, stored?.version ?? 0), stored };
  }

  version(): number {
    return this.#version;
  }

  async install(envelope: Uint8Array): Promise<ListInstall> {
    const checked = checkFeed(envelope, this.#options.trustedKeys, this.#version);
    if (!checked.ok) return checked;
    try {
      await writeFileAtomic(this.#options.path, envelope, this.#options.hooks);
    } catch (error: unknown) {
      if (error instanceof ListStoreIoError) return { ok: false, code: 'store_io' };
      throw error;
    }
    this.#version = checked.feed.version;
    this.#options.onInstalled(checked.feed);
    return { ok: true, version: this.#version };
  }
}
