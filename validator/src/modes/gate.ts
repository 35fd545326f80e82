/**
 * Attendance gates (school gate, office gate): who the holder is (student or
 * employee record, read key), the newest passage on the card (attendance
 * key, EV2 NonFirst), anti-passback, then one record appended and
 * committed. The card's own log carries the passages between gates of a
 * site offline; the journal carries them to the clearing house (late and
 * absent are derived there).
 *
 * Recovery: the newest passage on the card written by this gate, within the
 * recovery window, that the journal does not have, was torn after the
 * commit: it is journaled now and the holder passes (no second record).
 */
import { appendRawRecord, attendanceCodec, commit, profileFile, readNewest, type AttendanceRecord, type GateDirection, type ProfileResult, type ProfileSession } from '@onecard/card-os/profile';
import { reasonOfFailure } from '../tap/card-failure.js';
import type { TapContext } from '../tap/context.js';
import type { ModeHandler } from '../tap/mode.js';
import type { ModeOutcome, TapMode, TapReason } from '../tap/outcome.js';
import { vietnamCivilDate } from '../fares/local-time.js';
import { modeRecorder } from './mode-recorder.js';

export const GATE_ANTI_PASSBACK_MS_DEFAULT = 5 * 60 * 1000;
export const GATE_RECOVERY_WINDOW_MS_DEFAULT = 10 * 60 * 1000;

export type GateDirectionSetting = GateDirection | 'alternate';

export interface GateOptions {
  /** School code (school gate) or agency site code (office): written in every passage. */
  readonly siteCode: number;
  readonly gateNo: number;
  readonly direction: GateDirectionSetting;
  /** A second passage in the same direction at this site within this time is refused. */
  readonly antiPassbackMs: number;
  readonly recoveryWindowMs: number;
}

/** What differs between a school gate and an office gate. */
export interface GateSpec {
  readonly mode: Extract<TapMode, 'school-gate' | 'office'>;
  readonly application: 'student' | 'civil';
  readonly logFile: 'student.attendance' | 'civil.attendance';
  readonly attendanceKeyNo: number;
  /** Reads the holder record and says whether it belongs here and is valid today. */
  checkHolder(session: ProfileSession, today: string): Promise<ProfileResult<TapReason | undefined>>;
}

const KIND_OF = { 'school-gate': { in: 'gate-in', out: 'gate-out' }, office: { in: 'office-in', out: 'office-out' } } as const;

export function gateMode(spec: GateSpec, options: GateOptions): ModeHandler<void> {
  return { mode: spec.mode, application: spec.application, run: (context) => runGate(spec, options, context) };
}

function chooseDirection(setting: GateDirectionSetting, newest: AttendanceRecord | undefined, options: { siteCode: number; today: string }): GateDirection {
  if (setting !== 'alternate') return setting;
  if (newest === undefined || newest.siteCode !== options.siteCode || vietnamCivilDate(newest.at) !== options.today) return 'in';
  return newest.direction === 'in' ? 'out' : 'in';
}

async function runGate(spec: GateSpec, options: GateOptions, context: TapContext): Promise<ModeOutcome> {
  const { session, timer, now } = context;
  const { record, result } = modeRecorder(context, spec.application);
  const today = vietnamCivilDate(now);
  const holder = await timer.time('read', () => spec.checkHolder(session, today));
  if (!holder.ok) return result(false, { reason: reasonOfFailure(holder) });
  if (holder.value !== undefined) {
    record({ kind: 'denied', reason: holder.value, amountVnd: 0, siteCode: options.siteCode, gateNo: options.gateNo });
    return result(false, { reason: holder.value });
  }
  const log = profileFile(spec.logFile);
  const newest = await timer.time('read', async () => {
    const auth = await session.authenticate(spec.application, spec.attendanceKeyNo, { defaultKeyAllowed: false });
    return auth.ok ? readNewest(session, log, attendanceCodec) : auth;
  });
  if (!newest.ok) return result(false, { reason: reasonOfFailure(newest) });
  const last = newest.value;
  const lastJournaled = context.journal.lastEventFor(context.identity.cardNumber, spec.application);
  if (last !== undefined && last.siteCode === options.siteCode && last.gateNo === options.gateNo && now.getTime() - last.at.getTime() <= options.recoveryWindowMs && (lastJournaled === undefined || Date.parse(lastJournaled.at) < last.at.getTime())) {
    record({ kind: KIND_OF[spec.mode][last.direction], reason: 'recovered_torn_tap', at: last.at.toISOString(), amountVnd: 0, siteCode: options.siteCode, gateNo: options.gateNo, detail: { recovered: 1 } });
    return result(true, { reason: 'recovered_torn_tap', notes: [{ code: 'direction', direction: last.direction }] });
  }
  const direction = timer.timeSync('decide', () => chooseDirection(options.direction, last, { siteCode: options.siteCode, today }));
  // Anti-passback: the same direction again, or (alternating gates) any passage, too soon after the last one at this site.
  const tooSoon = last !== undefined && last.siteCode === options.siteCode && now.getTime() - last.at.getTime() < options.antiPassbackMs;
  if (last !== undefined && tooSoon && (options.direction === 'alternate' || last.direction === direction)) {
    record({ kind: 'denied', reason: 'anti_passback', amountVnd: 0, siteCode: options.siteCode, gateNo: options.gateNo, detail: { direction } });
    return result(false, { reason: 'anti_passback', notes: [{ code: 'direction', direction }] });
  }
  const passage: AttendanceRecord = { direction, at: now, siteCode: options.siteCode, gateNo: options.gateNo };
  const written = await timer.time('write', async () => {
    // Reading an empty log ends the card's authentication (BOUNDARY_ERROR): authenticate again if so (a no-op otherwise).
    const auth = await session.authenticate(spec.application, spec.attendanceKeyNo, { defaultKeyAllowed: false });
    return auth.ok ? appendRawRecord(session, log, attendanceCodec.encode(passage)) : auth;
  });
  if (!written.ok) return result(false, { reason: reasonOfFailure(written) });
  const committed = await timer.time('commit', () => commit(session));
  if (!committed.ok) return result(false, { reason: reasonOfFailure(committed) });
  record({ kind: KIND_OF[spec.mode][direction], amountVnd: 0, siteCode: options.siteCode, gateNo: options.gateNo });
  return result(true, { notes: [{ code: 'direction', direction }] });
}
