export * from './accounts.js';
export * from './transfers.js';
export * from './balances.js';
