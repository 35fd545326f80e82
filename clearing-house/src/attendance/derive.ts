/**
 * Attendance of one school day from gate taps (pure: no database). Per pupil:
 * first gate-in, last gate-out and one status:
 *
 * - `absent`: on the roster, no gate tap that day;
 * - `left_early`: the day's last tap is a gate-out before the end of school;
 * - `late`: the first gate-in is after start + grace;
 * - `present`: otherwise (also a pupil whose last tap is a gate-in: no out recorded);
 * - `no_school`: the day is not a school day (weekend, or a closure day of the
 *   school's): taps are listed, nobody is absent.
 *
 * A pupil both late and leaving early is `left_early` with `late: true`.
 * Anti-passback repeats (two taps the same way in a row, e.g. a re-tap at a
 * turnstile that did not open) collapse: of several gate-ins the first counts,
 * of several gate-outs the last.
 */
import { isSchoolDay, thresholdsOf, type SchoolDaySchedule } from './schedule.js';

export const ATTENDANCE_STATUSES = ['present', 'late', 'left_early', 'absent', 'no_school'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** Why a line deserves a look; none of them is a status. */
export const ATTENDANCE_NOTES = ['no_gate_in', 'no_gate_out', 'repeat_collapsed', 'not_on_roster'] as const;
export type AttendanceNote = (typeof ATTENDANCE_NOTES)[number];

export type GateDirection = 'in' | 'out';

export interface GateTap {
  readonly cardNumber: string;
  readonly direction: GateDirection;
  readonly atMs: number;
  /** Journal identity: orders taps of one instant and names them uniquely. */
  readonly deviceId: number;
  readonly seq: number;
}

export interface PupilAttendance {
  readonly cardNumber: string;
  readonly onRoster: boolean;
  readonly status: AttendanceStatus;
  /** UTC instant of the first gate-in, or null. */
  readonly firstInAt: string | null;
  /** UTC instant of the last gate-out, or null. */
  readonly lastOutAt: string | null;
  readonly late: boolean;
  readonly leftEarly: boolean;
  /** Taps counted after collapsing repeats. */
  readonly tapCount: number;
  readonly repeatCollapsedCount: number;
  readonly notes: readonly AttendanceNote[];
}

export interface DerivedDay {
  readonly schoolDay: boolean;
  readonly pupils: readonly PupilAttendance[];
  readonly counts: Readonly<Record<AttendanceStatus, number>>;
}

export interface DeriveInput {
  readonly businessDay: string;
  readonly schedule: SchoolDaySchedule;
  /** Card numbers of the school's pupils. */
  readonly roster: readonly string[];
  /** The day's gate taps at the school's gates (duplicates by TMC already left out). */
  readonly taps: readonly GateTap[];
  /** The school is closed that day (a holiday): not a school day whatever the schedule says. Absent or null: open. */
  readonly closure?: { readonly reason: string } | null;
}

const byTime = (a: GateTap, b: GateTap): number => a.atMs - b.atMs || a.deviceId - b.deviceId || a.seq - b.seq;

/** One pupil's taps in time order with same-direction repeats collapsed. */
export function collapseRepeats(taps: readonly GateTap[]): { readonly kept: readonly GateTap[]; readonly collapsedCount: number } {
  const kept: GateTap[] = [];
  let collapsedCount = 0;
  for (const tap of [...taps].sort(byTime)) {
    const previous = kept[kept.length - 1];
    if (previous?.direction !== tap.direction) {
      kept.push(tap);
      continue;
    }
    collapsedCount += 1;
    // Of repeated outs the last one is when the pupil really left; of repeated ins the first is when they arrived.
    if (tap.direction === 'out') kept[kept.length - 1] = tap;
  }
  return { kept, collapsedCount };
}

function pupilOf(input: { readonly cardNumber: string; readonly onRoster: boolean; readonly taps: readonly GateTap[]; readonly schoolDay: boolean; readonly lateAfterMs: number; readonly schoolEndsAtMs: number }): PupilAttendance {
  const { kept, collapsedCount } = collapseRepeats(input.taps);
  const firstIn = kept.find((t) => t.direction === 'in');
  const lastOut = kept.findLast((t) => t.direction === 'out');
  const finalTap = kept[kept.length - 1];
  const notes: AttendanceNote[] = [];
  if (finalTap !== undefined && firstIn === undefined) notes.push('no_gate_in');
  if (finalTap?.direction === 'in') notes.push('no_gate_out');
  if (collapsedCount > 0) notes.push('repeat_collapsed');
  if (!input.onRoster) notes.push('not_on_roster');
  const late = input.schoolDay && firstIn !== undefined && firstIn.atMs > input.lateAfterMs;
  const leftEarly = input.schoolDay && finalTap?.direction === 'out' && finalTap.atMs < input.schoolEndsAtMs;
  const status: AttendanceStatus = !input.schoolDay ? 'no_school' : finalTap === undefined ? 'absent' : leftEarly ? 'left_early' : late ? 'late' : 'present';
  return {
    cardNumber: input.cardNumber,
    onRoster: input.onRoster,
    status,
    firstInAt: firstIn === undefined ? null : new Date(firstIn.atMs).toISOString(),
    lastOutAt: lastOut === undefined ? null : new Date(lastOut.atMs).toISOString(),
    late,
    leftEarly,
    tapCount: kept.length,
    repeatCollapsedCount: collapsedCount,
    notes,
  };
}

export function deriveAttendance(input: DeriveInput): DerivedDay {
  const thresholds = thresholdsOf(input.businessDay, input.schedule);
  const schoolDay = (input.closure ?? null) === null && isSchoolDay(input.businessDay, input.schedule);
  const tapsByCard = new Map<string, GateTap[]>();
  for (const tap of input.taps) {
    if (tap.atMs < thresholds.dayStartsAtMs || tap.atMs >= thresholds.dayEndsAtMs) throw new RangeError('a gate tap outside the business day was passed in');
    const list = tapsByCard.get(tap.cardNumber);
    if (list === undefined) tapsByCard.set(tap.cardNumber, [tap]);
    else list.push(tap);
  }
  const roster = new Set(input.roster);
  const cardNumbers = [...new Set([...roster, ...tapsByCard.keys()])].sort();
  const pupils = cardNumbers.map((cardNumber) => pupilOf({ cardNumber, onRoster: roster.has(cardNumber), taps: tapsByCard.get(cardNumber) ?? [], schoolDay, lateAfterMs: thresholds.lateAfterMs, schoolEndsAtMs: thresholds.schoolEndsAtMs }));
  const counts = Object.fromEntries(ATTENDANCE_STATUSES.map((s) => [s, 0])) as Record<AttendanceStatus, number>;
  for (const pupil of pupils) counts[pupil.status] += 1;
  return { schoolDay, pupils, counts };
}
