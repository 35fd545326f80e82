/** Uploaded journal batches, quarantined uploads and the ingested events. */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { devices } from './devices.js';

export const BATCH_STATUSES = ['accepted', 'quarantined'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const batches = pgTable(
  'batches',
  {
    deviceId: bigint('device_id', { mode: 'number' })
      .notNull()
      .references(() => devices.deviceId),
    batchSeq: bigint('batch_seq', { mode: 'number' }).notNull(),
    bytesSha256: text('bytes_sha256').notNull(),
    status: text('status', { enum: BATCH_STATUSES }).notNull(),
    reason: text('reason'),
    eventCount: integer('event_count').notNull(),
    firstSeq: bigint('first_seq', { mode: 'number' }).notNull(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.batchSeq] }),
    check('batches_status_valid', sql`${t.status} in ('accepted','quarantined')`),
    check('batches_reason_iff_quarantined', sql`(${t.status} = 'quarantined') = (${t.reason} is not null)`),
    check('batches_seq_range', sql`${t.batchSeq} >= 1 and ${t.firstSeq} >= 1 and ${t.lastSeq} >= ${t.firstSeq}`),
    check('batches_hash_hex', sql`${t.bytesSha256} ~ '^[0-9a-f]{64}$'`),
  ],
);

/** Every upload kept whole for review: bad signatures, broken chains, conflicts, unknown cards … */
export const quarantine = pgTable(
  'quarantine',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The device named in the URL (not trusted for unauthenticated uploads). */
    deviceId: bigint('device_id', { mode: 'number' }).notNull(),
    batchSeq: bigint('batch_seq', { mode: 'number' }),
    bytesSha256: text('bytes_sha256').notNull(),
    bytesBase64: text('bytes_base64').notNull(),
    reason: text('reason').notNull(),
    detail: text('detail').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('quarantine_device').on(t.deviceId, t.receivedAt), uniqueIndex('quarantine_upload').on(t.deviceId, t.bytesSha256)],
);

export const POSTING_STATUSES = ['held', 'posted', 'recorded', 'tmc_duplicate'] as const;
export type PostingStatus = (typeof POSTING_STATUSES)[number];

/**
 * One row per (device, seq): the unique key makes every event apply once.
 * `posting_status`: held = waits for the card's earlier TMCs, posted = in the
 * ledger, recorded = nothing to post (no TMC), tmc_duplicate = the card TMC
 * was already posted from another event (clone sign, an exception says why).
 * Daily partitioning by `at` is the plan for production (see README).
 */
export const events = pgTable(
  'events',
  {
    deviceId: bigint('device_id', { mode: 'number' }).notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    batchSeq: bigint('batch_seq', { mode: 'number' }).notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    kind: text('kind').notNull(),
    application: text('application').notNull(),
    cardNumber: text('card_number').notNull(),
    tmc: bigint('tmc', { mode: 'number' }),
    tmvHex: text('tmv_hex'),
    amountVnd: bigint('amount_vnd', { mode: 'number' }).notNull(),
    balanceBeforeVnd: bigint('balance_before_vnd', { mode: 'number' }),
    balanceAfterVnd: bigint('balance_after_vnd', { mode: 'number' }),
    operatorId: text('operator_id'),
    routeId: text('route_id'),
    stopId: text('stop_id'),
    fareProductId: text('fare_product_id'),
    riderCategory: text('rider_category'),
    contractSlot: integer('contract_slot'),
    actionId: text('action_id'),
    siteCode: bigint('site_code', { mode: 'number' }),
    gateNo: integer('gate_no'),
    reason: text('reason'),
    detail: jsonb('detail'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    postingStatus: text('posting_status', { enum: POSTING_STATUSES }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.seq] }),
    check('events_amount_range', sql`${t.amountVnd} >= 0`),
    check('events_posting_status_valid', sql`${t.postingStatus} in ('held','posted','recorded','tmc_duplicate')`),
    check('events_held_has_tmc', sql`${t.postingStatus} <> 'held' or ${t.tmc} is not null`),
    index('events_held').on(t.cardNumber, t.application).where(sql`${t.postingStatus} = 'held'`),
    // BRIN: events arrive roughly in time order; far cheaper to maintain than a B-tree for day-range scans.
    index('events_at').using('brin', t.at),
  ],
);
