/**
 * The city's riders as holder files (card-os PROFILE.md §9.2): pupils of the
 * city school (transit, student, canteen), adults with stored value, elderly
 * riders (60+, free travel) and monthly pass holders. Synthetic data only:
 * card numbers pass their Luhn check, names never appear.
 */
import { luhnCheckDigit, type HolderInput } from '@onecard/card-os/profile';

export const RIDER_KINDS = ['pupil', 'adult', 'elderly', 'monthly-pass'] as const;
export type RiderKind = (typeof RIDER_KINDS)[number];

/** The city school's code, on its pupils' cards and in its gate's passages. */
export const CITY_SCHOOL_CODE = 1_010_203;
export const ADULT_OPENING_BALANCE_VND = 300_000;
export const PUPIL_OPENING_BALANCE_VND = 150_000;
export const PUPIL_CANTEEN_BALANCE_VND = 100_000;
export const MONTHLY_PASS_PRICE_VND = 200_000;
const VALID_FROM = '2026-01-01';
const VALID_UNTIL = '2030-12-31';
const CARD_VALIDITY = { issuerCode: 1, issuedOn: VALID_FROM, expiresOn: VALID_UNTIL } as const;
/** Serials of the city's cards start here (the 15-digit body is 970400 + 9 digits). */
const CARD_SERIAL_BASE = 500_000;

export function cityCardNumber(index: number): string {
  const body = `970400${String(CARD_SERIAL_BASE + index).padStart(9, '0')}`;
  return `${body}${luhnCheckDigit(body)}`;
}

/** A 7-byte NXP-style UID, distinct per card index. */
export function cityCardUid(index: number): Uint8Array {
  const serial = CARD_SERIAL_BASE + index;
  return Uint8Array.of(0x04, 0xc1, 0x7e, (serial >> 16) & 0xff, (serial >> 8) & 0xff, serial & 0xff, 0x80);
}

/** Rider kinds in a fixed mix: 3 adults : 2 pupils : 1 elderly : 1 pass holder; always at least one of each from 4 cards on. */
export function riderKindOf(index: number): RiderKind {
  const MIX: readonly RiderKind[] = ['adult', 'pupil', 'elderly', 'monthly-pass', 'adult', 'pupil', 'adult'];
  const kind = MIX[index % MIX.length];
  if (kind === undefined) throw new Error('assertion failed: rider mix');
  return kind;
}

/** First and last day (YYYY-MM-DD) of the month of `day`. */
function monthOf(day: string): { readonly from: string; readonly until: string } {
  const [year, month] = day.split('-').map(Number);
  if (year === undefined || month === undefined) throw new Error('assertion failed: a civil date');
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { from: `${year}-${mm}-01`, until: `${year}-${mm}-${String(lastDay).padStart(2, '0')}` };
}

export function cityHolder(input: { readonly index: number; readonly kind: RiderKind; readonly serviceDay: string }): HolderInput {
  const card = { number: cityCardNumber(input.index), ...CARD_VALIDITY };
  switch (input.kind) {
    case 'adult':
      return { card, categories: [], transit: { fareCategory: 'adult', fareCategoryValidFrom: VALID_FROM, fareCategoryValidUntil: VALID_UNTIL, openingBalanceVnd: ADULT_OPENING_BALANCE_VND, contracts: [] } };
    case 'elderly':
      return {
        card,
        categories: [{ category: 'elderly-60-plus', validFrom: VALID_FROM, validUntil: VALID_UNTIL }],
        transit: { fareCategory: 'elderly-60-plus', fareCategoryValidFrom: VALID_FROM, fareCategoryValidUntil: VALID_UNTIL, openingBalanceVnd: 0, contracts: [] },
      };
    case 'monthly-pass': {
      const month = monthOf(input.serviceDay);
      return {
        card,
        categories: [],
        transit: {
          fareCategory: 'adult',
          fareCategoryValidFrom: VALID_FROM,
          fareCategoryValidUntil: VALID_UNTIL,
          openingBalanceVnd: 0,
          contracts: [{ kind: 'monthly-all-routes', tariff: 'regular', routeId: 0, validFrom: month.from, validUntil: month.until, pricePaidVnd: MONTHLY_PASS_PRICE_VND, saleId: 900_000 + input.index }],
        },
      };
    }
    case 'pupil':
      return {
        card,
        categories: [{ category: 'pupil', validFrom: VALID_FROM, validUntil: VALID_UNTIL }],
        transit: { fareCategory: 'pupil', fareCategoryValidFrom: VALID_FROM, fareCategoryValidUntil: VALID_UNTIL, openingBalanceVnd: PUPIL_OPENING_BALANCE_VND, contracts: [] },
        student: { level: 'lower-secondary', schoolCode: CITY_SCHOOL_CODE, studentId: `HS${String(input.index).padStart(8, '0')}`, grade: 7, validUntil: VALID_UNTIL },
        canteen: { openingBalanceVnd: PUPIL_CANTEEN_BALANCE_VND },
      };
  }
}
