/** cardKeyOf's one-pass Luhn check agrees with codecs/bcd.ts on random and near-miss numbers. */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, luhnValid } from '../codecs/bcd.js';
import { cardKeyOf, cardNumberOfKey } from './card-key.js';

const CASE_COUNT = 20_000;
const DIGITS = 16;

describe('cardKeyOf', () => {
  it(`agrees with luhnValid on ${CASE_COUNT} random 16-digit strings and their valid twins`, () => {
    for (let i = 0; i < CASE_COUNT; i++) {
      let text = '';
      for (let d = 0; d < DIGITS; d++) text += String(randomInt(10));
      expect(cardKeyOf(text) !== undefined).toBe(luhnValid(text));
      const valid = text.slice(0, 15) + luhnCheckDigit(text.slice(0, 15));
      expect(cardKeyOf(valid)).toBe(Number(valid.slice(0, 15)));
      expect(cardNumberOfKey(cardKeyOf(valid) ?? -1)).toBe(valid);
    }
  });

  it('refuses non-digits anywhere and non-strings', () => {
    const valid = cardNumberOfKey(970_400_000_000_001);
    for (let i = 0; i < DIGITS; i++) for (const bad of ['a', '/', ':', ' ', '٣']) expect(cardKeyOf(valid.slice(0, i) + bad + valid.slice(i + 1))).toBeUndefined();
    expect(cardKeyOf(9_704_000_000_000_018 as unknown as string)).toBeUndefined();
  });
});
