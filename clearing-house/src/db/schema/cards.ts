/** Cards the back office knows (issued by the portal) and their per-application counters. */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { organisations } from './organisations.js';

export const CARD_STATUSES = ['active', 'blocked'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const cards = pgTable(
  'cards',
  {
    cardNumber: text('card_number').primaryKey(),
    /** The school or agency that issued it (scopes what its staff see); null for anonymous transit cards. */
    organisationId: text('organisation_id').references(() => organisations.id),
    status: text('status', { enum: CARD_STATUSES }).notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [check('cards_number_digits', sql`${t.cardNumber} ~ '^[0-9]{16}$'`), check('cards_status_valid', sql`${t.status} in ('active','blocked')`)],
);

/**
 * Per card and application: the newest TMC posted to the ledger (events are
 * posted strictly in TMC order, so the shadow purse follows the card's own
 * sequence of commits) and the balance the card reported at that commit.
 */
export const cardStates = pgTable(
  'card_states',
  {
    cardNumber: text('card_number')
      .notNull()
      .references(() => cards.cardNumber),
    application: text('application').notNull(),
    lastTmc: bigint('last_tmc', { mode: 'number' }).notNull(),
    lastReportedBalanceVnd: bigint('last_reported_balance_vnd', { mode: 'number' }),
    lastEventAt: timestamp('last_event_at', { withTimezone: true, mode: 'string' }),
    /** Device that committed `lastTmc` (clone detection names both devices). */
    lastDeviceId: bigint('last_device_id', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.cardNumber, t.application] }), check('card_states_tmc_range', sql`${t.lastTmc} >= 0`)],
);

/**
 * Cards with new held events for the posting job: deferred ingest appends one
 * row per card of each batch's new events (an append, never an upsert: no
 * lock that could order an upload behind a job round); the job takes rows out
 * in the transaction that posts their cards (src/ledger/posting/job.ts). A
 * row that commits while a round runs is simply taken by a later round, so no
 * event is missed. A card left blocked by a TMC gap is not queued again until
 * an event of it arrives (only that, or the gap sweep, can unblock it): the job
 * never rescans waiting cards.
 */
export const postingQueue = pgTable('posting_queue', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  cardNumber: text('card_number').notNull(),
  application: text('application').notNull(),
});
