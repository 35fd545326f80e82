/**
 * The device key bundle as a sync download (clearing-house/SYNC-PROTOCOL.md
 * "Key bundles"): `GET /v1/devices/{id}/key-bundle?since=<version()>`
 * answers a SignedEnvelope (context onecard/key-bundle/v1, list-signing
 * key) holding this device's bundle exactly as keys/ sealed it to the device
 * certificate. The signature says who sent it and its version (no replay of
 * an older bundle); the sealing keeps the masters secret. `install` refuses,
 * keeping the keys in force: a bad envelope or signature, a bundle for
 * another device, a version not newer, and a bundle that does not open with
 * this device's private key for its role (`open`). Accepted bundles are
 * stored atomically as the envelope received, then handed to `onInstalled`.
 */
import { SIGNING_CONTEXTS } from '@onecard/keys';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ListStoreIoError, removeStaleTemporaries, writeFileAtomic, type AtomicWriteHooks } from '../lists/atomic-file.js';
import type { TrustedListKey } from '../lists/wire.js';
import { openSignedDownload, type DownloadRefusal } from './feed-sink.js';
import type { ListInstall, ListSink } from './list-sink.js';

export const KEY_BUNDLE_CONTEXT = SIGNING_CONTEXTS.keyBundle;
export const KEY_BUNDLE_FORMAT = 'onecard-key-bundle';
/** keys/src/pki/sealed-to-certificate.ts SEALED_LENGTH_MAX (not exported by @onecard/keys). */
export const SEALED_BUNDLE_BYTES_MAX = 1024 * 1024;
const BASE64_CHARS_PER_3_BYTES = 4;
const SEALED_BASE64_CHARS_MAX = Math.ceil(SEALED_BUNDLE_BYTES_MAX / 3) * BASE64_CHARS_PER_3_BYTES;

const keyBundlePayloadSchema = z.strictObject({
  format: z.literal(KEY_BUNDLE_FORMAT),
  deviceId: z.number().int().min(1).max(0xffff_ffff),
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  publishedUtc: z.iso.datetime(),
  sealedBase64: z.base64().max(SEALED_BASE64_CHARS_MAX),
});

export interface KeyBundleSinkOptions<K> {
  readonly path: string;
  readonly deviceId: number;
  readonly trustedKeys: readonly TrustedListKey[];
  /** Opens the sealed bundle (device private key, expected role); throws when it does not open. */
  readonly open: (sealed: Uint8Array) => K | Promise<K>;
  /** Called with the opened keys after the bundle is stored; the device switches between taps. */
  readonly onInstalled: (installed: { readonly version: number; readonly keys: K }) => void;
  /** Releases keys opened for a bundle that could not be stored. */
  readonly discard: (keys: K) => void;
  readonly hooks?: AtomicWriteHooks;
}

type BundleCheck<K> = { readonly ok: true; readonly version: number; readonly keys: K } | { readonly ok: false; readonly code: DownloadRefusal };

/** `versionHeld`: a bundle not newer is refused before it is opened. */
async function checkBundle<K>(bytes: Uint8Array, options: KeyBundleSinkOptions<K>, versionHeld: number): Promise<BundleCheck<K>> {
  const opened = openSignedDownload({ bytes, context: KEY_BUNDLE_CONTEXT, trustedKeys: options.trustedKeys, schema: keyBundlePayloadSchema });
  if (!opened.ok) return opened;
  if (opened.payload.deviceId !== options.deviceId) return { ok: false, code: 'device_mismatch' };
  if (opened.payload.version <= versionHeld) return { ok: false, code: 'version_not_newer' };
  const sealed = new Uint8Array(Buffer.from(opened.payload.sealedBase64, 'base64'));
  try {
    return { ok: true, version: opened.payload.version, keys: await options.open(sealed) };
  } catch {
    // Sealed to another certificate, tampered, another role: the opener's message is not kept (it may quote bytes).
    return { ok: false, code: 'bundle_unopenable' };
  }
}

export class FileKeyBundleSink<K> implements ListSink {
  readonly #options: KeyBundleSinkOptions<K>;
  #version: number;

  private constructor(options: KeyBundleSinkOptions<K>, version: number) {
    this.#options = options;
    this.#version = version;
  }

  /** Opens the stored bundle, if any; one that no longer verifies or opens is ignored (the configured bundle stays). */
  static async open<K>(options: KeyBundleSinkOptions<K>): Promise<{ readonly sink: FileKeyBundleSink<K>; readonly stored: { readonly version: number; readonly keys: K } | undefined }> {
    await removeStaleTemporaries(options.path).catch(() => 0);
    let bytes: Uint8Array | undefined;
    try {
      bytes = new Uint8Array(await readFile(options.path));
    } catch {
      bytes = undefined;
    }
    const checked = bytes === undefined ? undefined : await checkBundle(bytes, options, 0);
    const stored = checked?.ok === true ? { version: checked.version, keys: checked.keys } : undefined;
    return { sink: new FileKeyBundleSink(options, stored?.version ?? 0), stored };
  }

  version(): number {
    return this.#version;
  }

  async install(envelope: Uint8Array): Promise<ListInstall> {
    const checked = await checkBundle(envelope, this.#options, this.#version);
    if (!checked.ok) return checked;
    try {
      await writeFileAtomic(this.#options.path, envelope, this.#options.hooks);
    } catch (error: unknown) {
      this.#options.discard(checked.keys);
      if (error instanceof ListStoreIoError) return { ok: false, code: 'store_io' };
      throw error;
    }
    this.#version = checked.version;
    this.#options.onInstalled({ version: checked.version, keys: checked.keys });
    return { ok: true, version: this.#version };
  }
}
