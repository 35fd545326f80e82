/** Top-up orders paid through the payment gateway, and the webhook events applied once. */
import { sql } from 'drizzle-orm';
import { bigint, check, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cards } from './cards.js';
import { ledgerTransfers } from './ledger.js';

export const ORDER_STATUSES = ['created', 'paid', 'applied', 'failed', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const topupOrders = pgTable(
  'topup_orders',
  {
    id: uuid('id').primaryKey(),
    cardNumber: text('card_number')
      .notNull()
      .references(() => cards.cardNumber),
    application: text('application').notNull(),
    amountVnd: bigint('amount_vnd', { mode: 'number' }).notNull(),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    /** Caller's key: creating the same order twice answers the first. */
    idempotencyKey: text('idempotency_key').notNull().unique(),
    paymentIntentId: text('payment_intent_id').unique(),
    pendingTransferId: uuid('pending_transfer_id')
      .notNull()
      .references(() => ledgerTransfers.id),
    /** The action-list entry the validator applies to the card (`autoload`). */
    actionId: text('action_id').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    check('topup_orders_amount_positive', sql`${t.amountVnd} > 0`),
    check('topup_orders_application', sql`${t.application} in ('transit','canteen')`),
    check('topup_orders_status_valid', sql`${t.status} in ('created','paid','applied','failed','refunded')`),
  ],
);

export const paymentEvents = pgTable('payment_events', {
  /** The gateway's event id (Stripe `evt_…`): a re-delivered webhook finds its row and does nothing. */
  eventId: text('event_id').primaryKey(),
  type: text('type').notNull(),
  orderId: uuid('order_id').references(() => topupOrders.id),
  outcome: text('outcome').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});
