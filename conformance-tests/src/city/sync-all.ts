/**
 * Every device's sync agent, round after round, until its queue is empty (the
 * real agent over HTTP). A failed round is retried after a short pause, as the
 * agent's own loop would after its backoff (an idle keep-alive connection the
 * server closed just as the client reused it is the usual cause); a device
 * that keeps failing is reported and left with its queue.
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import type { CityValidator } from './devices.js';
import { CITY_SYNC_RETRY_COUNT_MAX, CITY_SYNC_RETRY_WAIT_MS, CITY_SYNC_ROUND_COUNT_PER_DEVICE_MAX } from './limits.js';

export interface SyncReport {
  readonly roundCount: number;
  readonly acknowledgedBatchCount: number;
  /** Rounds that failed and were retried. */
  readonly retriedRoundCount: number;
  /** Devices that still failed after CITY_SYNC_RETRY_COUNT_MAX retries. */
  readonly failedRoundCount: number;
  /** Error codes of failed rounds (retried or not), by code. */
  readonly errors: Record<string, number>;
  readonly pendingBatchCount: number;
}

export async function syncDevices(validators: readonly CityValidator[], options: { readonly onProgress?: (done: number, total: number) => void } = {}): Promise<SyncReport> {
  let roundCount = 0;
  let acknowledgedBatchCount = 0;
  let failedRoundCount = 0;
  let retriedRoundCount = 0;
  const errors: Record<string, number> = {};
  for (const [index, validator] of validators.entries()) {
    let retries = 0;
    for (let round = 0; round < CITY_SYNC_ROUND_COUNT_PER_DEVICE_MAX; round++) {
      const result = await validator.agent.syncOnce();
      roundCount += 1;
      acknowledgedBatchCount += result.acknowledgedBatchSeqs.length;
      if (!result.ok) {
        const code = result.errorCode ?? 'unknown';
        errors[code] = (errors[code] ?? 0) + 1;
        if (retries >= CITY_SYNC_RETRY_COUNT_MAX) {
          failedRoundCount += 1;
          break;
        }
        retries += 1;
        retriedRoundCount += 1;
        await sleepMs(CITY_SYNC_RETRY_WAIT_MS);
        continue;
      }
      const status = validator.agent.status();
      if (!result.morePending && status.pendingBatchCount === 0 && status.uncutEventCount === 0) break;
    }
    options.onProgress?.(index + 1, validators.length);
  }
  const pendingBatchCount = validators.reduce((sum, v) => sum + v.agent.status().pendingBatchCount, 0);
  return { roundCount, acknowledgedBatchCount, retriedRoundCount, failedRoundCount, errors, pendingBatchCount };
}
