/** Types shared by the distribution store and its audited publisher (kept apart so neither imports the other's module for types). */
import type { AtomicWriteHooks } from './atomic-file.js';
import type { FeedFileInput } from './payloads.js';
import type { DistributionPublishing, PublishFailure } from './publication.js';

export interface DistributionSigner {
  readonly keyId: string;
  readonly secretKey: Uint8Array;
}

/** A distributed document: its version and the envelope bytes served. */
export interface Distributed {
  readonly version: number;
  readonly envelope: Uint8Array;
}

export type { PublishFailure } from './publication.js';
export type PublishResult = { readonly ok: true; readonly version: number } | { readonly ok: false; readonly code: PublishFailure };

export interface PublishHooks extends AtomicWriteHooks {
  /**
   * After the envelope is signed, before it replaces the current one: the
   * publication log writes its record here, so a served version always has
   * one. A throw stops the publish (nothing replaced).
   */
  readonly beforePublish?: (document: Distributed) => Promise<void>;
}

/** What the device endpoints read. */
export interface DistributionStore {
  currentFareFeed(): Promise<Distributed | undefined>;
  currentKeyBundle(deviceId: number): Promise<Distributed | undefined>;
  /** Audited, idempotent publishing for the admin endpoints. Absent: those endpoints answer 404. */
  readonly publishing?: DistributionPublishing;
}

/** The store as the publisher drives it (FileDistributionStore). */
export interface PublishingTarget {
  currentFareFeed(): Promise<Distributed | undefined>;
  currentKeyBundle(deviceId: number): Promise<Distributed | undefined>;
  publishFareFeed(files: readonly FeedFileInput[], hooks?: PublishHooks): Promise<PublishResult>;
  putKeyBundle(input: { readonly deviceId: number; readonly sealed: Uint8Array }, hooks?: PublishHooks): Promise<PublishResult>;
}
