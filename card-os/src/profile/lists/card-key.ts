/**
 * Card numbers in lists. A OneCard card number is 16 decimal digits whose
 * last digit is the Luhn check digit of the first 15 (codecs/bcd.ts), so a
 * list stores only the 15-digit body as an integer, the *card key*
 * (0 .. 10^15 − 1 < 2^50: a safe integer). Sorting keys sorts card numbers.
 */
import { luhnCheckDigit } from '../codecs/bcd.js';
import { CARD_NUMBER_DIGITS } from '../codecs/identity.js';

export const CARD_KEY_DIGITS = CARD_NUMBER_DIGITS - 1;
export const CARD_KEY_MAX = 10 ** CARD_KEY_DIGITS - 1;
const DIGIT_CODE_ZERO = 0x30;
const DIGIT_CODE_NINE = 0x39;
const DECIMAL_DIGIT_MAX = 9;
const DECIMAL_RADIX = 10;

/**
 * The card key of a 16-digit, Luhn-valid card number; undefined for anything
 * else. Never throws. One pass over the characters (digits, Luhn sum and key
 * together): it runs on every tap, before the deny list's binary search.
 * Agrees with codecs/bcd.ts luhnValid (card-key.test.ts checks it).
 */
export function cardKeyOf(cardNumber: string): number | undefined {
  if (typeof cardNumber !== 'string' || cardNumber.length !== CARD_NUMBER_DIGITS) return undefined;
  let key = 0;
  let luhnSum = 0;
  for (let i = 0; i < CARD_NUMBER_DIGITS; i++) {
    const c = cardNumber.charCodeAt(i);
    if (c < DIGIT_CODE_ZERO || c > DIGIT_CODE_NINE) return undefined;
    const digit = c - DIGIT_CODE_ZERO;
    // Luhn doubles every second digit counted from the check digit (the last one).
    const doubled = (CARD_NUMBER_DIGITS - 1 - i) % 2 === 1 ? digit * 2 : digit;
    luhnSum += doubled > DECIMAL_DIGIT_MAX ? doubled - DECIMAL_DIGIT_MAX : doubled;
    if (i < CARD_KEY_DIGITS) key = key * DECIMAL_RADIX + digit;
  }
  return luhnSum % DECIMAL_RADIX === 0 ? key : undefined;
}

export function isCardKey(key: number): boolean {
  return Number.isSafeInteger(key) && key >= 0 && key <= CARD_KEY_MAX;
}

/** The card number of a card key (the check digit recomputed). Throws RangeError for a non-key. */
export function cardNumberOfKey(key: number): string {
  if (!isCardKey(key)) throw new RangeError(`card key must be an integer 0..${CARD_KEY_MAX}`);
  const body = String(key).padStart(CARD_KEY_DIGITS, '0');
  return body + luhnCheckDigit(body);
}
