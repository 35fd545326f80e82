/**
 * Clinic: reads the health-insurance record (valid today?), and with the
 * clinic keys the emergency data when the clinician asks for it (journaled
 * as an access, never its content), then appends the visit (visitWrite key,
 * EV2 NonFirst) and commits. The journal carries the visit type, never the
 * diagnosis code or any health datum.
 */
import { PROFILE_KEY_NO, appendRawRecord, commit, profileFile, readHealth, visitCodec, type EmergencyRecord, type VisitType } from '@onecard/card-os/profile';
import { reasonOfFailure } from '../tap/card-failure.js';
import type { TapContext } from '../tap/context.js';
import type { ModeHandler } from '../tap/mode.js';
import type { ModeOutcome } from '../tap/outcome.js';
import { vietnamCivilDate } from '../fares/local-time.js';
import { modeRecorder } from './mode-recorder.js';

export interface ClinicOptions {
  /** 5-digit facility code (health-insurance registry). */
  readonly facility: string;
  /** Receives the emergency data for the clinician's screen (never the display log or the journal). */
  readonly onEmergencyData?: (data: EmergencyRecord | undefined) => void;
}

export interface ClinicInput {
  readonly visitType: VisitType;
  /** ICD-10 reason, display form ("J06.9"): stored on the card only. */
  readonly reason: string;
  readonly emergencyAccess: boolean;
}

const FACILITY_PATTERN = /^\d{5}$/;
const ICD10_PATTERN = /^[A-Z]\d{2}(\.\d)?$/;

export function clinicMode(options: ClinicOptions): ModeHandler<ClinicInput> {
  if (!FACILITY_PATTERN.test(options.facility)) throw new RangeError('facility must be 5 digits');
  return { mode: 'clinic', application: 'health', run: (context, input) => runClinic(options, context, input) };
}

async function runClinic(options: ClinicOptions, context: TapContext, input: ClinicInput): Promise<ModeOutcome> {
  const { session, timer, now } = context;
  const { record, result } = modeRecorder(context, 'health');
  if (!ICD10_PATTERN.test(input.reason)) return result(false, { reason: 'mode_input_missing' });
  const siteCode = Number(options.facility);
  const today = vietnamCivilDate(now);
  const health = await timer.time('read', () => readHealth(session));
  if (!health.ok) return result(false, { reason: reasonOfFailure(health) });
  const { insurance, emergency, visits } = health.value;
  if (input.emergencyAccess) {
    options.onEmergencyData?.(emergency);
    record({ kind: 'emergency-read', amountVnd: 0, siteCode, detail: { present: emergency === undefined ? 0 : 1 } });
  }
  if (today < insurance.validFrom || today > insurance.validUntil) {
    const reason = today < insurance.validFrom ? 'insurance_not_yet_valid' : 'insurance_expired';
    record({ kind: 'denied', reason, amountVnd: 0, siteCode });
    return result(false, { reason, notes: [{ code: 'insurance-until', date: insurance.validUntil }] });
  }
  const newest = visits.at(-1);
  const lastJournaled = context.journal.lastEventFor(context.identity.cardNumber, 'health');
  const journaledToday = lastJournaled?.kind === 'clinic-visit' && vietnamCivilDate(new Date(lastJournaled.at)) === today;
  if (newest !== undefined && newest.on === today && newest.facility === options.facility && newest.visitType === input.visitType && newest.reason === input.reason && !journaledToday) {
    record({ kind: 'clinic-visit', reason: 'recovered_torn_tap', amountVnd: 0, siteCode, detail: { visitType: input.visitType, recovered: 1 } });
    return result(true, { reason: 'recovered_torn_tap', notes: [{ code: 'visit-recorded' }] });
  }
  const visit = visitCodec.encode({ visitType: input.visitType, on: today, facility: options.facility, reason: input.reason });
  const written = await timer.time('write', async () => {
    const auth = await session.authenticate('health', PROFILE_KEY_NO.health.visitWrite, { defaultKeyAllowed: false });
    return auth.ok ? appendRawRecord(session, profileFile('health.visits'), visit) : auth;
  });
  if (!written.ok) return result(false, { reason: reasonOfFailure(written) });
  const committed = await timer.time('commit', () => commit(session));
  if (!committed.ok) return result(false, { reason: reasonOfFailure(committed) });
  record({ kind: 'clinic-visit', amountVnd: 0, siteCode, detail: { visitType: input.visitType } });
  return result(true, { notes: [{ code: 'visit-recorded' }, { code: 'insurance-until', date: insurance.validUntil }] });
}
