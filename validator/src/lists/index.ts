/** Deny and action lists on the validator: signed downloads applied, persisted atomically, looked up in memory. */
export { DenyListStore, type DenyListStoreOptions } from './deny-list-store.js';
export { ActionListStore, cardActionOf, type ActionListStoreOptions } from './action-list-store.js';
export { DenyTable } from './deny-table.js';
export { ActionTable } from './action-table.js';
export type { ListApplyResult, ListLoadStatus } from './apply-result.js';
export { ListStoreIoError, LIST_FILE_MODE, type AtomicWriteHooks } from './atomic-file.js';
export { decideVersion, type VersionDecision } from './version-rule.js';
export { StoreListSink, type AppliableList } from './list-sink.js';
