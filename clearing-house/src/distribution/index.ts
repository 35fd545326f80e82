/** Fare feeds and device key bundles the clearing house distributes (SYNC-PROTOCOL.md). */
export { FileDistributionStore, FARE_FEED_FILE_NAME, type Distributed, type DistributionSigner, type DistributionStore, type PublishFailure, type PublishHooks, type PublishResult } from './store.js';
export { encodeFareFeedPayload, encodeKeyBundlePayload, fareFeedPayloadSchema, keyBundlePayloadSchema, type FareFeedPayload, type FeedFileInput, type KeyBundlePayload } from './payloads.js';
export { checkFareFeedFiles, FEED_CHECK_FAILURES, FEED_FILE_COLUMNS_REQUIRED, FEED_FILES_REQUIRED, type FeedCheckError, type FeedCheckFailure, type FeedCheckResult } from './feed-check.js';
export { checkSealedBundle, SEALED_BUNDLE_FORMATS, type SealedBundleCheck } from './sealed-bundle-check.js';
export {
  PUBLICATION_KINDS,
  publicationRecordSchema,
  type AuditedPublishResult,
  type DistributionPublishing,
  type FareFeedPublishInput,
  type KeyBundlePublishInput,
  type PublicationKind,
  type PublicationPage,
  type PublicationRecord,
  type PublicationSubject,
  type Publisher,
  type PublishRefusal,
  type SealedBundleFailure,
} from './publication.js';
export { registeredCertificateSerial, type RegisteredCertificate } from './device-certificate.js';
export * from './limits.js';
