/**
 * transit.fare-state (PROFILE.md §5.3): what the fare engine needs offline
 * between taps: the current journey (start, transfers used), the last tap,
 * and the spend toward the daily and monthly caps. Written by the validator
 * (debit key) in the same transaction as the debit and the trip record.
 *
 * Version 2 (PROFILE.md §12) uses 7 of the 8 reserved bytes for the action
 * marker: the sequence number of the newest action-list entry (autoload …)
 * the card has claimed, and the transaction number of the claim while the
 * credit that fulfils it is not yet confirmed. Version 1 records decode
 * with no marker (sequence 0); the encoder writes version 2.
 */
import { FieldReader, FieldWriter } from './fields.js';
import { dayNumberOf, monthNumberOf, monthOf, type CivilDate } from '../layout/epoch.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const FARE_STATE_RECORD_LENGTH_BYTES = 32;
export const FARE_STATE_RECORD_VERSION = 2;
/** The first layout, without the action marker: still decoded (marker absent). */
export const FARE_STATE_RECORD_VERSION_V1 = 1;
export const TRANSFERS_PER_JOURNEY_MAX = 0xff;
/** Action sequence numbers are per card, 24-bit on the card. */
export const ACTION_SEQ_MAX = 0xff_ffff;
const RESERVED_BYTES_V1 = 8;
const RESERVED_BYTES_V2 = 1;

/**
 * Which action-list entries the card has taken (PROFILE.md §12). An
 * action with a sequence number ≤ lastSeq is never applied again.
 * claimTmc ≠ 0: action lastSeq was claimed by the commit with that
 * transaction number and its credit is valid only as the very next commit
 * (claimTmc + 1); 0 = settled (credited and confirmed, or nothing pending).
 */
export interface ActionMarker {
  readonly lastSeq: number;
  readonly claimTmc: number;
}

export interface TransitFareState {
  /** Start of the current journey (first boarding it was charged for); undefined before the first tap. */
  readonly journeyStartedAt: Date | undefined;
  readonly transfersUsed: number;
  readonly lastTapAt: Date | undefined;
  /** 0 when no tap yet. */
  readonly lastRouteId: number;
  /** The civil date the daily cap counter belongs to. */
  readonly capDay: CivilDate;
  readonly capDaySpentVnd: number;
  /** 'YYYY-MM' the monthly cap counter belongs to. */
  readonly capMonth: string;
  readonly capMonthSpentVnd: number;
  /** Absent = no action ever claimed (a version 1 record, or an all-zero marker). */
  readonly actions?: ActionMarker;
}

const layout = { lengthBytes: FARE_STATE_RECORD_LENGTH_BYTES, version: FARE_STATE_RECORD_VERSION };
const layoutV1 = { lengthBytes: FARE_STATE_RECORD_LENGTH_BYTES, version: FARE_STATE_RECORD_VERSION_V1 };

/** The state a freshly issued card starts with. */
export function initialFareState(issuedOn: CivilDate): TransitFareState {
  return {
    journeyStartedAt: undefined,
    transfersUsed: 0,
    lastTapAt: undefined,
    lastRouteId: 0,
    capDay: issuedOn,
    capDaySpentVnd: 0,
    capMonth: issuedOn.slice(0, 7),
    capMonthSpentVnd: 0,
  };
}

function encode(value: TransitFareState): Uint8Array {
  const month = monthNumberOf(`${value.capMonth}-01`);
  if (month === undefined || dayNumberOf(value.capDay) === undefined) throw new RangeError('capDay / capMonth out of range');
  if (value.actions !== undefined && value.actions.claimTmc !== 0 && value.actions.lastSeq === 0) throw new RangeError('actionClaimTmc needs the claimed actionSeq');
  return new FieldWriter(layout)
    .u8(value.transfersUsed, 'transfersUsed')
    .optionalInstant(value.journeyStartedAt, 'journeyStartedAt')
    .optionalInstant(value.lastTapAt, 'lastTapAt')
    .u16(value.lastRouteId, 'lastRouteId')
    .date(value.capDay, 'capDay')
    .u32(value.capDaySpentVnd, 'capDaySpentVnd')
    .u16(month, 'capMonth')
    .u32(value.capMonthSpentVnd, 'capMonthSpentVnd')
    .u24(value.actions?.lastSeq ?? 0, 'actionSeq')
    .u32(value.actions?.claimTmc ?? 0, 'actionClaimTmc')
    .reserved(RESERVED_BYTES_V2)
    .finish();
}

function decode(bytes: Uint8Array): RecordDecodeResult<TransitFareState> {
  const v1 = bytes instanceof Uint8Array && bytes[0] === FARE_STATE_RECORD_VERSION_V1;
  const r = new FieldReader(bytes, v1 ? layoutV1 : layout);
  const transfersUsed = r.u8('transfersUsed');
  const journeyStartedAt = r.optionalInstant('journeyStartedAt');
  const lastTapAt = r.optionalInstant('lastTapAt');
  const lastRouteId = r.u16('lastRouteId');
  const capDay = r.date('capDay');
  const capDaySpentVnd = r.u32('capDaySpentVnd');
  const capMonth = monthOf(r.u16('capMonth'));
  // A month whose first day lies past the last day number cannot be re-encoded.
  if (monthNumberOf(`${capMonth}-01`) === undefined) r.fail('capMonth');
  const capMonthSpentVnd = r.u32('capMonthSpentVnd');
  let lastSeq = 0;
  let claimTmc = 0;
  if (v1) {
    r.reserved(RESERVED_BYTES_V1);
  } else {
    lastSeq = r.u24('actionSeq');
    claimTmc = r.u32('actionClaimTmc');
    // A claim always names the newest action: a claim without one is not a record this code wrote.
    if (claimTmc !== 0 && lastSeq === 0) r.fail('actionClaimTmc');
    r.reserved(RESERVED_BYTES_V2);
  }
  const base = { journeyStartedAt, transfersUsed, lastTapAt, lastRouteId, capDay, capDaySpentVnd, capMonth, capMonthSpentVnd };
  return r.result(() => (lastSeq === 0 ? base : { ...base, actions: { lastSeq, claimTmc } }));
}

export const transitFareStateCodec: RecordCodec<TransitFareState> = { name: 'transit.fare-state', ...layout, encode, decode };
