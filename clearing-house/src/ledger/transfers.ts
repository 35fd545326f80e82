/**
 * Writing transfers: many rows in one INSERT … SELECT FROM jsonb_to_recordset
 * (one parameter whatever the count). Ids are client-generated and derived
 * from what caused the transfer, so a retry collides on the primary key
 * instead of posting twice.
 */
import { hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { TransferPhase } from '../db/schema/ledger.js';
import type { Executor } from '../db/open.js';
import { jsonRecordset } from '../db/rows.js';

export const TRANSFER_CODES = ['fare', 'canteen_purchase', 'top_up', 'canteen_top_up', 'autoload', 'adjustment', 'refund', 'fee', 'issuance', 'pass_sale'] as const;
export type TransferCode = (typeof TRANSFER_CODES)[number];

export interface TransferInput {
  readonly id: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amountVnd: number;
  readonly phase: TransferPhase;
  readonly pendingId: string | null;
  readonly code: TransferCode;
  readonly eventDeviceId: number | null;
  readonly eventSeq: number | null;
  /** UTC instant, ISO 8601. */
  readonly at: string;
}

/** A UUID (RFC 9562 version 8, name-based on SHA-256) for a name such as `tap:4711:12`. */
export function deterministicUuid(name: string): string {
  // One-shot hash (no Hash object per transfer: posting derives one id per tap). Stored ids: never change the input.
  const bytes = hash('sha256', `onecard-ledger-v1\u0000${name}`, 'buffer').subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const tapTransferId = (deviceId: number, seq: number): string => deterministicUuid(`tap:${deviceId}:${seq}`);
export const adjustmentTransferId = (deviceId: number, seq: number): string => deterministicUuid(`adjust:${deviceId}:${seq}`);

/** Inserts transfers in one statement; the database trigger updates balances and checks floors. */
export async function insertTransfers(db: Executor, transfers: readonly TransferInput[]): Promise<void> {
  if (transfers.length === 0) return;
  const rows = transfers.map((t) => ({
    id: t.id,
    debit_account_id: t.debitAccountId,
    credit_account_id: t.creditAccountId,
    amount_vnd: t.amountVnd,
    phase: t.phase,
    pending_id: t.pendingId,
    code: t.code,
    event_device_id: t.eventDeviceId,
    event_seq: t.eventSeq,
    at: t.at,
  }));
  await db.execute(sql`
    INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_vnd, phase, pending_id, code, event_device_id, event_seq, at)
    SELECT x.id, x.debit_account_id, x.credit_account_id, x.amount_vnd, x.phase, x.pending_id, x.code, x.event_device_id, x.event_seq, x.at
    FROM ${jsonRecordset(rows, 'id uuid, debit_account_id text, credit_account_id text, amount_vnd bigint, phase text, pending_id uuid, code text, event_device_id bigint, event_seq bigint, at timestamptz')}`);
}
