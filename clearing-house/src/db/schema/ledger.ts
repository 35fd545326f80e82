/**
 * Double-entry ledger after TigerBeetle: accounts carry posted and pending
 * debit/credit totals, transfers are immutable rows with exactly one debit
 * and one credit account and a positive amount (so every transfer balances
 * by construction). A statement trigger (migration 0001) folds each INSERT
 * into the account totals; CHECK constraints then enforce the floors. Pending
 * transfers are resolved by a second immutable row (post_pending or
 * void_pending) naming the pending one; a unique index allows one resolution.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organisations } from './organisations.js';

export const ACCOUNT_KINDS = ['card_purse', 'operator_revenue', 'school_canteen', 'stripe_clearing', 'refunds', 'fees', 'cash', 'suspense'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export const TRANSFER_PHASES = ['posted', 'pending', 'post_pending', 'void_pending'] as const;
export type TransferPhase = (typeof TRANSFER_PHASES)[number];

export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    /** `card:<cardNumber>:transit`, `operator:<org>:revenue`, `stripe:clearing` … (see src/ledger/accounts.ts). */
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ACCOUNT_KINDS }).notNull(),
    organisationId: text('organisation_id').references(() => organisations.id),
    cardNumber: text('card_number'),
    /** Lowest allowed credit balance (credits_posted − debits_posted − debits_pending); null = no floor. */
    floorVnd: bigint('floor_vnd', { mode: 'number' }),
    debitsPendingVnd: bigint('debits_pending_vnd', { mode: 'number' }).notNull().default(0),
    debitsPostedVnd: bigint('debits_posted_vnd', { mode: 'number' }).notNull().default(0),
    creditsPendingVnd: bigint('credits_pending_vnd', { mode: 'number' }).notNull().default(0),
    creditsPostedVnd: bigint('credits_posted_vnd', { mode: 'number' }).notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    check('ledger_accounts_kind_valid', sql`${t.kind} in ('card_purse','operator_revenue','school_canteen','stripe_clearing','refunds','fees','cash','suspense')`),
    check('ledger_accounts_totals_non_negative', sql`${t.debitsPendingVnd} >= 0 and ${t.debitsPostedVnd} >= 0 and ${t.creditsPendingVnd} >= 0 and ${t.creditsPostedVnd} >= 0`),
    check('ledger_accounts_floor', sql`${t.floorVnd} is null or ${t.creditsPostedVnd} - ${t.debitsPostedVnd} - ${t.debitsPendingVnd} >= ${t.floorVnd}`),
    check('ledger_accounts_purse_has_floor', sql`${t.kind} <> 'card_purse' or ${t.floorVnd} is not null`),
  ],
);

export const ledgerTransfers = pgTable(
  'ledger_transfers',
  {
    /** Client-generated: derived from what caused it (device+seq of a tap, order id …), so a retry posts nothing new. */
    id: uuid('id').primaryKey(),
    /** Must name an account: checked set-based by the apply trigger (cheaper than two row FK triggers per transfer). */
    debitAccountId: text('debit_account_id').notNull(),
    creditAccountId: text('credit_account_id').notNull(),
    amountVnd: bigint('amount_vnd', { mode: 'number' }).notNull(),
    phase: text('phase', { enum: TRANSFER_PHASES }).notNull(),
    /** The pending transfer a resolution names (the apply trigger checks it exists, is pending and matches). */
    pendingId: uuid('pending_id').unique(),
    /** What it is: fare, canteen_purchase, autoload, top_up, adjustment, refund … */
    code: text('code').notNull(),
    eventDeviceId: bigint('event_device_id', { mode: 'number' }),
    eventSeq: bigint('event_seq', { mode: 'number' }),
    /** Business instant (the tap's `at`, the payment's time) — settlement groups by it. */
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    check('ledger_transfers_amount_positive', sql`${t.amountVnd} > 0`),
    check('ledger_transfers_two_accounts', sql`${t.debitAccountId} <> ${t.creditAccountId}`),
    check('ledger_transfers_phase_valid', sql`${t.phase} in ('posted','pending','post_pending','void_pending')`),
    check('ledger_transfers_resolution_names_pending', sql`(${t.phase} in ('post_pending','void_pending')) = (${t.pendingId} is not null)`),
    index('ledger_transfers_debit').on(t.debitAccountId, t.at),
    index('ledger_transfers_credit').on(t.creditAccountId, t.at),
    // Settlement, TIDES and the dashboard join a tap's transfers to its event: without this index a fresh
    // (unanalysed) day plans that join as a nested loop over every transfer.
    index('ledger_transfers_event').on(t.eventDeviceId, t.eventSeq),
  ],
);
