/** Registered devices (validators, gates, POS, kiosks), tied to their keys/ PKI certificate. */
import { sql } from 'drizzle-orm';
import { bigint, check, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { organisations } from './organisations.js';

export const DEVICE_STATUSES = ['active', 'revoked'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export const devices = pgTable(
  'devices',
  {
    /** Numeric id: the certificate's device id and `deviceId` in every journal event. */
    deviceId: bigint('device_id', { mode: 'number' }).primaryKey(),
    role: text('role').notNull(),
    organisationId: text('organisation_id').references(() => organisations.id),
    certificatePem: text('certificate_pem').notNull(),
    certificateSerialHex: text('certificate_serial_hex').notNull().unique(),
    notAfter: timestamp('not_after', { withTimezone: true, mode: 'string' }).notNull(),
    /** Key id the device puts in its batch envelopes. */
    journalKeyId: text('journal_key_id').notNull(),
    journalPublicKeyHex: text('journal_public_key_hex').notNull(),
    status: text('status', { enum: DEVICE_STATUSES }).notNull().default('active'),
    /** Set when the device sent conflicting bytes for one batchSeq: for a person to look at. */
    flaggedAt: timestamp('flagged_at', { withTimezone: true, mode: 'string' }),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    check('devices_id_range', sql`${t.deviceId} between 1 and 4294967295`),
    check('devices_status_valid', sql`${t.status} in ('active','revoked')`),
    check('devices_journal_key_hex', sql`${t.journalPublicKeyHex} ~ '^[0-9a-f]{64}$'`),
    check('devices_serial_hex', sql`${t.certificateSerialHex} ~ '^[0-9a-f]+$'`),
  ],
);
