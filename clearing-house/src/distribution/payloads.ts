/**
 * The signed payloads (UTF-8 JSON inside a keys/ SignedEnvelope):
 * - fare feed: `{ format, version, publishedUtc, files: [{ name, text }] }`,
 *   files sorted by name (byte order) and unique: one canonical form per feed.
 * - key bundle: `{ format, deviceId, version, publishedUtc, sealedBase64 }`:
 *   the bundle keys/ sealed to the device certificate, untouched; the
 *   signature adds who sent it and which version it is (no rollback).
 */
import { z } from 'zod';
import { DISTRIBUTION_VERSION_MAX, FARE_FEED_FILE_BYTES_MAX, FARE_FEED_FILE_COUNT_MAX, FARE_FEED_FORMAT, FEED_FILE_NAME_PATTERN, KEY_BUNDLE_FORMAT, SEALED_BUNDLE_BYTES_MAX } from './limits.js';

const version = z.number().int().min(1).max(DISTRIBUTION_VERSION_MAX);

export const fareFeedPayloadSchema = z.strictObject({
  format: z.literal(FARE_FEED_FORMAT),
  version,
  publishedUtc: z.iso.datetime(),
  files: z
    .array(z.strictObject({ name: z.string().regex(FEED_FILE_NAME_PATTERN), text: z.string().max(FARE_FEED_FILE_BYTES_MAX) }))
    .min(1)
    .max(FARE_FEED_FILE_COUNT_MAX)
    .refine((files) => files.every((file, index) => index === 0 || (files[index - 1]?.name ?? '') < file.name), 'files must be sorted by name and unique'),
});
export type FareFeedPayload = z.infer<typeof fareFeedPayloadSchema>;

export const keyBundlePayloadSchema = z.strictObject({
  format: z.literal(KEY_BUNDLE_FORMAT),
  deviceId: z.number().int().min(1).max(0xffff_ffff),
  version,
  publishedUtc: z.iso.datetime(),
  sealedBase64: z.base64().max(Math.ceil(SEALED_BUNDLE_BYTES_MAX / 3) * 4),
});
export type KeyBundlePayload = z.infer<typeof keyBundlePayloadSchema>;

export interface FeedFileInput {
  readonly name: string;
  readonly text: string;
}

/** The canonical feed payload: files sorted, fixed key order. Undefined when a name is not a GTFS file name, repeats, or a file is too large. */
export function encodeFareFeedPayload(input: { readonly version: number; readonly publishedUtc: string; readonly files: readonly FeedFileInput[] }): Uint8Array | undefined {
  const files = [...input.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((file) => ({ name: file.name, text: file.text }));
  const payload = fareFeedPayloadSchema.safeParse({ format: FARE_FEED_FORMAT, version: input.version, publishedUtc: input.publishedUtc, files });
  return payload.success ? new TextEncoder().encode(JSON.stringify(payload.data)) : undefined;
}

export function encodeKeyBundlePayload(input: { readonly deviceId: number; readonly version: number; readonly publishedUtc: string; readonly sealed: Uint8Array }): Uint8Array {
  const payload = keyBundlePayloadSchema.parse({ format: KEY_BUNDLE_FORMAT, deviceId: input.deviceId, version: input.version, publishedUtc: input.publishedUtc, sealedBase64: Buffer.from(input.sealed).toString('base64') });
  return new TextEncoder().encode(JSON.stringify(payload));
}

/** Parses a payload this module wrote (the store reads versions back). Undefined when it is not one. */
export function readPayloadVersion(payload: Uint8Array, kind: 'fare-feed' | 'key-bundle'): number | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return undefined;
  }
  const parsed = kind === 'fare-feed' ? fareFeedPayloadSchema.safeParse(json) : keyBundlePayloadSchema.safeParse(json);
  return parsed.success ? parsed.data.version : undefined;
}
