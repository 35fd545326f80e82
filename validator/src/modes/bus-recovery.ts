/**
 * Recognising a repeat tap on a bus (PROFILE.md §5.4; the Calypso rule in
 * ../shared/notes/fares-and-schemes.md: a repeat tap after a broken session
 * is recovery, not a second fare). The card's trip log is compared with the
 * journal's newest transit event for the card:
 *
 * - records this device committed after the journal's last known card TMC
 *   (within the recovery window) were torn after the commit, before the
 *   journal: they are journaled now and the ride is not charged again;
 * - the newest record is this device's, already journaled, a ride, and
 *   younger than the repeat window: the rider tapped twice, nothing to do.
 *
 * Every transit event of this validator names the card TMC it saw: `tmc`
 * for commits, `detail.cardTmc` for denials and repeats, so the last event
 * always says how far the journal knows the card.
 */
import type { JournalEvent, TripRecord } from '@onecard/card-os/profile';

/** Trip-log events a bus validator writes for a ride (autoload records are not rides). */
const RIDE_EVENTS: ReadonlySet<TripRecord['event']> = new Set(['fare', 'pass-use', 'transfer']);
const DEVICE_EVENTS: ReadonlySet<TripRecord['event']> = new Set(['fare', 'pass-use', 'transfer', 'autoload']);

export interface RecoveryWindows {
  /** Unjournaled commits of this device older than this are left to the clearing house (TMC gap). */
  readonly recoveryWindowMs: number;
  /** A second tap of the same card within this time after a journaled ride is a repeat. */
  readonly repeatWindowMs: number;
}

/** The card TMC the journal last saw for this card, or undefined. */
export function journaledCardTmc(event: JournalEvent | undefined): number | undefined {
  if (event === undefined) return undefined;
  if (event.tmc !== undefined) return event.tmc;
  const seen = event.detail?.['cardTmc'];
  return typeof seen === 'number' ? seen : undefined;
}

function recentByDevice(trip: TripRecord, options: { deviceId: number; now: Date; windowMs: number }): boolean {
  const ageMs = options.now.getTime() - trip.at.getTime();
  return trip.deviceId === options.deviceId && DEVICE_EVENTS.has(trip.event) && trip.transactionNo > 0 && ageMs >= 0 && ageMs <= options.windowMs;
}

/** Whether the newest record hints at unjournaled commits (then the whole log is read). */
export function mayHaveTornCommits(input: { newest: TripRecord | undefined; journaledTmc: number | undefined; deviceId: number; now: Date; windows: RecoveryWindows }): boolean {
  const { newest } = input;
  if (newest === undefined) return false;
  return recentByDevice(newest, { deviceId: input.deviceId, now: input.now, windowMs: input.windows.recoveryWindowMs }) && newest.transactionNo > (input.journaledTmc ?? -1);
}

/** This device's commits the journal does not have, oldest first. */
export function tornCommits(input: { trips: readonly TripRecord[]; journaledTmc: number | undefined; deviceId: number; now: Date; windows: RecoveryWindows }): TripRecord[] {
  return input.trips.filter((trip) => recentByDevice(trip, { deviceId: input.deviceId, now: input.now, windowMs: input.windows.recoveryWindowMs }) && trip.transactionNo > (input.journaledTmc ?? -1));
}

export function isRide(trip: TripRecord): boolean {
  return RIDE_EVENTS.has(trip.event);
}

/** A journaled ride of this device, so recent that this tap is the same rider tapping again. */
export function isRepeatTap(input: { newest: TripRecord | undefined; journaledTmc: number | undefined; deviceId: number; now: Date; windows: RecoveryWindows }): boolean {
  const { newest } = input;
  if (newest === undefined || !isRide(newest)) return false;
  return recentByDevice(newest, { deviceId: input.deviceId, now: input.now, windowMs: input.windows.repeatWindowMs }) && newest.transactionNo === input.journaledTmc;
}
