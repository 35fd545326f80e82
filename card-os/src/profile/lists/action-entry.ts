/**
 * One action list entry (README.md "Action entries"): something the
 * clearing house wants done on a card at its next tap (an autoload of a
 * top-up paid online, loading a pass, unblocking an application), with a
 * per-card sequence number and a validity window. Applied at most once: the
 * tap journals `actionId`.
 */
import type { TransitContract } from '../codecs/transit-entitlements.js';
import { decodeBcd, encodeBcd, luhnValid } from '../codecs/bcd.js';
import { CARD_NUMBER_BYTES, isCardNumber } from '../codecs/identity.js';
import { epochSecondsOf, instantOf } from '../layout/epoch.js';
import { CANTEEN_PURSE_BALANCE_VND_MAX, TRANSIT_PURSE_BALANCE_VND_MAX } from '../layout/files.js';
import { ACTION_APPLICATION, ACTION_ID_LENGTH_BYTES_MAX, ACTION_ID_PATTERN, ACTION_KIND, ACTION_LIST_SEQ_MAX, ACTION_SEQ_MIN, CONTRACT_LENGTH_BYTES, type ActionApplication } from './codes.js';
import { decodeContract, encodeContract } from './contract-bytes.js';
import type { ByteReader, ByteWriter } from './cursor.js';

export type ActionBody =
  | { readonly kind: 'autoload'; readonly application: 'transit' | 'canteen'; readonly amountVnd: number }
  | { readonly kind: 'load-contract'; readonly application: 'transit'; readonly contract: TransitContract }
  | { readonly kind: 'unblock'; readonly application: ActionApplication };

export type ActionListEntry = {
  /** Lowercase code, 1..64 characters (the journal event's `actionId`); unique in a list. */
  readonly actionId: string;
  readonly cardNumber: string;
  /** Per-card action sequence number (1..ACTION_LIST_SEQ_MAX, what the card can record): a card's actions apply in this order. */
  readonly seq: number;
  readonly validFrom: Date;
  /** The action is dropped from this instant on (exclusive); after validFrom. */
  readonly expiresAt: Date;
} & ActionBody;

/** The purse limit (PROFILE.md §4.3) bounds one autoload. */
export const AUTOLOAD_AMOUNT_VND_MAX: Readonly<Record<'transit' | 'canteen', number>> = Object.freeze({ transit: TRANSIT_PURSE_BALANCE_VND_MAX, canteen: CANTEEN_PURSE_BALANCE_VND_MAX });
export const AUTOLOAD_AMOUNT_VND_MIN = 1;
const ACTION_ID = { lengthBytesMax: ACTION_ID_LENGTH_BYTES_MAX, pattern: ACTION_ID_PATTERN } as const;

function bodyValid(body: ActionBody): boolean {
  switch (body.kind) {
    case 'autoload':
      return Number.isInteger(body.amountVnd) && body.amountVnd >= AUTOLOAD_AMOUNT_VND_MIN && body.amountVnd <= AUTOLOAD_AMOUNT_VND_MAX[body.application];
    case 'load-contract':
    case 'unblock':
      return true;
  }
}

/** Throws RangeError naming the field for an entry the format cannot carry (the clearing house checks before). */
export function writeActionEntry(w: ByteWriter, entry: ActionListEntry): void {
  if (!isCardNumber(entry.cardNumber)) throw new RangeError('cardNumber must be 16 digits with a valid Luhn check digit');
  if (!Number.isInteger(entry.seq) || entry.seq < ACTION_SEQ_MIN || entry.seq > ACTION_LIST_SEQ_MAX) throw new RangeError(`seq must be ${ACTION_SEQ_MIN}..${ACTION_LIST_SEQ_MAX}`);
  const validFrom = epochSecondsOf(entry.validFrom);
  const expiresAt = epochSecondsOf(entry.expiresAt);
  if (validFrom === undefined || expiresAt === undefined || expiresAt <= validFrom) throw new RangeError('expiresAt must be after validFrom, both after the OneCard epoch');
  if (!bodyValid(entry)) throw new RangeError(`${entry.kind}: application or amountVnd out of range`);
  w.bytes(encodeBcd(entry.cardNumber, CARD_NUMBER_BYTES, 'cardNumber'))
    .u32(entry.seq, 'seq')
    .shortAscii(entry.actionId, 'actionId', ACTION_ID)
    .u8(ACTION_KIND.codeOf(entry.kind), 'kind')
    .u8(ACTION_APPLICATION.codeOf(entry.application), 'application')
    .u32(validFrom, 'validFrom')
    .u32(expiresAt, 'expiresAt');
  switch (entry.kind) {
    case 'autoload':
      w.u32(entry.amountVnd, 'amountVnd');
      break;
    case 'load-contract':
      w.bytes(encodeContract(entry.contract));
      break;
    case 'unblock':
      break;
  }
}

/** Reads one entry; on failure the reader holds it (field names relative to the entry) and the answer is undefined. */
export function readActionEntry(r: ByteReader): ActionListEntry | undefined {
  const cardNumber = decodeBcd(r.bytes(CARD_NUMBER_BYTES, 'cardNumber')) ?? '';
  if (r.failure() === undefined && !(cardNumber.length === CARD_NUMBER_BYTES * 2 && luhnValid(cardNumber))) r.fail('card_number_invalid', 'cardNumber');
  const seq = r.u32('seq');
  if (seq < ACTION_SEQ_MIN || seq > ACTION_LIST_SEQ_MAX) r.fail('malformed', 'seq');
  const actionId = r.shortAscii('actionId', ACTION_ID);
  const kind = ACTION_KIND.nameOf(r.u8('kind'));
  if (kind === undefined) r.fail('malformed', 'kind');
  const application = ACTION_APPLICATION.nameOf(r.u8('application'));
  if (application === undefined) r.fail('malformed', 'application');
  const validFromSeconds = r.u32('validFrom');
  const expiresAtSeconds = r.u32('expiresAt');
  if (expiresAtSeconds <= validFromSeconds) r.fail('malformed', 'expiresAt');
  if (r.failure() !== undefined || kind === undefined || application === undefined) return undefined;
  const common = { actionId, cardNumber, seq, validFrom: instantOf(validFromSeconds), expiresAt: instantOf(expiresAtSeconds) };
  let entry: ActionListEntry;
  switch (kind) {
    case 'autoload': {
      const amountVnd = r.u32('amountVnd');
      if (application !== 'transit' && application !== 'canteen') {
        r.fail('malformed', 'application');
        return undefined;
      }
      entry = { ...common, kind, application, amountVnd };
      break;
    }
    case 'load-contract': {
      const contract = decodeContract(r.bytes(CONTRACT_LENGTH_BYTES, 'contract'));
      if (r.failure() !== undefined) return undefined;
      if (!contract.ok) {
        r.fail('malformed', `contract.${contract.field}`);
        return undefined;
      }
      if (application !== 'transit') {
        r.fail('malformed', 'application');
        return undefined;
      }
      entry = { ...common, kind, application, contract: contract.value };
      break;
    }
    case 'unblock':
      entry = { ...common, kind, application };
      break;
  }
  if (r.failure() !== undefined) return undefined;
  if (!bodyValid(entry)) {
    r.fail('malformed', 'amountVnd');
    return undefined;
  }
  return entry;
}
