/** What the app is built from, and the per-request variables. */
import type { DeviceTrust, Ed25519BulkVerifier, VerifiedCrl } from '@onecard/keys';
import type { Database } from '../db/open.js';
import type { PostingMode } from '../ingest/ingest-batch.js';
import type { PostingWorker } from '../ledger/posting/worker.js';
import type { DistributionStore } from '../distribution/index.js';
import type { ListSnapshot } from '../lists/entries.js';
import type { Principal } from '../auth/sessions.js';
import type { PaymentGateway } from '../stripe/payment-gateway.js';

export interface AppOptions {
  readonly database: Database;
  readonly verifier: Ed25519BulkVerifier;
  readonly trust: DeviceTrust;
  /** The current verified CRL of the device CA (the caller refreshes it). */
  readonly crl: () => VerifiedCrl;
  readonly gateway: PaymentGateway;
  readonly nowMs: () => number;
  /**
   * Encodes and signs a list snapshot as the wire envelope (card-os/src/profile/lists).
   * Absent: the list endpoints answer the snapshot as JSON.
   */
  readonly encodeList?: (snapshot: Exclude<ListSnapshot, { status: 'not_modified' }>) => Uint8Array;
  /** Signed fare feeds and sealed key bundles for devices (SYNC-PROTOCOL.md). Absent: those endpoints answer 404. */
  readonly distribution?: DistributionStore;
  /**
   * How uploads reach the ledger (ingest-batch.ts): `inline` (default) posts each batch in its own
   * transaction; `deferred` only stores and queues, and a posting worker posts (src/ledger/posting/worker.ts:
   * in this process — pass it as `postingWorker` so each stored batch wakes it — or in its own,
   * `npm run posting-worker -w clearing-house`).
   */
  readonly posting?: PostingMode;
  readonly postingWorker?: Pick<PostingWorker, 'nudge'>;
}

export interface AppEnv {
  Variables: { principal: Principal };
}
