/** Office gate: the civil servant's record (civil read key) names the agency; check-in/out as at a school gate. */
import { PROFILE_KEY_NO, readEmployee } from '@onecard/card-os/profile';
import type { ModeHandler } from '../tap/mode.js';
import { gateMode, type GateOptions } from './gate.js';

export interface OfficeOptions extends GateOptions {
  /** The agency whose staff this gate admits (civil.employee agencyCode). */
  readonly agencyCode: number;
}

export function officeMode(options: OfficeOptions): ModeHandler<void> {
  return gateMode(
    {
      mode: 'office',
      application: 'civil',
      logFile: 'civil.attendance',
      attendanceKeyNo: PROFILE_KEY_NO.civil.attendance,
      checkHolder: async (session, today) => {
        const employee = await readEmployee(session);
        if (!employee.ok) return employee;
        if (employee.value.agencyCode !== options.agencyCode) return { ok: true, value: 'not_enrolled_here' };
        return { ok: true, value: employee.value.validUntil < today ? 'enrolment_expired' : undefined };
      },
    },
    options,
  );
}
