/** School attendance from gate taps: derivation, report, CSV. */
export { ATTENDANCE_NOTES, ATTENDANCE_STATUSES, collapseRepeats, deriveAttendance, type AttendanceNote, type AttendanceStatus, type GateTap, type PupilAttendance } from './derive.js';
export { attendanceCsv, attendanceCsvFileName, ATTENDANCE_CSV_COLUMNS } from './csv.js';
export { DAY_TAP_COUNT_MAX, ROSTER_CARD_COUNT_MAX } from './queries.js';
export { attendanceForSchoolDay, ATTENDANCE_REFUSALS, type AttendanceQuery, type AttendanceRefusal, type AttendanceReport, type AttendanceResult } from './report.js';
export { isSchoolDay, SCHOOL_DAY_SCHEDULE_DEFAULT, schoolDayScheduleSchema, thresholdsOf, type IsoWeekday, type SchoolDaySchedule } from './schedule.js';
