/**
 * What attendance reads from the database: the school, its roster and the
 * day's gate taps at its gates.
 *
 * - Roster: the active cards the school issued (`cards.organisation_id`).
 *   There is no pupil/class table: a card is the pupil.
 * - Taps: `gate-in`/`gate-out` events carrying the school's site code on the
 *   business day, written by a device registered to this school or to no
 *   organisation (a device of another organisation writing our site code is
 *   misconfigured or forged: it does not count). Gate events carry no TMC, so
 *   ingest stores them `recorded`; any event marked `tmc_duplicate` (a TMC
 *   already posted from another event: clone sign) never counts. Re-sent
 *   batches cannot add rows: events are unique per (device, seq).
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { queryRows, toNumber, toText } from '../db/rows.js';
import { onBusinessDay } from '../reconcile/business-day-sql.js';
import type { GateDirection, GateTap } from './derive.js';

/** Pupils per school a report covers (the largest Hanoi schools have ~4,000). */
export const ROSTER_CARD_COUNT_MAX = 20_000;
/** Gate taps per school and day: a pupil passes a gate a handful of times. */
export const TAP_COUNT_PER_PUPIL_TYPICAL = 8;
export const DAY_TAP_COUNT_MAX = ROSTER_CARD_COUNT_MAX * TAP_COUNT_PER_PUPIL_TYPICAL;

export interface SchoolRow {
  readonly schoolId: string;
  readonly schoolName: string;
  /** Null: the school has no gate site code, so no gate tap can be its own. */
  readonly siteCode: number | null;
}

export async function schoolById(db: Executor, schoolId: string): Promise<SchoolRow | undefined> {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`SELECT id, name, site_code FROM organisations WHERE id = ${schoolId} AND kind = 'school'`);
  if (row === undefined) return undefined;
  return { schoolId: toText(row['id']), schoolName: toText(row['name']), siteCode: row['site_code'] === null ? null : toNumber(row['site_code']) };
}

export type Bounded<T> = { readonly ok: true; readonly rows: readonly T[] } | { readonly ok: false; readonly code: 'too_many_rows' };

export async function rosterOf(db: Executor, schoolId: string): Promise<Bounded<string>> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`SELECT card_number FROM cards WHERE organisation_id = ${schoolId} AND status = 'active' ORDER BY card_number LIMIT ${ROSTER_CARD_COUNT_MAX + 1}`);
  if (rows.length > ROSTER_CARD_COUNT_MAX) return { ok: false, code: 'too_many_rows' };
  return { ok: true, rows: rows.map((r) => toText(r['card_number'])) };
}

const directionOf = (kind: string): GateDirection => {
  if (kind === 'gate-in') return 'in';
  if (kind === 'gate-out') return 'out';
  throw new RangeError('not a gate event kind');
};

export async function gateTapsOf(db: Executor, input: { readonly schoolId: string; readonly siteCode: number; readonly businessDay: string }): Promise<Bounded<GateTap>> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT e.card_number, e.kind, (extract(epoch FROM e.at) * 1000)::bigint AS at_ms, e.device_id, e.seq
        FROM events e
        JOIN devices d ON d.device_id = e.device_id
        WHERE e.site_code = ${input.siteCode}
          AND (d.organisation_id IS NULL OR d.organisation_id = ${input.schoolId})
          AND e.kind IN ('gate-in', 'gate-out')
          AND e.posting_status <> 'tmc_duplicate'
          AND ${onBusinessDay(sql`e.at`, input.businessDay)}
        ORDER BY e.at, e.device_id, e.seq
        LIMIT ${DAY_TAP_COUNT_MAX + 1}`,
  );
  if (rows.length > DAY_TAP_COUNT_MAX) return { ok: false, code: 'too_many_rows' };
  return {
    ok: true,
    rows: rows.map((r) => ({ cardNumber: toText(r['card_number']), direction: directionOf(toText(r['kind'])), atMs: toNumber(r['at_ms']), deviceId: toNumber(r['device_id']), seq: toNumber(r['seq']) })),
  };
}
