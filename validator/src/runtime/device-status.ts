/**
 * What a device reports about itself: journal fill and warning, batches
 * waiting, the last sync, list versions. A running device also writes it to
 * `<dataDir>/device-status.json` (temp + rename), so `validator status` can
 * answer while the journal is locked by that device.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { JournalState, JournalStatus } from '../journal/index.js';
import type { ListLoadStatus } from '../lists/index.js';
import type { SyncErrorCode, SyncStatus } from '../sync/index.js';
import type { TapMode } from '../tap/index.js';
import { CONFIG_FILE_BYTES_MAX } from './limits.js';

export const DEVICE_STATUS_FILE_NAME = 'device-status.json';

export interface ListStatus {
  readonly version: number;
  readonly loadStatus: ListLoadStatus;
  readonly entryCount: number;
}

export interface LastSync {
  readonly lastAttemptAt: string | undefined;
  readonly lastSuccessAt: string | undefined;
  readonly lastErrorCode: SyncErrorCode | undefined;
  readonly consecutiveFailureCount: number;
  readonly backoffUntil: string | undefined;
}

export interface DeviceStatus {
  readonly reportedAt: string;
  readonly deviceId: number;
  readonly mode: TapMode;
  readonly journal: {
    readonly state: JournalState;
    readonly fillPercent: number;
    /** A sentence for the operator when the journal needs attention. */
    readonly warning: string | undefined;
    readonly lastSeq: number;
    readonly storedEventCount: number;
    readonly unacknowledgedEventCount: number;
    readonly uncutEventCount: number;
    readonly pendingBatchCount: number;
    readonly oldestPendingBatchCreatedAt: string | undefined;
  };
  readonly lists: { readonly deny: ListStatus; readonly actions: ListStatus };
  /** Undefined: no clearing house configured (offline device). */
  readonly sync: LastSync | undefined;
}

export function journalWarningOf(status: JournalStatus): string | undefined {
  switch (status.state) {
    case 'ok':
      return undefined;
    case 'warning':
      return `journal ${status.fillPercent}% full of events not yet acknowledged: sync the device`;
    case 'full':
      return 'journal full of events not yet acknowledged: taps are refused until the device syncs';
    case 'chain_broken':
      return 'journal chain does not verify: taps are refused, an operator must act';
  }
}

export function journalSection(status: JournalStatus): DeviceStatus['journal'] {
  return {
    state: status.state,
    fillPercent: status.fillPercent,
    warning: journalWarningOf(status),
    lastSeq: status.lastSeq,
    storedEventCount: status.storedEventCount,
    unacknowledgedEventCount: status.unacknowledgedEventCount,
    uncutEventCount: status.uncutEventCount,
    pendingBatchCount: status.pendingBatchCount,
    oldestPendingBatchCreatedAt: status.oldestPendingBatchCreatedAt,
  };
}

export function lastSyncOf(status: SyncStatus): LastSync {
  return { lastAttemptAt: status.lastAttemptAt, lastSuccessAt: status.lastSuccessAt, lastErrorCode: status.lastErrorCode, consecutiveFailureCount: status.consecutiveFailureCount, backoffUntil: status.backoffUntil };
}

export async function writeStatusFile(dataDir: string, status: DeviceStatus): Promise<void> {
  const path = join(dataDir, DEVICE_STATUS_FILE_NAME);
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify(status, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

const lastSyncSchema = z.object({
  lastAttemptAt: z.iso.datetime().optional(),
  lastSuccessAt: z.iso.datetime().optional(),
});

/** The status a device wrote last, as JSON text, when there is a readable one. */
export async function readStatusFile(dataDir: string): Promise<{ readonly json: unknown } | undefined> {
  try {
    const text = await readFile(join(dataDir, DEVICE_STATUS_FILE_NAME), 'utf8');
    if (text.length > CONFIG_FILE_BYTES_MAX) return undefined;
    return { json: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** The last sync instants a previous run recorded (the agent's own status starts empty at each start). */
export function previousSyncOf(json: unknown): { readonly lastAttemptAt: string | undefined; readonly lastSuccessAt: string | undefined } {
  const parsed = z.object({ sync: lastSyncSchema }).safeParse(json);
  return { lastAttemptAt: parsed.success ? parsed.data.sync.lastAttemptAt : undefined, lastSuccessAt: parsed.success ? parsed.data.sync.lastSuccessAt : undefined };
}
