/** School gate: the pupil's record (student read key) says the school; attendance in/out with anti-passback. */
import { PROFILE_KEY_NO, readStudentRecord } from '@onecard/card-os/profile';
import type { ModeHandler } from '../tap/mode.js';
import { gateMode, type GateOptions } from './gate.js';

export function schoolGateMode(options: GateOptions): ModeHandler<void> {
  return gateMode(
    {
      mode: 'school-gate',
      application: 'student',
      logFile: 'student.attendance',
      attendanceKeyNo: PROFILE_KEY_NO.student.attendance,
      checkHolder: async (session, today) => {
        const student = await readStudentRecord(session);
        if (!student.ok) return student;
        if (student.value.schoolCode !== options.siteCode) return { ok: true, value: 'not_enrolled_here' };
        return { ok: true, value: student.value.validUntil < today ? 'enrolment_expired' : undefined };
      },
    },
    options,
  );
}
