export * from './exceptions.js';
export * from './gaps.js';
export * from './settlement-queries.js';
export * from './exception-queries.js';
export * from './fare-transactions.js';
export { BUSINESS_TIME_ZONE, assertBusinessDay } from './business-day-sql.js';
