/** Fare feeds and device key bundles the clearing house distributes (SYNC-PROTOCOL.md). */
export { FileDistributionStore, FARE_FEED_FILE_NAME, type Distributed, type DistributionSigner, type DistributionStore, type PublishFailure, type PublishResult } from './store.js';
export { encodeFareFeedPayload, encodeKeyBundlePayload, fareFeedPayloadSchema, keyBundlePayloadSchema, type FareFeedPayload, type FeedFileInput, type KeyBundlePayload } from './payloads.js';
export * from './limits.js';
