/** @onecard/keys/testing: deterministic helpers for tests and simulations (never for secrets), and a child process for crash tests. */
export { Random } from './seeded-random.js';
export { startTsxChild, TSX_CHILD_TEST_TIMEOUT_MS, TSX_CHILD_TIMEOUT_MS, waitUntil, type TsxChild } from './tsx-child.js';
