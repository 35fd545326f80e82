/**
 * A school's own calendar, read by attendance: its school-day schedule
 * (`school_schedules`, one row per school; none = SCHOOL_DAY_SCHEDULE_DEFAULT)
 * and its closure days (`school_closures`: public holidays, a typhoon day),
 * business days in Asia/Ho_Chi_Minh on which nobody is absent.
 *
 * Writes are upserts, so repeating one changes nothing (`change: 'unchanged'`,
 * updated_at/updated_by kept); a changed row records who (user id) and when.
 * Removing a closure deletes its row: the removal itself is not recorded.
 * Expected failures are values with the stable codes of
 * SCHOOL_CALENDAR_REFUSALS; who may call what is the API's business.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { isoInstant, queryRows, toNumber, toText } from '../db/rows.js';
import { isBusinessDay } from '../reports/business-day.js';
import { schoolById } from './queries.js';
import { SCHOOL_DAY_SCHEDULE_DEFAULT, schoolDayScheduleSchema, type IsoWeekday, type SchoolDaySchedule } from './schedule.js';

/** Code points (as the table's `char_length` CHECK counts), after trimming. */
export const CLOSURE_REASON_LENGTH_MAX = 200;
/** Days one closure listing covers (a school year and then some); one closure per day, so also its row maximum. */
export const CLOSURE_RANGE_DAY_COUNT_MAX = 366;
const MS_PER_DAY = 86_400_000;
/** Control characters, lone surrogates (the database cannot store them) and bidi overrides (they disguise text). */
const REASON_FORBIDDEN_RE = /[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;

export const SCHOOL_CALENDAR_REFUSALS = ['school_unknown', 'schedule_invalid', 'day_invalid', 'reason_invalid', 'range_invalid'] as const;
export type SchoolCalendarRefusal = (typeof SCHOOL_CALENDAR_REFUSALS)[number];
type Refused<C extends SchoolCalendarRefusal> = { readonly ok: false; readonly code: C };

/** What a write did: a repeated write is `unchanged` and keeps the earlier audit fields. */
export type CalendarChange = 'created' | 'updated' | 'unchanged';

export interface StoredSchedule {
  readonly schedule: SchoolDaySchedule;
  /** True: the school stored none, so this is SCHOOL_DAY_SCHEDULE_DEFAULT. */
  readonly defaulted: boolean;
  /** UTC instant and user id of the last change; null when defaulted. */
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}

export interface SchoolClosure {
  /** Business day YYYY-MM-DD (Asia/Ho_Chi_Minh). */
  readonly day: string;
  readonly reason: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** Who writes and when: the user id is the audit record (`updated_by`). */
export interface CalendarWriter {
  readonly userId: string;
  readonly nowMs: number;
}

export type ScheduleResult = { readonly ok: true; readonly stored: StoredSchedule } | Refused<'school_unknown' | 'schedule_invalid'>;
export type ScheduleWriteResult = { readonly ok: true; readonly stored: StoredSchedule; readonly change: CalendarChange } | Refused<'school_unknown' | 'schedule_invalid'>;
export type ClosureWriteResult = { readonly ok: true; readonly closure: SchoolClosure; readonly change: CalendarChange } | Refused<'school_unknown' | 'day_invalid' | 'reason_invalid'>;
export type ClosureRemoveResult = { readonly ok: true; readonly removed: boolean } | Refused<'school_unknown' | 'day_invalid'>;
export type ClosureListResult = { readonly ok: true; readonly closures: readonly SchoolClosure[] } | Refused<'school_unknown' | 'day_invalid' | 'range_invalid'>;

/** The reason as stored (trimmed), or undefined when it is empty, too long or carries characters refused. */
export function closureReasonOf(value: string): string | undefined {
  const reason = value.trim();
  // Code points, not graphemes: PostgreSQL's char_length counts them, and the CHECK must agree.
  const lengthCodePoints = Array.from(reason).length;
  if (lengthCodePoints < 1 || lengthCodePoints > CLOSURE_REASON_LENGTH_MAX || REASON_FORBIDDEN_RE.test(reason)) return undefined;
  return reason;
}

/** An upsert's RETURNING: no row = the WHERE found the same values (nothing written). */
const changeOf = (written: readonly { readonly created: boolean }[]): CalendarChange => (written[0] === undefined ? 'unchanged' : written[0].created ? 'created' : 'updated');

const DEFAULTED: StoredSchedule = Object.freeze({ schedule: SCHOOL_DAY_SCHEDULE_DEFAULT, defaulted: true, updatedAt: null, updatedBy: null });

/**
 * The school's stored schedule, or the default when it has none; `schedule_invalid` when the stored row no
 * longer passes schoolDayScheduleSchema (written around this module). Does not check that the school exists.
 */
export async function readSchoolSchedule(db: Executor, schoolId: string): Promise<{ readonly ok: true; readonly stored: StoredSchedule } | Refused<'schedule_invalid'>> {
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT starts_at_local, late_after_minutes, ends_at_local, array_to_string(school_weekdays, ',') AS weekdays, ${isoInstant(sql`updated_at`)} AS updated_at, updated_by
        FROM school_schedules WHERE organisation_id = ${schoolId}`,
  );
  if (row === undefined) return { ok: true, stored: DEFAULTED };
  const parsed = schoolDayScheduleSchema.safeParse({
    startsAtLocal: row['starts_at_local'],
    lateAfterMinutes: toNumber(row['late_after_minutes']),
    endsAtLocal: row['ends_at_local'],
    schoolWeekdays: toText(row['weekdays']).split(',').map(Number),
  });
  if (!parsed.success) return { ok: false, code: 'schedule_invalid' };
  return { ok: true, stored: { schedule: parsed.data, defaulted: false, updatedAt: toText(row['updated_at']), updatedBy: toText(row['updated_by']) } };
}

export async function scheduleOfSchool(db: Executor, schoolId: string): Promise<ScheduleResult> {
  if ((await schoolById(db, schoolId)) === undefined) return { ok: false, code: 'school_unknown' };
  return readSchoolSchedule(db, schoolId);
}

/** Stores the school's schedule (checked with schoolDayScheduleSchema; weekdays kept in order). */
export async function putSchoolSchedule(db: Executor, input: CalendarWriter & { readonly schoolId: string; readonly schedule: unknown }): Promise<ScheduleWriteResult> {
  const parsed = schoolDayScheduleSchema.safeParse(input.schedule);
  if (!parsed.success) return { ok: false, code: 'schedule_invalid' };
  if ((await schoolById(db, input.schoolId)) === undefined) return { ok: false, code: 'school_unknown' };
  const s = parsed.data;
  const weekdays: IsoWeekday[] = [...s.schoolWeekdays].sort((a, b) => a - b);
  // One transaction: the row the upsert wrote or locked is the row read back.
  return db.transaction(async (transaction): Promise<ScheduleWriteResult> => {
    const tx = transaction as unknown as Executor;
    // xmax = 0 only on a freshly inserted row; the WHERE leaves an identical row (and its audit fields) alone.
    const written = await queryRows<{ created: boolean }>(
      tx,
      sql`INSERT INTO school_schedules (organisation_id, starts_at_local, late_after_minutes, ends_at_local, school_weekdays, updated_at, updated_by)
          VALUES (${input.schoolId}, ${s.startsAtLocal}, ${s.lateAfterMinutes}, ${s.endsAtLocal}, ${`{${weekdays.join(',')}}`}::smallint[], ${new Date(input.nowMs).toISOString()}::timestamptz, ${input.userId})
          ON CONFLICT (organisation_id) DO UPDATE SET
            starts_at_local = excluded.starts_at_local, late_after_minutes = excluded.late_after_minutes, ends_at_local = excluded.ends_at_local,
            school_weekdays = excluded.school_weekdays, updated_at = excluded.updated_at, updated_by = excluded.updated_by
          WHERE (school_schedules.starts_at_local, school_schedules.late_after_minutes, school_schedules.ends_at_local, school_schedules.school_weekdays)
            IS DISTINCT FROM (excluded.starts_at_local, excluded.late_after_minutes, excluded.ends_at_local, excluded.school_weekdays)
          RETURNING (xmax = 0) AS created`,
    );
    const read = await readSchoolSchedule(tx, input.schoolId);
    if (!read.ok) return read;
    return { ok: true, stored: read.stored, change: changeOf(written) };
  });
}

const closureOf = (row: Record<string, unknown>): SchoolClosure => ({ day: toText(row['day']), reason: toText(row['reason']), updatedAt: toText(row['updated_at']), updatedBy: toText(row['updated_by']) });
const CLOSURE_COLUMNS = sql`to_char(day, 'YYYY-MM-DD') AS day, reason, ${isoInstant(sql`updated_at`)} AS updated_at, updated_by`;

/** The school's closure on a business day, if any (the day must be a valid business day). */
export async function closureOn(db: Executor, input: { readonly schoolId: string; readonly day: string }): Promise<SchoolClosure | undefined> {
  if (!isBusinessDay(input.day)) throw new RangeError('not a YYYY-MM-DD business day');
  const [row] = await queryRows<Record<string, unknown>>(db, sql`SELECT ${CLOSURE_COLUMNS} FROM school_closures WHERE organisation_id = ${input.schoolId} AND day = ${input.day}::date`);
  return row === undefined ? undefined : closureOf(row);
}

/** Closes the school on a business day (or changes the reason of a closure). */
export async function putSchoolClosure(db: Executor, input: CalendarWriter & { readonly schoolId: string; readonly day: string; readonly reason: string }): Promise<ClosureWriteResult> {
  if (!isBusinessDay(input.day)) return { ok: false, code: 'day_invalid' };
  const reason = closureReasonOf(input.reason);
  if (reason === undefined) return { ok: false, code: 'reason_invalid' };
  if ((await schoolById(db, input.schoolId)) === undefined) return { ok: false, code: 'school_unknown' };
  return db.transaction(async (transaction): Promise<ClosureWriteResult> => {
    const tx = transaction as unknown as Executor;
    const written = await queryRows<{ created: boolean }>(
      tx,
      sql`INSERT INTO school_closures (organisation_id, day, reason, updated_at, updated_by)
          VALUES (${input.schoolId}, ${input.day}::date, ${reason}, ${new Date(input.nowMs).toISOString()}::timestamptz, ${input.userId})
          ON CONFLICT (organisation_id, day) DO UPDATE SET reason = excluded.reason, updated_at = excluded.updated_at, updated_by = excluded.updated_by
          WHERE school_closures.reason IS DISTINCT FROM excluded.reason
          RETURNING (xmax = 0) AS created`,
    );
    // The upsert inserted, updated or (unchanged) locked the row: a concurrent removal waits for this transaction.
    const closure = await closureOn(tx, { schoolId: input.schoolId, day: input.day });
    if (closure === undefined) throw new Error('a school closure just written is missing');
    return { ok: true, closure, change: changeOf(written) };
  });
}

/** Opens the day again; removing a closure that is not there answers `removed: false`. */
export async function removeSchoolClosure(db: Executor, input: { readonly schoolId: string; readonly day: string }): Promise<ClosureRemoveResult> {
  if (!isBusinessDay(input.day)) return { ok: false, code: 'day_invalid' };
  if ((await schoolById(db, input.schoolId)) === undefined) return { ok: false, code: 'school_unknown' };
  const removed = await queryRows(db, sql`DELETE FROM school_closures WHERE organisation_id = ${input.schoolId} AND day = ${input.day}::date RETURNING day`);
  return { ok: true, removed: removed.length > 0 };
}

/** The number of days from `from` to `to`, both included (both valid business days). */
export const dayCountOf = (input: { readonly from: string; readonly to: string }): number => (Date.parse(`${input.to}T00:00:00Z`) - Date.parse(`${input.from}T00:00:00Z`)) / MS_PER_DAY + 1;

/** The school's closures from `from` to `to` (both included, at most CLOSURE_RANGE_DAY_COUNT_MAX days), in day order. */
export async function closuresOfSchool(db: Executor, input: { readonly schoolId: string; readonly from: string; readonly to: string }): Promise<ClosureListResult> {
  if (!isBusinessDay(input.from) || !isBusinessDay(input.to)) return { ok: false, code: 'day_invalid' };
  const dayCount = dayCountOf(input);
  if (dayCount < 1 || dayCount > CLOSURE_RANGE_DAY_COUNT_MAX) return { ok: false, code: 'range_invalid' };
  if ((await schoolById(db, input.schoolId)) === undefined) return { ok: false, code: 'school_unknown' };
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT ${CLOSURE_COLUMNS} FROM school_closures
        WHERE organisation_id = ${input.schoolId} AND day BETWEEN ${input.from}::date AND ${input.to}::date
        ORDER BY day LIMIT ${CLOSURE_RANGE_DAY_COUNT_MAX}`,
  );
  return { ok: true, closures: rows.map(closureOf) };
}
