/**
 * How `card-os serve` retries the TCP connect to vpcd: vpcd only listens
 * while pcscd runs, and pcscd may start after us (boot order, a restart).
 * Exponential backoff from `backoffMsInitial`, doubling up to
 * `backoffMsMax`, for at most `attemptsMax` attempts per outage; with the
 * defaults that is about half a minute before giving up.
 */
export interface ConnectRetryPolicy {
  readonly attemptsMax: number;
  readonly backoffMsInitial: number;
  readonly backoffMsMax: number;
}

export const CONNECT_ATTEMPTS_MAX = 20;
export const CONNECT_BACKOFF_MS_INITIAL = 100;
export const CONNECT_BACKOFF_MS_MAX = 2_000;
export const CONNECT_BACKOFF_FACTOR = 2;
/**
 * Sessions one `serve` run opens: the first, plus reconnects after vpcd
 * closed the connection (pcscd restarted). A peer that accepts and drops
 * us in a loop ends the run instead of spinning forever.
 */
export const SERVE_SESSIONS_MAX = 1_000;

export const DEFAULT_CONNECT_RETRY: ConnectRetryPolicy = {
  attemptsMax: CONNECT_ATTEMPTS_MAX,
  backoffMsInitial: CONNECT_BACKOFF_MS_INITIAL,
  backoffMsMax: CONNECT_BACKOFF_MS_MAX,
};

/** Delay before attempt `attempt` + 1 (attempt counts from 1). */
export function backoffMs(policy: ConnectRetryPolicy, attempt: number): number {
  return Math.min(policy.backoffMsMax, policy.backoffMsInitial * CONNECT_BACKOFF_FACTOR ** (attempt - 1));
}

/** Total time the policy may wait between attempts, for the operator's message. */
export function backoffMsTotal(policy: ConnectRetryPolicy): number {
  let totalMs = 0;
  for (let attempt = 1; attempt < policy.attemptsMax; attempt++) totalMs += backoffMs(policy, attempt);
  return totalMs;
}
