export * from './entries.js';
export * from './deny.js';
export * from './actions.js';
export * from './card-blocks.js';
