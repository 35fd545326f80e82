/** @onecard/validator: the offline validator (tap pipeline, fare engine, lists, journal, sync, display). */
export type * from './ports.js';
export * from './lists/index.js';
export * from './fares/index.js';
export * from './journal/index.js';
export * from './sync/index.js';
export * from './tap/index.js';
export * from './runtime/index.js';
