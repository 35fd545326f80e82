/**
 * Secure messaging shared by card and host: authentication state machines,
 * session keys, the D40 / EV1 / EV2 pipelines, ChangeKey cryptograms, and
 * pure entry points for the conformance vector runner.
 */
export * from './result.js';
export * from './session.js';
export * from './session-d40.js';
export * from './session-ev1.js';
export * from './session-ev2.js';
export * from './auth-ev1.js';
export * from './auth-ev2.js';
export * from './change-key.js';
export * from './transaction-mac.js';
export * from './transaction-mac-input.js';
export {
  EV2_CMD_CTR_MAX,
  EV2_KEY_BYTES,
  EV2_MACT_BYTES,
  EV2_RND_BYTES,
  EV2_TI_BYTES,
  ev2ComputeIv,
  ev2ComputeMac,
  ev2Decrypt,
  ev2DeriveSessionKeys,
  ev2Encrypt,
  ev2IvInput,
  ev2Sv,
  type Ev2Direction,
} from './ev2-crypto.js';
export { EV1_RND_BYTES, TMC_MAX, UID_BYTES } from './session-keys.js';
export * from './runner.js';
export * from './runner-auth.js';
export * from './user-ats.js';
