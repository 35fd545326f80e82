/** The sync agent: journal batches up; deny and action lists, fare feeds and key bundles down (clearing-house/SYNC-PROTOCOL.md). */
export { createSyncAgent, type SyncAgent, type SyncAgentOptions, type SyncErrorCode, type SyncRound, type SyncStatus, type ListSyncStatus } from './sync-agent.js';
export { LIST_KINDS, type ListInstall, type ListKind, type ListSink } from './list-sink.js';
export type { FetchFunction, TransportFailure } from './http.js';
export type { UploadFailure } from './upload-answer.js';
export { backoffMs, retryAfterMs } from './backoff.js';
export { fetchServerStatus, type ServerStatus, type ServerStatusAnswer } from './server-status.js';
export * from './limits.js';
export { FileFareFeedSink, openSignedDownload, FARE_FEED_CONTEXT, FARE_FEED_FORMAT } from './feed-sink.js';
export { FileKeyBundleSink, KEY_BUNDLE_CONTEXT, KEY_BUNDLE_FORMAT } from './bundle-sink.js';
