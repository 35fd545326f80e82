/**
 * Attendance as CSV (csv-stringify) for the school office: one line per
 * pupil, stable snake_case columns, times both as the UTC instant and as
 * local Asia/Ho_Chi_Minh `HH:MM`, UTF-8 with a BOM for spreadsheet programs,
 * formula-like text escaped (OWASP CSV injection). On a closure day of the
 * school every line is `no_school` and carries the closure's reason (the
 * last column, empty on other days). The card number is the
 * school's own pupil's: this file goes only to that school and the admin.
 */
import { stringify } from 'csv-stringify/sync';
import { BUSINESS_TIME_ZONE } from '../reports/business-day.js';
import type { AttendanceReport } from './report.js';

export const ATTENDANCE_CSV_COLUMNS = [
  'business_day',
  'school_id',
  'card_number',
  'on_roster',
  'status',
  'first_in_local',
  'last_out_local',
  'first_in_at',
  'last_out_at',
  'late',
  'left_early',
  'tap_count',
  'notes',
  'closure_reason',
] as const;

const localTimeFormatter = new Intl.DateTimeFormat('en-GB', { timeZone: BUSINESS_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

export function localHourMinuteOf(instant: string | null): string {
  return instant === null ? '' : localTimeFormatter.format(new Date(instant));
}

export function attendanceCsv(report: AttendanceReport): string {
  const records = report.pupils.map((p) => ({
    business_day: report.businessDay,
    school_id: report.schoolId,
    card_number: p.cardNumber,
    on_roster: p.onRoster ? 'yes' : 'no',
    status: p.status,
    first_in_local: localHourMinuteOf(p.firstInAt),
    last_out_local: localHourMinuteOf(p.lastOutAt),
    first_in_at: p.firstInAt ?? '',
    last_out_at: p.lastOutAt ?? '',
    late: p.late ? 'yes' : 'no',
    left_early: p.leftEarly ? 'yes' : 'no',
    tap_count: p.tapCount,
    notes: p.notes.join(' '),
    closure_reason: report.closure?.reason ?? '',
  }));
  return stringify(records, { header: true, columns: [...ATTENDANCE_CSV_COLUMNS], bom: true, escape_formulas: true });
}

export const attendanceCsvFileName = (report: AttendanceReport): string => `attendance-${report.schoolId}-${report.businessDay}.csv`;
