/**
 * The audit record of one publication (who, when, which version, the sha256
 * of the envelope served) and the audited, idempotent publishing the admin
 * endpoints use. A record never holds feed text, sealed bytes or the
 * idempotency key itself (only its sha256).
 */
import { z } from 'zod';
import type { FeedCheckError, FeedCheckFailure } from './feed-check.js';
import { DISTRIBUTION_VERSION_MAX, FARE_FEED_FILE_COUNT_MAX, FEED_FILE_NAME_PATTERN } from './limits.js';

export const PUBLICATION_KINDS = ['fare-feed', 'key-bundle'] as const;
export type PublicationKind = (typeof PUBLICATION_KINDS)[number];

/** What the store itself refuses. */
export type PublishFailure = 'feed_invalid' | 'feed_too_large' | 'sealed_bundle_invalid' | 'stored_file_corrupt';

export type SealedBundleFailure = 'sealed_bundle_invalid' | 'sealed_to_another_device' | 'sealed_to_another_certificate';

/** Every refusal of an audited publish, as a stable code. */
export type PublishRefusal = FeedCheckFailure | SealedBundleFailure | PublishFailure | 'idempotency_key_invalid' | 'idempotency_key_reused';

const ID_LENGTH_CHARS_MAX = 128;
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const publicationRecordSchema = z.strictObject({
  kind: z.enum(PUBLICATION_KINDS),
  /** The device of a key bundle; null for a fare feed. */
  deviceId: z.number().int().min(1).max(0xffff_ffff).nullable(),
  version: z.number().int().min(1).max(DISTRIBUTION_VERSION_MAX),
  publishedUtc: z.iso.datetime(),
  /** SHA-256 of the exact envelope bytes the download endpoint answers. */
  envelopeSha256: sha256Hex,
  envelopeSizeBytes: z.number().int().min(1),
  byUserId: z.string().min(1).max(ID_LENGTH_CHARS_MAX),
  byOrganisationId: z.string().min(1).max(ID_LENGTH_CHARS_MAX),
  idempotencyKeySha256: sha256Hex,
  /** SHA-256 of the request's content (files, or device and sealed bytes): a replay must repeat it. */
  requestSha256: sha256Hex,
  /** Fare feed: the file names, sorted. Key bundle: empty. */
  fileNames: z.array(z.string().regex(FEED_FILE_NAME_PATTERN)).max(FARE_FEED_FILE_COUNT_MAX),
  /** Key bundle: the certificate serial it is sealed to; null for a fare feed. */
  certificateSerialHex: z.string().regex(/^[0-9a-f]{1,64}$/).nullable(),
});
export type PublicationRecord = z.infer<typeof publicationRecordSchema>;

/** The signed-in principal who publishes. */
export interface Publisher {
  readonly userId: string;
  readonly organisationId: string;
}

export type AuditedPublishResult =
  | { readonly ok: true; readonly record: PublicationRecord; readonly created: boolean }
  | { readonly ok: false; readonly code: PublishRefusal; readonly feedError?: FeedCheckError };

export type PublicationSubject = { readonly kind: 'fare-feed' } | { readonly kind: 'key-bundle'; readonly deviceId: number };

export interface PublicationPage {
  /** Only versions below this one (paging backwards); absent: from the current version. */
  readonly beforeVersion?: number;
  readonly countMax: number;
}

export interface FareFeedPublishInput {
  /** File name → CSV text. */
  readonly files: Readonly<Record<string, string>>;
  readonly idempotencyKey: string;
  readonly by: Publisher;
}

export interface KeyBundlePublishInput {
  readonly deviceId: number;
  /** The bundle keys/ sealed to the device certificate (sealKeyBundle / sealPayloadToCertificate), untouched. */
  readonly sealed: Uint8Array;
  /** The serial of the device's registered certificate: the bundle must be sealed to it. */
  readonly certificateSerialHex: string;
  readonly idempotencyKey: string;
  readonly by: Publisher;
}

export interface DistributionPublishing {
  publishFareFeed(input: FareFeedPublishInput): Promise<AuditedPublishResult>;
  publishKeyBundle(input: KeyBundlePublishInput): Promise<AuditedPublishResult>;
  /** Newest first, only versions that were served (a publish cut before its rename is not listed). */
  publications(subject: PublicationSubject, page: PublicationPage): Promise<readonly PublicationRecord[]>;
}
