/**
 * transit.trip (PROFILE.md §5.4): one record of the transit application's
 * cyclic log, the last TRIP_LOG_RECORD_COUNT events. Every committed
 * transit transaction appends exactly one, numbered with the card
 * transaction number: the Transaction MAC counter (TMC) its commit produces,
 * i.e. the previous record's number + 1. The card counts TMC itself, so a
 * commit missing from the journals the back office received shows as a gap,
 * and a commit without a record shows as a TMC ahead of the log.
 */
import { TRIP_EVENT, type TripEvent } from './codes.js';
import { FieldReader, FieldWriter } from './fields.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const TRIP_RECORD_LENGTH_BYTES = 32;
export const TRIP_RECORD_VERSION = 1;
/** contractSlot value when no contract was used. */
export const NO_CONTRACT_SLOT = 0xff;
export const CONTRACT_SLOT_MAX = 2;
const RESERVED_BYTES = 7;

export interface TripRecord {
  readonly event: TripEvent;
  /** Card transaction number (TMC of the commit); 0 for the issue record, written before the TMAC file exists. */
  readonly transactionNo: number;
  readonly at: Date;
  /** Numeric id of the validator, kiosk or encoding station (0 = the issuer's personalisation). */
  readonly deviceId: number;
  /** 0 when not on a route. */
  readonly routeId: number;
  /** Charged (fare, transfer, correction) or credited (top-up, autoload, issue). */
  readonly amountVnd: number;
  readonly balanceAfterVnd: number;
  /** The contract slot used (pass-use, contract-sale), or undefined. */
  readonly contractSlot: number | undefined;
}

const layout = { lengthBytes: TRIP_RECORD_LENGTH_BYTES, version: TRIP_RECORD_VERSION };

function encode(value: TripRecord): Uint8Array {
  if (value.contractSlot !== undefined && value.contractSlot > CONTRACT_SLOT_MAX) throw new RangeError(`contractSlot must be 0..${CONTRACT_SLOT_MAX}`);
  return new FieldWriter(layout)
    .code(value.event, 'event', TRIP_EVENT)
    .u32(value.transactionNo, 'transactionNo')
    .instant(value.at, 'at')
    .u32(value.deviceId, 'deviceId')
    .u16(value.routeId, 'routeId')
    .u32(value.amountVnd, 'amountVnd')
    .u32(value.balanceAfterVnd, 'balanceAfterVnd')
    .u8(value.contractSlot ?? NO_CONTRACT_SLOT, 'contractSlot')
    .reserved(RESERVED_BYTES)
    .finish();
}

function decode(bytes: Uint8Array): RecordDecodeResult<TripRecord> {
  const r = new FieldReader(bytes, layout);
  const event = r.code('event', TRIP_EVENT);
  const transactionNo = r.u32('transactionNo');
  const at = r.instant('at');
  const deviceId = r.u32('deviceId');
  const routeId = r.u16('routeId');
  const amountVnd = r.u32('amountVnd');
  const balanceAfterVnd = r.u32('balanceAfterVnd');
  const slot = r.u8('contractSlot');
  if (slot !== NO_CONTRACT_SLOT && slot > CONTRACT_SLOT_MAX) r.fail('contractSlot');
  r.reserved(RESERVED_BYTES);
  return r.result(() => ({ event, transactionNo, at, deviceId, routeId, amountVnd, balanceAfterVnd, contractSlot: slot === NO_CONTRACT_SLOT ? undefined : slot }));
}

export const tripCodec: RecordCodec<TripRecord> = { name: 'transit.trip', ...layout, encode, decode };
