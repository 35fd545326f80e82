/**
 * What applying a downloaded list answers. Failures are values with stable
 * codes; the sync agent acts on them:
 * - `full_list_needed`: a delta for another base version: ask `since=0`;
 * - `stale_version`: older than the list held (replay or rollback): keep ours;
 * - any ListDecodeFailureCode: the download is bad (signature, format): keep ours, report.
 * An I/O failure throws ListStoreIoError; the list held stays in force.
 */
import type { ListDecodeFailureCode } from './wire.js';

export type ListApplyResult =
  | { readonly ok: true; readonly status: 'applied' | 'unchanged'; readonly version: number; readonly entryCount: number }
  | { readonly ok: false; readonly code: 'full_list_needed'; readonly heldVersion: number; readonly deltaBaseVersion: number }
  | { readonly ok: false; readonly code: 'stale_version'; readonly heldVersion: number; readonly offeredVersion: number }
  | { readonly ok: false; readonly code: ListDecodeFailureCode; readonly field: string };

/** How a store started: from its snapshot, empty (first start), or empty because the snapshot was damaged. */
export type ListLoadStatus = 'loaded' | 'missing' | 'corrupt';
