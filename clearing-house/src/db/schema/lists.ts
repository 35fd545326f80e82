/**
 * Deny and action lists, versioned: each change bumps the list's version; an
 * entry remembers the version that added it and the one that removed it, so
 * a delta since any version is one query.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const LIST_KINDS = ['deny', 'action'] as const;
export type ListKind = (typeof LIST_KINDS)[number];

export const listVersions = pgTable(
  'list_versions',
  {
    kind: text('kind', { enum: LIST_KINDS }).primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [check('list_versions_kind_valid', sql`${t.kind} in ('deny','action')`), check('list_versions_non_negative', sql`${t.version} >= 0`)],
);

export const listEntries = pgTable(
  'list_entries',
  {
    kind: text('kind', { enum: LIST_KINDS }).notNull(),
    /** Deny: the card number. Action: the action id. */
    entryKey: text('entry_key').notNull(),
    cardNumber: text('card_number').notNull(),
    payload: jsonb('payload').notNull(),
    addedVersion: bigint('added_version', { mode: 'number' }).notNull(),
    removedVersion: bigint('removed_version', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.entryKey, t.addedVersion] }),
    check('list_entries_removed_after_added', sql`${t.removedVersion} is null or ${t.removedVersion} > ${t.addedVersion}`),
    uniqueIndex('list_entries_live').on(t.kind, t.entryKey).where(sql`${t.removedVersion} is null`),
  ],
);
