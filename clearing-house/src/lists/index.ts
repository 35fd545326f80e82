export * from './entries.js';
export * from './deny.js';
