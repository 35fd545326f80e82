/**
 * canteen.event (PROFILE.md §5.8): one change of the canteen purse, in its
 * cyclic log. Like transit trips, the transaction number is the card's
 * Transaction MAC counter (TMC) of the commit that wrote the record.
 * Amounts are 24-bit: the canteen purse holds at most 1,000,000 VND.
 */
import { CANTEEN_EVENT, type CanteenEvent } from './codes.js';
import { FieldReader, FieldWriter } from './fields.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const CANTEEN_EVENT_RECORD_LENGTH_BYTES = 16;
export const CANTEEN_EVENT_RECORD_VERSION = 1;
export const CANTEEN_AMOUNT_VND_MAX = 0xff_ffff;

export interface CanteenEventRecord {
  readonly event: CanteenEvent;
  /** TMC of the commit that wrote this record; 0 for the issue record (written before the TMAC file exists). */
  readonly transactionNo: number;
  readonly at: Date;
  readonly amountVnd: number;
  readonly balanceAfterVnd: number;
}

const layout = { lengthBytes: CANTEEN_EVENT_RECORD_LENGTH_BYTES, version: CANTEEN_EVENT_RECORD_VERSION };

function encode(value: CanteenEventRecord): Uint8Array {
  return new FieldWriter(layout)
    .code(value.event, 'event', CANTEEN_EVENT)
    .u32(value.transactionNo, 'transactionNo')
    .instant(value.at, 'at')
    .u24(value.amountVnd, 'amountVnd')
    .u24(value.balanceAfterVnd, 'balanceAfterVnd')
    .finish();
}

function decode(bytes: Uint8Array): RecordDecodeResult<CanteenEventRecord> {
  const r = new FieldReader(bytes, layout);
  const event = r.code('event', CANTEEN_EVENT);
  const transactionNo = r.u32('transactionNo');
  const at = r.instant('at');
  const amountVnd = r.u24('amountVnd');
  const balanceAfterVnd = r.u24('balanceAfterVnd');
  return r.result(() => ({ event, transactionNo, at, amountVnd, balanceAfterVnd }));
}

export const canteenEventCodec: RecordCodec<CanteenEventRecord> = { name: 'canteen.event', ...layout, encode, decode };
