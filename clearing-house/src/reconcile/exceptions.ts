/** Raising reconciliation exceptions: idempotent by a dedupe key naming what they are about. */
import { sql } from 'drizzle-orm';
import type { ExceptionKind } from '../db/schema/reconcile.js';
import type { Executor } from '../db/open.js';
import { jsonRecordset } from '../db/rows.js';

export interface ExceptionInput {
  readonly kind: ExceptionKind;
  readonly dedupeKey: string;
  readonly cardNumber: string | null;
  readonly application: string | null;
  readonly deviceId: number | null;
  readonly seq: number | null;
  readonly operatorId: string | null;
  readonly amountVnd: number | null;
  /** Numbers and codes only: no card number, UID or personal data in detail. */
  readonly detail: Readonly<Record<string, string | number | null>>;
  readonly at: string;
}

export async function raiseExceptions(db: Executor, exceptions: readonly ExceptionInput[]): Promise<void> {
  if (exceptions.length === 0) return;
  const rows = exceptions.map((e) => ({ kind: e.kind, dedupe_key: e.dedupeKey, card_number: e.cardNumber, application: e.application, device_id: e.deviceId, seq: e.seq, operator_id: e.operatorId, amount_vnd: e.amountVnd, detail: e.detail, at: e.at }));
  await db.execute(sql`
    INSERT INTO reconciliation_exceptions (kind, dedupe_key, card_number, application, device_id, seq, operator_id, amount_vnd, detail, at)
    SELECT x.kind, x.dedupe_key, x.card_number, x.application, x.device_id, x.seq, x.operator_id, x.amount_vnd, x.detail, x.at
    FROM ${jsonRecordset(rows, 'kind text, dedupe_key text, card_number text, application text, device_id bigint, seq bigint, operator_id text, amount_vnd bigint, detail jsonb, at timestamptz')}
    ON CONFLICT (dedupe_key) DO NOTHING`);
}
