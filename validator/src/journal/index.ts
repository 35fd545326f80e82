/** The device journal (durable, hash-chained, bounded) and its batches for the sync agent. */
export { openJournal } from './journal.js';
export type { DeviceJournal, JournalCapacity, JournalState, JournalStatus, OpenJournalOptions } from './device-journal.js';
export { JournalError, JOURNAL_ERROR_CODES, type JournalErrorCode } from './journal-error.js';
export type { BatchSummary, PendingBatch } from './batches.js';
export { BATCH_STATES, type BatchAcknowledgement, type BatchState } from './schema.js';
export type { ChainFaultCode, ChainVerification } from './verify.js';
export type { StorageLevel } from './capacity.js';
export { JOURNAL_FILE_NAME, journalPath } from './open-database.js';
export { journalSignerFromSeed, readJournalSigner, signerPublicKey } from './signer.js';
export * from './limits.js';
