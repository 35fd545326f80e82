/** Every limit of the device runtime, with its unit last. */

/** A device configuration file is a few hundred bytes; anything far larger is not one. */
export const CONFIG_FILE_BYTES_MAX = 64 * 1024;
/** Longest path accepted in a configuration field. */
export const CONFIG_PATH_CHARS_MAX = 4096;
/** Configuration problems reported at once (the rest are counted). */
export const CONFIG_PROBLEM_COUNT_MAX = 20;
/** Characters of a JSON path shown in a problem (hostile configs nest deeply). */
export const CONFIG_PROBLEM_PATH_CHARS_MAX = 120;
/** Trusted list-signing keys (two during a rotation, a little room). */
export const CONFIG_TRUSTED_LIST_KEY_COUNT_MAX = 4;
/** Key files (sealed bundle, PEM, seed) are a few KiB. */
export const KEY_FILE_BYTES_MAX = 1024 * 1024;

export const DEVICE_ID_MAX = 0xffff_ffff;
export const U16_MAX = 0xffff;
/** Recovery, repeat and anti-passback windows: at most a day. */
export const WINDOW_MS_MAX = 24 * 60 * 60 * 1000;
export const SYNC_INTERVAL_MS_MIN = 1_000;
export const SYNC_INTERVAL_MS_MAX = 24 * 60 * 60 * 1000;

/** How long `run` waits for the PC/SC reader to appear. */
export const READER_APPEAR_WAIT_MS = 10_000;
/** How long `close()` waits for a tap in flight and the sync round to finish before closing the journal anyway. */
export const CLOSE_DRAIN_WAIT_MS = 10_000;
/** Cached list-signing keys in the node:crypto verifier. */
export const LIST_VERIFIER_CACHED_KEY_COUNT_MAX = CONFIG_TRUSTED_LIST_KEY_COUNT_MAX;
