/**
 * Readers of the transit application (PROFILE.md §4.3, §8).
 *
 * readTransitForTap is what a bus validator reads in a tap: one select, one
 * EV2 authentication with the debit key, then the entitlements, the fare
 * state, the purse and the newest trip (whose number + 1 is the card
 * transaction number the tap's commit will get). The other readers take the
 * least-privileged key the terminal holds for what they read.
 */
import { transitEntitlementsCodec, type TransitEntitlements } from '../codecs/transit-entitlements.js';
import { transitFareStateCodec, type TransitFareState } from '../codecs/transit-fare-state.js';
import { tripCodec, type TripRecord } from '../codecs/transit-trip.js';
import { PROFILE_KEY_NO } from '../layout/applications.js';
import { profileFile } from '../layout/files.js';
import { ok, type ProfileResult } from '../result.js';
import type { ProfileSession } from '../session.js';
import { readLog, readNewest, readPurse, readRecordFile } from './file-io.js';

const T = PROFILE_KEY_NO.transit;

export interface TransitTapView {
  readonly entitlements: TransitEntitlements;
  readonly fareState: TransitFareState;
  readonly balanceVnd: number;
  /** Undefined only on a card whose log was never written (not issued through the profile). */
  readonly lastTrip: TripRecord | undefined;
}

export async function readTransitForTap(session: ProfileSession): Promise<ProfileResult<TransitTapView>> {
  const auth = await session.authenticate('transit', T.debit, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  const entitlements = await readRecordFile(session, profileFile('transit.entitlements'), transitEntitlementsCodec);
  if (!entitlements.ok) return entitlements;
  const fareState = await readRecordFile(session, profileFile('transit.fare-state'), transitFareStateCodec);
  if (!fareState.ok) return fareState;
  const balanceVnd = await readPurse(session, profileFile('transit.purse'));
  if (!balanceVnd.ok) return balanceVnd;
  const lastTrip = await readNewest(session, profileFile('transit.trips'), tripCodec);
  if (!lastTrip.ok) return lastTrip;
  return ok({ entitlements: entitlements.value, fareState: fareState.value, balanceVnd: balanceVnd.value, lastTrip: lastTrip.value });
}

/** The trip log, oldest first: with the debit key (Read, Write) or the top-up key (ReadWrite). */
export async function readTransitTrips(session: ProfileSession): Promise<ProfileResult<TripRecord[]>> {
  const auth = await session.authenticateFirstHeld('transit', [T.debit, T.topUp]);
  if (!auth.ok) return auth;
  return readLog(session, profileFile('transit.trips'), tripCodec, { newestCount: 0 });
}

/** Journey, transfers and cap counters: with the read key, else the debit key. */
export async function readTransitFareState(session: ProfileSession): Promise<ProfileResult<TransitFareState>> {
  const auth = await session.authenticateFirstHeld('transit', [T.read, T.debit]);
  if (!auth.ok) return auth;
  return readRecordFile(session, profileFile('transit.fare-state'), transitFareStateCodec);
}
