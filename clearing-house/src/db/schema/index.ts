/** The clearing-house schema: one drizzle definition for PostgreSQL 15 and PGlite. */
export * from './organisations.js';
export * from './devices.js';
export * from './batches.js';
export * from './cards.js';
export * from './ledger.js';
export * from './reconcile.js';
export * from './topups.js';
export * from './lists.js';
export * from './schools.js';
