/** Reconciliation exceptions: for a person to review. */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const EXCEPTION_KINDS = [
  'balance_mismatch',
  'balance_rise_without_load',
  'tmc_gap',
  'tmc_duplicate',
  'autoload_without_order',
  'autoload_amount_mismatch',
  'chain_link_broken',
  'batch_conflict',
  'refund_after_load',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];
export const EXCEPTION_STATUSES = ['open', 'resolved'] as const;

export const reconciliationExceptions = pgTable(
  'reconciliation_exceptions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: EXCEPTION_KINDS }).notNull(),
    /** Makes raising an exception idempotent (re-running a sweep raises nothing new). */
    dedupeKey: text('dedupe_key').notNull().unique(),
    cardNumber: text('card_number'),
    application: text('application'),
    deviceId: bigint('device_id', { mode: 'number' }),
    seq: bigint('seq', { mode: 'number' }),
    operatorId: text('operator_id'),
    amountVnd: bigint('amount_vnd', { mode: 'number' }),
    detail: jsonb('detail').notNull(),
    status: text('status', { enum: EXCEPTION_STATUSES }).notNull().default('open'),
    /** Instant of what it is about (the tap), for the business day. */
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [check('reconciliation_exceptions_status_valid', sql`${t.status} in ('open','resolved')`), index('reconciliation_exceptions_card').on(t.cardNumber), index('reconciliation_exceptions_at').on(t.at)],
);
