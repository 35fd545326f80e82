/** Reader of the health application: clinic terminals only (health read key), all files in full mode. */
import { emergencyCodec, insuranceCodec, visitCodec, type EmergencyRecord, type InsuranceRecord, type VisitRecord } from '../codecs/health.js';
import { PROFILE_KEY_NO } from '../layout/applications.js';
import { profileFile } from '../layout/files.js';
import { ok, type ProfileResult } from '../result.js';
import type { ProfileSession } from '../session.js';
import { readLog, readRecordFile } from './file-io.js';

export interface HealthView {
  readonly insurance: InsuranceRecord;
  /** Undefined when no emergency data was recorded. */
  readonly emergency: EmergencyRecord | undefined;
  /** Oldest first. */
  readonly visits: readonly VisitRecord[];
}

export async function readHealth(session: ProfileSession): Promise<ProfileResult<HealthView>> {
  const auth = await session.authenticate('health', PROFILE_KEY_NO.health.read, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  const insurance = await readRecordFile(session, profileFile('health.insurance'), insuranceCodec);
  if (!insurance.ok) return insurance;
  const emergency = await readRecordFile(session, profileFile('health.emergency'), emergencyCodec);
  const emergencyEmpty = !emergency.ok && emergency.code === 'record_invalid' && emergency.decode === 'empty';
  if (!emergency.ok && !emergencyEmpty) return emergency;
  const visits = await readLog(session, profileFile('health.visits'), visitCodec, { newestCount: 0 });
  if (!visits.ok) return visits;
  return ok({ insurance: insurance.value, emergency: emergency.ok ? emergency.value : undefined, visits: visits.value });
}
