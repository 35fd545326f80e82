/**
 * Packed decimal digits (two per byte, high nibble first) and the Luhn check
 * digit (ISO/IEC 7812-1 Annex B) that OneCard card numbers end with.
 */
export const BCD_PAD_NIBBLE = 0x0f;
const DECIMAL_DIGIT_MAX = 9;
const NIBBLE_BITS = 4;
const NIBBLE_MASK = 0x0f;

/** Digits → packed BCD of `lengthBytes`, padded with F nibbles. Throws RangeError on non-digits or overflow. */
export function encodeBcd(digits: string, lengthBytes: number, field: string): Uint8Array {
  if (!/^\d*$/.test(digits) || digits.length > 2 * lengthBytes) throw new RangeError(`${field} must be at most ${2 * lengthBytes} decimal digits`);
  const out = new Uint8Array(lengthBytes).fill((BCD_PAD_NIBBLE << NIBBLE_BITS) | BCD_PAD_NIBBLE);
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    const index = i >> 1;
    const current = out[index] ?? 0;
    out[index] = i % 2 === 0 ? (digit << NIBBLE_BITS) | (current & NIBBLE_MASK) : (current & (NIBBLE_MASK << NIBBLE_BITS)) | digit;
  }
  return out;
}

/** Packed BCD → digits; undefined when a digit nibble is not 0-9 or padding is followed by a digit. */
export function decodeBcd(bytes: Uint8Array): string | undefined {
  let digits = '';
  let padded = false;
  for (const byte of bytes) {
    for (const nibble of [byte >> NIBBLE_BITS, byte & NIBBLE_MASK]) {
      if (nibble === BCD_PAD_NIBBLE) padded = true;
      else if (padded || nibble > DECIMAL_DIGIT_MAX) return undefined;
      else digits += String(nibble);
    }
  }
  return digits;
}

/** Luhn (mod 10) check over the whole number, check digit included. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > DECIMAL_DIGIT_MAX) digit -= DECIMAL_DIGIT_MAX;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit that completes `payload`. */
export function luhnCheckDigit(payload: string): string {
  for (let digit = 0; digit <= DECIMAL_DIGIT_MAX; digit++) if (luhnValid(`${payload}${digit}`)) return String(digit);
  throw new RangeError('payload must be decimal digits');
}
