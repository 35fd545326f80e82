export * from './schema/index.js';
export { openDatabase, POOL_CONNECTION_COUNT_MAX, type Database, type Executor, type OpenDatabaseOptions, type Schema } from './open.js';
export { migrateDatabase, MIGRATIONS_FOLDER } from './migrate.js';
export { queryRows, jsonRecordset, toNumber } from './rows.js';
