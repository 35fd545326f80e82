/**
 * identity.holder (PROFILE.md §5.1): who the card belongs to, as far as
 * fare and access rules need: card number, issuer, validity, and up to
 * three holder categories each with its own validity (an age band is a
 * category whose validity ends or starts on the birthday that matters, so
 * no date of birth is stored).
 */
import { decodeBcd, encodeBcd, luhnValid } from './bcd.js';
import { HOLDER_CATEGORY, type HolderCategory } from './codes.js';
import { FieldReader, FieldWriter } from './fields.js';
import type { CivilDate } from '../layout/epoch.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const IDENTITY_RECORD_LENGTH_BYTES = 32;
export const IDENTITY_RECORD_VERSION = 1;
/** The card layout version this code personalises (PROFILE.md). */
export const CARD_PROFILE_VERSION = 1;
export const CARD_NUMBER_DIGITS = 16;
export const CARD_NUMBER_BYTES = CARD_NUMBER_DIGITS / 2;
export const HOLDER_CATEGORY_COUNT_MAX = 3;
export const ISSUER_CODE_MIN = 1;
export const ISSUER_CODE_MAX = 0xffff;
const CATEGORY_ENTRY_BYTES = 5;

export interface CategoryEntitlement {
  readonly category: HolderCategory;
  readonly validFrom: CivilDate;
  readonly validUntil: CivilDate;
}

export interface IdentityRecord {
  readonly profileVersion: number;
  /** 16 decimal digits, the last one a Luhn check digit. */
  readonly cardNumber: string;
  readonly issuerCode: number;
  readonly issuedOn: CivilDate;
  readonly expiresOn: CivilDate;
  readonly categories: readonly CategoryEntitlement[];
}

const layout = { lengthBytes: IDENTITY_RECORD_LENGTH_BYTES, version: IDENTITY_RECORD_VERSION };

export function isCardNumber(text: string): boolean {
  return text.length === CARD_NUMBER_DIGITS && luhnValid(text);
}

function encode(record: IdentityRecord): Uint8Array {
  if (!isCardNumber(record.cardNumber)) throw new RangeError('cardNumber must be 16 digits with a valid Luhn check digit');
  if (record.categories.length > HOLDER_CATEGORY_COUNT_MAX) throw new RangeError(`categories: at most ${HOLDER_CATEGORY_COUNT_MAX}`);
  if (record.issuerCode < ISSUER_CODE_MIN) throw new RangeError('issuerCode must be at least 1');
  if (record.expiresOn < record.issuedOn) throw new RangeError('expiresOn must not be before issuedOn');
  const w = new FieldWriter(layout)
    .u8(record.profileVersion, 'profileVersion')
    .raw(encodeBcd(record.cardNumber, CARD_NUMBER_BYTES, 'cardNumber'), CARD_NUMBER_BYTES, 'cardNumber')
    .u16(record.issuerCode, 'issuerCode')
    .date(record.issuedOn, 'issuedOn')
    .date(record.expiresOn, 'expiresOn')
    .u8(record.categories.length, 'categoryCount');
  for (const entry of record.categories) {
    if (entry.validUntil < entry.validFrom) throw new RangeError('category validUntil must not be before validFrom');
    w.code(entry.category, 'category', HOLDER_CATEGORY).date(entry.validFrom, 'categoryValidFrom').date(entry.validUntil, 'categoryValidUntil');
  }
  return w.reserved((HOLDER_CATEGORY_COUNT_MAX - record.categories.length) * CATEGORY_ENTRY_BYTES).finish();
}

function decode(bytes: Uint8Array): RecordDecodeResult<IdentityRecord> {
  const r = new FieldReader(bytes, layout);
  const profileVersion = r.u8('profileVersion', { min: 1 });
  const cardNumber = decodeBcd(r.raw(CARD_NUMBER_BYTES, 'cardNumber')) ?? '';
  if (!isCardNumber(cardNumber)) r.fail('cardNumber');
  const issuerCode = r.u16('issuerCode', { min: ISSUER_CODE_MIN });
  const issuedOn = r.date('issuedOn');
  const expiresOn = r.date('expiresOn');
  if (expiresOn < issuedOn) r.fail('expiresOn');
  const count = r.u8('categoryCount', { max: HOLDER_CATEGORY_COUNT_MAX });
  const categories: CategoryEntitlement[] = [];
  for (let i = 0; i < Math.min(count, HOLDER_CATEGORY_COUNT_MAX); i++) {
    const category = r.code('category', HOLDER_CATEGORY);
    const validFrom = r.date('categoryValidFrom');
    const validUntil = r.date('categoryValidUntil');
    if (validUntil < validFrom) r.fail('categoryValidUntil');
    categories.push({ category, validFrom, validUntil });
  }
  r.reserved((HOLDER_CATEGORY_COUNT_MAX - Math.min(count, HOLDER_CATEGORY_COUNT_MAX)) * CATEGORY_ENTRY_BYTES);
  return r.result(() => ({ profileVersion, cardNumber, issuerCode, issuedOn, expiresOn, categories }));
}

export const identityCodec: RecordCodec<IdentityRecord> = { name: 'identity.holder', ...layout, encode, decode };
