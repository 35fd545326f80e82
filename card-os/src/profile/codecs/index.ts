/** Versioned codecs of every record on the card (PROFILE.md §5). */
export * from './result.js';
export * from './codes.js';
export { luhnValid, luhnCheckDigit } from './bcd.js';
export * from './identity.js';
export * from './transit-entitlements.js';
export * from './transit-fare-state.js';
export * from './transit-trip.js';
export * from './student-record.js';
export * from './attendance.js';
export * from './library-loans.js';
export * from './canteen-event.js';
export * from './civil.js';
export * from './health.js';
