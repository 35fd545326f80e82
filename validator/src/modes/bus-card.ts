/**
 * The three transit transactions a bus tap may commit (PROFILE.md §8, §12),
 * each one DESFire transaction ending in CommitTransaction option 01 (the
 * card answers TMC ‖ TMV, which the journal carries):
 *   fare   (debit key): [Debit] · WriteData fare state · WriteRecord trip · Commit
 *   claim  (debit key): WriteData fare state with the action claim · WriteRecord autoload(0) · Commit
 *   credit (top-up key): Credit · WriteRecord autoload(amount) · Commit
 *   pass   (top-up key): WriteData entitlements · WriteRecord contract-sale · Commit
 * Every commit appends exactly one trip record numbered with the TMC it
 * will produce: the newest record's number + 1 (PROFILE.md §5.4).
 */
import { commitTransaction, credit, debit, toHexLower, writeData, writeRecord, type DesfireClient } from './host-commands.js';
import { PROFILE_KEY_NO, profileFile, transitFareStateCodec, tripCodec, type ActionMarker, type ProfileResult, type ProfileSession, type TransitFareState, type TripEvent } from '@onecard/card-os/profile';
import type { StageTimer } from '../tap/stage-timer.js';

const PURSE = profileFile('transit.purse');
const FARE_STATE = profileFile('transit.fare-state');
const TRIPS = profileFile('transit.trips');
const ENTITLEMENTS = profileFile('transit.entitlements');

export interface Committed {
  /** TMC the card answered (the trip record carries the predicted one; they agree unless the card's log skipped a commit). */
  readonly tmc: number;
  readonly tmvHex: string;
  readonly predictedTmc: number;
}

export type CardStep<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: number; readonly reason: string };

interface TripLine {
  readonly event: TripEvent;
  readonly transactionNo: number;
  readonly at: Date;
  readonly deviceId: number;
  readonly routeCode: number;
  readonly amountVnd: number;
  readonly balanceAfterVnd: number;
  readonly contractSlot: number | undefined;
}

async function appendTrip(client: DesfireClient, trip: TripLine): Promise<CardStep<void>> {
  const data = tripCodec.encode({ event: trip.event, transactionNo: trip.transactionNo, at: trip.at, deviceId: trip.deviceId, routeId: trip.routeCode, amountVnd: trip.amountVnd, balanceAfterVnd: trip.balanceAfterVnd, contractSlot: trip.contractSlot });
  return writeRecord(client, { fileNo: TRIPS.fileNo, mode: TRIPS.settings.commMode, offsetBytes: 0, data });
}

async function commitWithMac(client: DesfireClient, predictedTmc: number, timer: StageTimer): Promise<CardStep<Committed>> {
  const committed = await timer.time('commit', () => commitTransaction(client, { returnTransactionMac: true }));
  if (!committed.ok) return committed;
  if (committed.value === undefined) throw new Error('assertion failed: commit option 01 answers TMC ‖ TMV');
  return { ok: true, value: { tmc: committed.value.tmc, tmvHex: toHexLower(committed.value.tmv), predictedTmc } };
}

export async function fareTransaction(input: { client: DesfireClient; timer: StageTimer; amountVnd: number; fareState: TransitFareState; trip: TripLine }): Promise<CardStep<Committed>> {
  const { client, timer } = input;
  const written = await timer.time('write', async (): Promise<CardStep<void>> => {
    if (input.amountVnd > 0) {
      const debited = await debit(client, { fileNo: PURSE.fileNo, mode: PURSE.settings.commMode, amount: input.amountVnd });
      if (!debited.ok) return debited;
    }
    const state = await writeData(client, { fileNo: FARE_STATE.fileNo, mode: FARE_STATE.settings.commMode, offsetBytes: 0, data: transitFareStateCodec.encode(input.fareState) });
    if (!state.ok) return state;
    return appendTrip(client, input.trip);
  });
  if (!written.ok) return written;
  return commitWithMac(client, input.trip.transactionNo, timer);
}

export async function claimTransaction(input: { client: DesfireClient; timer: StageTimer; fareState: TransitFareState; trip: TripLine }): Promise<CardStep<Committed>> {
  const { client, timer } = input;
  const written = await timer.time('write', async (): Promise<CardStep<void>> => {
    const state = await writeData(client, { fileNo: FARE_STATE.fileNo, mode: FARE_STATE.settings.commMode, offsetBytes: 0, data: transitFareStateCodec.encode(input.fareState) });
    if (!state.ok) return state;
    return appendTrip(client, input.trip);
  });
  if (!written.ok) return written;
  return commitWithMac(client, input.trip.transactionNo, timer);
}

/** Authenticates with the top-up key (EV2 NonFirst: a new transaction), credits and logs the autoload. */
export async function creditTransaction(input: { session: ProfileSession; timer: StageTimer; amountVnd: number; trip: TripLine }): Promise<ProfileResult<Committed> | CardStep<Committed>> {
  const { session, timer } = input;
  const auth = await timer.time('write', () => session.authenticate('transit', PROFILE_KEY_NO.transit.topUp, { defaultKeyAllowed: false }));
  if (!auth.ok) return auth;
  const written = await timer.time('write', async (): Promise<CardStep<void>> => {
    const credited = await credit(session.client, { fileNo: PURSE.fileNo, mode: PURSE.settings.commMode, amount: input.amountVnd });
    if (!credited.ok) return credited;
    return appendTrip(session.client, input.trip);
  });
  if (!written.ok) return written;
  return commitWithMac(session.client, input.trip.transactionNo, timer);
}

/** Authenticates with the top-up key (EV2 NonFirst: a new transaction), rewrites the passes (a backup file: all or nothing) and logs the sale. */
export async function contractLoadTransaction(input: { session: ProfileSession; timer: StageTimer; entitlementsBytes: Uint8Array; trip: TripLine }): Promise<ProfileResult<Committed> | CardStep<Committed>> {
  const { session, timer } = input;
  const auth = await timer.time('write', () => session.authenticate('transit', PROFILE_KEY_NO.transit.topUp, { defaultKeyAllowed: false }));
  if (!auth.ok) return auth;
  const written = await timer.time('write', async (): Promise<CardStep<void>> => {
    const passes = await writeData(session.client, { fileNo: ENTITLEMENTS.fileNo, mode: ENTITLEMENTS.settings.commMode, offsetBytes: 0, data: input.entitlementsBytes });
    if (!passes.ok) return passes;
    return appendTrip(session.client, input.trip);
  });
  if (!written.ok) return written;
  return commitWithMac(session.client, input.trip.transactionNo, timer);
}

export type { TripLine };

/** The fare state to write, carrying `marker` whatever the fare engine did with the field. */
export function withMarker(state: TransitFareState, marker: ActionMarker | undefined): TransitFareState {
  const rest: { -readonly [K in keyof TransitFareState]?: TransitFareState[K] } & Omit<TransitFareState, 'actions'> = { ...state };
  delete rest.actions;
  return marker === undefined ? rest : { ...rest, actions: marker };
}

/** TMC ‖ TMV for the journal, and `detail` (plus the record's number when the card's TMC disagrees with it). */
export function tmcFields(committed: Committed, detail: Readonly<Record<string, number | string>> = {}): { tmc: number; tmv: string; detail?: Record<string, number | string> } {
  const all = committed.tmc === committed.predictedTmc ? { ...detail } : { ...detail, recordTmc: committed.predictedTmc };
  return { tmc: committed.tmc, tmv: committed.tmvHex, ...(Object.keys(all).length === 0 ? {} : { detail: all }) };
}
