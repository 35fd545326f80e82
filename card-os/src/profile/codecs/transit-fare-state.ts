/**
 * transit.fare-state (PROFILE.md §5.3): what the fare engine needs offline
 * between taps: the current journey (start, transfers used), the last tap,
 * and the spend toward the daily and monthly caps. Written by the validator
 * (debit key) in the same transaction as the debit and the trip record.
 */
import { FieldReader, FieldWriter } from './fields.js';
import { dayNumberOf, monthNumberOf, monthOf, type CivilDate } from '../layout/epoch.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const FARE_STATE_RECORD_LENGTH_BYTES = 32;
export const FARE_STATE_RECORD_VERSION = 1;
export const TRANSFERS_PER_JOURNEY_MAX = 0xff;
const RESERVED_BYTES = 8;

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
}

const layout = { lengthBytes: FARE_STATE_RECORD_LENGTH_BYTES, version: FARE_STATE_RECORD_VERSION };

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
  return new FieldWriter(layout)
    .u8(value.transfersUsed, 'transfersUsed')
    .optionalInstant(value.journeyStartedAt, 'journeyStartedAt')
    .optionalInstant(value.lastTapAt, 'lastTapAt')
    .u16(value.lastRouteId, 'lastRouteId')
    .date(value.capDay, 'capDay')
    .u32(value.capDaySpentVnd, 'capDaySpentVnd')
    .u16(month, 'capMonth')
    .u32(value.capMonthSpentVnd, 'capMonthSpentVnd')
    .reserved(RESERVED_BYTES)
    .finish();
}

function decode(bytes: Uint8Array): RecordDecodeResult<TransitFareState> {
  const r = new FieldReader(bytes, layout);
  const transfersUsed = r.u8('transfersUsed');
  const journeyStartedAt = r.optionalInstant('journeyStartedAt');
  const lastTapAt = r.optionalInstant('lastTapAt');
  const lastRouteId = r.u16('lastRouteId');
  const capDay = r.date('capDay');
  const capDaySpentVnd = r.u32('capDaySpentVnd');
  const capMonth = monthOf(r.u16('capMonth'));
  const capMonthSpentVnd = r.u32('capMonthSpentVnd');
  r.reserved(RESERVED_BYTES);
  return r.result(() => ({ journeyStartedAt, transfersUsed, lastTapAt, lastRouteId, capDay, capDaySpentVnd, capMonth, capMonthSpentVnd }));
}

export const transitFareStateCodec: RecordCodec<TransitFareState> = { name: 'transit.fare-state', ...layout, encode, decode };
