export * from './errors.js';
export * from './ed25519.js';
export * from './bulk-verifier.js';
export * from './envelope.js';
