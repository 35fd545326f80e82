export * from './accounts.js';
export * from './contract.js';
export * from './sales.js';
