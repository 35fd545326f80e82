/** Journal events, their hash chain and signed batches: the validator ↔ clearing-house contract (PROFILE.md §11). */
export * from './event.js';
export * from './chain.js';
export * from './batch.js';
