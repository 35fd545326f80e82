/** What an upload comes to (SYNC-PROTOCOL.md): stable codes, no card data. */
import type { DeviceRefusal } from '../devices/registry.js';

export const QUARANTINE_REASONS = [
  // unauthenticated or unreadable: kept in quarantine only
  'signature_invalid',
  'key_id_unknown',
  'payload_not_json',
  'payload_schema',
  'device_mismatch',
  'chain_broken',
  // authenticated but refused: the batch row says so, a re-send answers the same
  'record_malformed',
  'counter_backwards',
  'card_unknown',
  'operator_unknown',
  'site_unknown',
  'chain_link_broken',
  'event_conflict',
  'batch_conflict',
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

export type IngestOutcome =
  | { readonly kind: 'accepted'; readonly batchSeq: number; readonly eventCount: number; readonly newEventCount: number }
  | { readonly kind: 'duplicate'; readonly batchSeq: number }
  | { readonly kind: 'quarantined'; readonly batchSeq: number | null; readonly reason: QuarantineReason }
  | { readonly kind: 'conflict'; readonly batchSeq: number }
  | { readonly kind: 'refused'; readonly code: DeviceRefusal | 'envelope_malformed' | 'batch_too_large' };
