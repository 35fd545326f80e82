/** @onecard/validator: the offline validator (tap pipeline, fare engine, lists, journal, sync, display). */
export type * from './ports.js';
