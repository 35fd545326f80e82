/**
 * Readers of the student and canteen applications: the student record
 * (read key: every school terminal), the gate's attendance log (attendance
 * key), the library loans (library key), the canteen purse (debit key) and
 * canteen history (debit or top-up key).
 */
import { attendanceCodec, type AttendanceRecord } from '../codecs/attendance.js';
import { canteenEventCodec, type CanteenEventRecord } from '../codecs/canteen-event.js';
import { libraryLoansCodec, type LibraryLoans } from '../codecs/library-loans.js';
import { studentRecordCodec, type StudentRecord } from '../codecs/student-record.js';
import { PROFILE_KEY_NO } from '../layout/applications.js';
import { profileFile } from '../layout/files.js';
import { ok, type ProfileResult } from '../result.js';
import type { ProfileSession } from '../session.js';
import { readLog, readNewest, readPurse, readRecordFile } from './file-io.js';

const S = PROFILE_KEY_NO.student;
const C = PROFILE_KEY_NO.canteen;

export async function readStudentRecord(session: ProfileSession): Promise<ProfileResult<StudentRecord>> {
  const auth = await session.authenticate('student', S.read, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  return readRecordFile(session, profileFile('student.record'), studentRecordCodec);
}

export async function readStudentAttendance(session: ProfileSession): Promise<ProfileResult<AttendanceRecord[]>> {
  const auth = await session.authenticate('student', S.attendance, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  return readLog(session, profileFile('student.attendance'), attendanceCodec, { newestCount: 0 });
}

export async function readLibraryLoans(session: ProfileSession): Promise<ProfileResult<LibraryLoans>> {
  const auth = await session.authenticate('student', S.library, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  return readRecordFile(session, profileFile('student.library-loans'), libraryLoansCodec);
}

export interface CanteenPurseView {
  readonly balanceVnd: number;
  readonly lastEvent: CanteenEventRecord | undefined;
}

export async function readCanteenPurse(session: ProfileSession): Promise<ProfileResult<CanteenPurseView>> {
  const auth = await session.authenticate('canteen', C.debit, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  const balanceVnd = await readPurse(session, profileFile('canteen.purse'));
  if (!balanceVnd.ok) return balanceVnd;
  const lastEvent = await readNewest(session, profileFile('canteen.events'), canteenEventCodec);
  if (!lastEvent.ok) return lastEvent;
  return ok({ balanceVnd: balanceVnd.value, lastEvent: lastEvent.value });
}

/** The canteen log, oldest first: with the debit key (Read, Write) or the top-up key (ReadWrite). */
export async function readCanteenHistory(session: ProfileSession): Promise<ProfileResult<CanteenEventRecord[]>> {
  const auth = await session.authenticateFirstHeld('canteen', [C.debit, C.topUp]);
  if (!auth.ok) return auth;
  return readLog(session, profileFile('canteen.events'), canteenEventCodec, { newestCount: 0 });
}
