/**
 * Versioned deny and action lists in the database. Every change (one call)
 * bumps the list's version by one in a single UPSERT on list_versions, whose
 * row lock also serialises concurrent writers of the same list.
 */
import { and, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { jsonRecordset, queryRows, toNumber } from '../db/rows.js';
import { listEntries, listVersions, type ListKind } from '../db/schema/lists.js';

export const LIST_CHANGE_ENTRY_COUNT_MAX = 100_000;

export interface ListEntryInput {
  readonly entryKey: string;
  readonly cardNumber: string;
  readonly payload: Readonly<Record<string, string | number>>;
}

async function bumpVersion(db: Executor, kind: ListKind): Promise<number> {
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`INSERT INTO list_versions (kind, version) VALUES (${kind}, 1)
        ON CONFLICT (kind) DO UPDATE SET version = list_versions.version + 1, updated_at = now()
        RETURNING version`,
  );
  return toNumber(row?.['version']);
}

export async function currentListVersion(db: Executor, kind: ListKind): Promise<number> {
  const [row] = await db.select({ version: listVersions.version }).from(listVersions).where(eq(listVersions.kind, kind));
  return row?.version ?? 0;
}

/** Adds entries whose key is not live yet. Answers the new version, or null when nothing changed. */
export async function addListEntries(db: Executor, kind: ListKind, entries: readonly ListEntryInput[]): Promise<number | null> {
  if (entries.length === 0) return null;
  if (entries.length > LIST_CHANGE_ENTRY_COUNT_MAX) throw new RangeError(`at most ${LIST_CHANGE_ENTRY_COUNT_MAX} entries per change`);
  const live = await db
    .select({ entryKey: listEntries.entryKey })
    .from(listEntries)
    .where(and(eq(listEntries.kind, kind), isNull(listEntries.removedVersion), inArray(listEntries.entryKey, entries.map((e) => e.entryKey))));
  const liveKeys = new Set(live.map((r) => r.entryKey));
  const fresh = [...new Map(entries.filter((e) => !liveKeys.has(e.entryKey)).map((e) => [e.entryKey, e])).values()];
  if (fresh.length === 0) return null;
  const version = await bumpVersion(db, kind);
  await db.execute(sql`
    INSERT INTO list_entries (kind, entry_key, card_number, payload, added_version)
    SELECT ${kind}, x.entry_key, x.card_number, x.payload, ${version}
    FROM ${jsonRecordset(
      fresh.map((e) => ({ entry_key: e.entryKey, card_number: e.cardNumber, payload: e.payload })),
      'entry_key text, card_number text, payload jsonb',
    )}
    ON CONFLICT DO NOTHING`);
  return version;
}

/** Removes live entries by key. Answers the new version, or null when none was live. */
export async function removeListEntries(db: Executor, kind: ListKind, entryKeys: readonly string[]): Promise<number | null> {
  if (entryKeys.length === 0) return null;
  const live = await db
    .select({ entryKey: listEntries.entryKey })
    .from(listEntries)
    .where(and(eq(listEntries.kind, kind), isNull(listEntries.removedVersion), inArray(listEntries.entryKey, [...entryKeys])));
  if (live.length === 0) return null;
  const version = await bumpVersion(db, kind);
  await db
    .update(listEntries)
    .set({ removedVersion: version })
    .where(and(eq(listEntries.kind, kind), isNull(listEntries.removedVersion), inArray(listEntries.entryKey, live.map((r) => r.entryKey))));
  return version;
}

export interface ListEntry {
  readonly entryKey: string;
  readonly cardNumber: string;
  readonly payload: unknown;
  readonly addedVersion: number;
}

export type ListSnapshot =
  | { readonly status: 'not_modified'; readonly kind: ListKind; readonly version: number }
  | { readonly status: 'full'; readonly kind: ListKind; readonly version: number; readonly entries: readonly ListEntry[] }
  | { readonly status: 'delta'; readonly kind: ListKind; readonly fromVersion: number; readonly version: number; readonly added: readonly ListEntry[]; readonly removedKeys: readonly string[] };

/**
 * The list as plain data for a device that holds `sinceVersion`: a delta when
 * 0 < since < newest (history is kept whole), the full list for since 0 or an
 * unknown future version, not_modified when since is the newest.
 */
export async function listSnapshot(db: Executor, kind: ListKind, sinceVersion: number): Promise<ListSnapshot> {
  const version = await currentListVersion(db, kind);
  if (sinceVersion === version && version > 0) return { status: 'not_modified', kind, version };
  const select = { entryKey: listEntries.entryKey, cardNumber: listEntries.cardNumber, payload: listEntries.payload, addedVersion: listEntries.addedVersion };
  if (sinceVersion <= 0 || sinceVersion > version) {
    const entries = await db.select(select).from(listEntries).where(and(eq(listEntries.kind, kind), isNull(listEntries.removedVersion))).orderBy(listEntries.addedVersion, listEntries.entryKey);
    return { status: 'full', kind, version, entries };
  }
  const added = await db
    .select(select)
    .from(listEntries)
    .where(and(eq(listEntries.kind, kind), isNull(listEntries.removedVersion), gt(listEntries.addedVersion, sinceVersion)))
    .orderBy(listEntries.addedVersion, listEntries.entryKey);
  const removed = await db
    .select({ entryKey: listEntries.entryKey })
    .from(listEntries)
    .where(and(eq(listEntries.kind, kind), gt(listEntries.removedVersion, sinceVersion), lte(listEntries.addedVersion, sinceVersion)))
    .orderBy(listEntries.entryKey);
  return { status: 'delta', kind, fromVersion: sinceVersion, version, added, removedKeys: removed.map((r) => r.entryKey) };
}
