/** Every limit and default of the city, unit last; relations asserted once at the end. */

/** The biggest city one process runs (validators of all kinds). */
export const CITY_VALIDATOR_COUNT_MAX = 200;
/** Cards personalised in one city (each is a full DESFire emulation in memory). */
export const CITY_CARD_COUNT_MAX = 20_000;
/** Taps asked of one `runTaps` call. */
export const CITY_TAP_COUNT_PER_CALL_MAX = 2_000_000;
/** Sync rounds one `syncAll` runs per device before it gives up on an unfinished queue. */
export const CITY_SYNC_ROUND_COUNT_PER_DEVICE_MAX = 10_000;
/** A failed sync round is retried this many times per device and call, after this pause. */
export const CITY_SYNC_RETRY_COUNT_MAX = 3;
export const CITY_SYNC_RETRY_WAIT_MS = 200;
/** The simulated service day: taps spread over this span, ending at the moment the city starts. */
export const CITY_SERVICE_DAY_SPAN_MS = 15 * 3_600_000;
/** Validity of the device CA and device certificates the city issues itself. */
export const CITY_CA_VALIDITY_DAYS = 3_650;
export const CITY_DEVICE_CERTIFICATE_VALIDITY_DAYS: number = 365;
/** The city's CRL is re-issued when it has less than this left (a long `npm start` session). */
export const CITY_CRL_VALIDITY_MS = 7 * 86_400_000;
/** Action-list entries stay valid this long after they are published. */
export const CITY_ACTION_VALIDITY_MS = 30 * 86_400_000;
/** Progress is reported at most once per this many taps or batches. */
export const CITY_PROGRESS_STEP_COUNT: number = 500;
/** The sync agent cuts batches of at most this many events (well under the 1 MiB batch bound). */
export const CITY_BATCH_EVENT_COUNT_MAX = 1_000;
/** Uploaded batches kept for re-send tests (the oldest are dropped beyond this). */
export const CITY_UPLOAD_LOG_BATCH_COUNT_MAX = 10_000;
/** Top-up amounts the city's helpers accept (the clearing house checks its own bounds too). */
export const CITY_TOPUP_AMOUNT_VND_MAX = 2_000_000;
/** Waiting for the Stripe fake's webhook to reach the clearing house. */
export const CITY_WEBHOOK_WAIT_MS = 10_000;

function assertLimit(condition: boolean, what: string): void {
  if (!condition) throw new Error(`assertion failed: city limits: ${what}`);
}

assertLimit(CITY_DEVICE_CERTIFICATE_VALIDITY_DAYS < CITY_CA_VALIDITY_DAYS, 'device certificates expire before their CA');
assertLimit(CITY_PROGRESS_STEP_COUNT < CITY_TAP_COUNT_PER_CALL_MAX, 'progress is reported inside a long run');
assertLimit(CITY_SERVICE_DAY_SPAN_MS < 86_400_000, 'one service day fits a calendar day');
