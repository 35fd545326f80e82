/**
 * Readers of the civil-servant application, and workstation login.
 *
 * Workstation login (PROFILE.md §8, flow 5): the login server relays an
 * AuthenticateEV2First with the card's diversified login key through the
 * workstation's reader. The card proves it holds the key by answering the
 * server's challenge RndA (AN12343, AuthenticateEV2First); the server
 * derives the key in its SAM (login-server bundle: only civil key 3) and
 * never sees the master.
 * It then reads the credential file in full mode, authenticated by that
 * session, to learn which account the card is bound to.
 */
import { attendanceCodec, type AttendanceRecord } from '../codecs/attendance.js';
import { credentialCodec, employeeCodec, type EmployeeRecord, type LoginCredential } from '../codecs/civil.js';
import { PROFILE_KEY_NO } from '../layout/applications.js';
import { profileFile } from '../layout/files.js';
import type { ProfileResult } from '../result.js';
import type { ProfileSession } from '../session.js';
import { readLog, readRecordFile } from './file-io.js';

const V = PROFILE_KEY_NO.civil;

export async function readEmployee(session: ProfileSession): Promise<ProfileResult<EmployeeRecord>> {
  const auth = await session.authenticate('civil', V.read, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  return readRecordFile(session, profileFile('civil.employee'), employeeCodec);
}

export async function readOfficeAttendance(session: ProfileSession): Promise<ProfileResult<AttendanceRecord[]>> {
  const auth = await session.authenticate('civil', V.attendance, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  return readLog(session, profileFile('civil.attendance'), attendanceCodec, { newestCount: 0 });
}

/** Challenge–response with the diversified login key, then the bound account. */
export async function authenticateWorkstationLogin(session: ProfileSession): Promise<ProfileResult<LoginCredential>> {
  const auth = await session.authenticate('civil', V.workstationLogin, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  return readRecordFile(session, profileFile('civil.credential'), credentialCodec);
}
