/** The sync agent: journal batches up, deny and action lists down (clearing-house/SYNC-PROTOCOL.md). */
export { createSyncAgent, type SyncAgent, type SyncAgentOptions, type SyncErrorCode, type SyncRound, type SyncStatus, type ListSyncStatus } from './sync-agent.js';
export { LIST_KINDS, type ListInstall, type ListKind, type ListSink } from './list-sink.js';
export type { FetchFunction, TransportFailure } from './http.js';
export type { UploadFailure } from './upload-answer.js';
export { backoffMs, retryAfterMs } from './backoff.js';
export { fetchServerStatus, type ServerStatus, type ServerStatusAnswer } from './server-status.js';
export * from './limits.js';
