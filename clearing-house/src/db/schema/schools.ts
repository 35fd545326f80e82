/** A school's own school-day schedule and its closure days (holidays), read by attendance (src/attendance/). */
import { sql, type SQL } from 'drizzle-orm';
import { check, date, integer, pgTable, primaryKey, smallint, text, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { organisations } from './organisations.js';

/** `HH:MM` local (Asia/Ho_Chi_Minh): text, so it compares in order and reads back as written. */
const LOCAL_TIME_SQL_RE = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
/** Minutes after local midnight of an `HH:MM` column (the pattern CHECKs keep it well-formed). */
const minutesOfLocalTime = (column: AnyPgColumn): SQL => sql`(substr(${column}, 1, 2)::int * 60 + substr(${column}, 4, 2)::int)`;

export const schoolSchedules = pgTable(
  'school_schedules',
  {
    organisationId: text('organisation_id')
      .primaryKey()
      .references(() => organisations.id),
    startsAtLocal: text('starts_at_local').notNull(),
    lateAfterMinutes: integer('late_after_minutes').notNull(),
    endsAtLocal: text('ends_at_local').notNull(),
    /** ISO weekdays (1 = Monday … 7 = Sunday) that are school days. */
    schoolWeekdays: smallint('school_weekdays').array().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    /** The user id of who stored it. */
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [
    check('school_schedules_starts_hh_mm', sql`${t.startsAtLocal} ~ ${sql.raw(`'${LOCAL_TIME_SQL_RE}'`)}`),
    check('school_schedules_ends_hh_mm', sql`${t.endsAtLocal} ~ ${sql.raw(`'${LOCAL_TIME_SQL_RE}'`)}`),
    // As schoolDayScheduleSchema (src/attendance/schedule.ts): the late threshold falls before the end of the day.
    check('school_schedules_late_before_end', sql`${minutesOfLocalTime(t.startsAtLocal)} + ${t.lateAfterMinutes} < ${minutesOfLocalTime(t.endsAtLocal)}`),
    check('school_schedules_late_after_range', sql`${t.lateAfterMinutes} between 0 and 180`),
    check('school_schedules_weekdays_valid', sql`cardinality(${t.schoolWeekdays}) between 1 and 7 and ${t.schoolWeekdays} <@ ARRAY[1,2,3,4,5,6,7]::smallint[]`),
  ],
);

export const schoolClosures = pgTable(
  'school_closures',
  {
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** Business day (Asia/Ho_Chi_Minh) the school is closed: nobody is absent. */
    day: date('day', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organisationId, t.day] }), check('school_closures_reason_length', sql`char_length(${t.reason}) between 1 and 200`)],
);
