/**
 * @onecard/clearing-house: the data core (database, device registry,
 * ingestion, ledger, reconciliation, top-ups, lists, users) and the HTTP API.
 * Stripe, reports and the dashboard live in src/stripe, src/reports and
 * src/dashboard and are exported by their own modules.
 */
export { openDatabase, POOL_CONNECTION_COUNT_MAX, type Database, type Executor, type OpenDatabaseOptions } from './db/open.js';
export { migrateDatabase, MIGRATIONS_FOLDER } from './db/migrate.js';
export * as schema from './db/schema/index.js';
export { registerDevice, applyCrl, authenticateDevice, type Registration, type RegistrationFailure, type DeviceRefusal } from './devices/registry.js';
export { registerCards, CARD_REGISTRATION_COUNT_MAX, type CardRegistration, type RegisterCardsResult } from './cards/register.js';
export { ingestBatch, BATCH_BYTES_MAX, type IngestContext, type PostingMode } from './ingest/ingest-batch.js';
export { QUARANTINE_REASONS, type IngestOutcome, type QuarantineReason } from './ingest/outcome.js';
export * from './ledger/accounts.js';
export { accountBalances, balanceOf, ledgerTotals, type AccountBalance, type LedgerTotals } from './ledger/balances.js';
export { deterministicUuid, TRANSFER_CODES, type TransferCode } from './ledger/transfers.js';
export { postHeldEvents } from './ledger/posting/apply.js';
export { postPendingEvents, POSTING_JOB_CARD_COUNT_MAX, type PostingJobOptions } from './ledger/posting/job.js';
export { describeFailure, startPostingWorker, type PostingWorker, type PostingWorkerOptions, type PostingWorkerStats } from './ledger/posting/worker.js';
export { forkPostingWorker, type PostingWorkerProcess } from './ledger/posting/worker-fork.js';
export * from './reconcile/index.js';
export * from './topups/index.js';
export * from './lists/index.js';
export { FileDistributionStore, type DistributionSigner, type DistributionStore } from './distribution/index.js';
export * from './auth/index.js';
export { createApp, API_VERSION, type AppOptions } from './api/app.js';
export { API_ERROR_CODES, type ApiErrorCode } from './api/errors.js';
export type { PaymentGateway, PaymentWebhookEvent, WebhookParseResult, CreatePaymentIntentInput, CreatedPaymentIntent } from './stripe/payment-gateway.js';
export * from './passes/index.js';
