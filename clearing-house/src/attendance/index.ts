/** School attendance from gate taps: derivation, report, CSV; a school's stored schedule and closure days. */
export { ATTENDANCE_NOTES, ATTENDANCE_STATUSES, collapseRepeats, deriveAttendance, type AttendanceNote, type AttendanceStatus, type GateTap, type PupilAttendance } from './derive.js';
export { attendanceCsv, attendanceCsvFileName, ATTENDANCE_CSV_COLUMNS } from './csv.js';
export { DAY_TAP_COUNT_MAX, ROSTER_CARD_COUNT_MAX } from './queries.js';
export { attendanceForSchoolDay, ATTENDANCE_REFUSALS, type AttendanceQuery, type AttendanceRefusal, type AttendanceReport, type AttendanceResult } from './report.js';
export { ISO_WEEKDAYS, isSchoolDay, LATE_AFTER_MINUTES_MAX, SCHOOL_DAY_SCHEDULE_DEFAULT, schoolDayScheduleSchema, thresholdsOf, type IsoWeekday, type SchoolDaySchedule } from './schedule.js';
export {
  CLOSURE_RANGE_DAY_COUNT_MAX,
  CLOSURE_REASON_LENGTH_MAX,
  closureOn,
  closureReasonOf,
  closuresOfSchool,
  putSchoolClosure,
  putSchoolSchedule,
  readSchoolSchedule,
  removeSchoolClosure,
  SCHOOL_CALENDAR_REFUSALS,
  scheduleOfSchool,
  type CalendarChange,
  type CalendarWriter,
  type SchoolCalendarRefusal,
  type SchoolClosure,
  type StoredSchedule,
} from './school-calendar.js';
