/**
 * GTFS "Currency amount" values are decimals in the currency's major unit
 * (3.20 CAD, 8000 VND). The engine computes in integer minor units so no
 * amount is ever a float: VND has no minor unit (1 VND = 1 unit), CAD has
 * cents. The number of decimals comes from ISO 4217 through Intl.
 */

const AMOUNT_PATTERN = /^(-?)(\d{1,12})(?:\.(\d{1,4}))?$/;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** Largest amount in minor units the engine accepts (far above any fare; keeps sums exact). */
export const AMOUNT_MINOR_UNITS_MAX = 1_000_000_000_000;

/** ISO 4217 minor-unit digits of a currency (VND 0, CAD 2), or undefined for an unknown code. */
export function currencyDecimals(currency: string): number | undefined {
  if (!CURRENCY_PATTERN.test(currency)) return undefined;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return undefined;
  }
}

export type AmountParse = { readonly ok: true; readonly minorUnits: number } | { readonly ok: false; readonly reason: string };

/** Parses "3.20" for CAD into 320; refuses more decimals than the currency has, commas, exponents. */
export function parseAmount(text: string, decimals: number): AmountParse {
  const match = AMOUNT_PATTERN.exec(text);
  if (match === null) return { ok: false, reason: `"${text}" is not a decimal amount (digits, optional "-", optional "." fraction)` };
  const fraction = match[3] ?? '';
  if (fraction.length > decimals) return { ok: false, reason: `"${text}" has ${fraction.length} decimals; the currency has ${decimals}` };
  const minorUnits = Number(`${match[2] ?? '0'}${fraction.padEnd(decimals, '0')}`) * (match[1] === '-' ? -1 : 1);
  if (Math.abs(minorUnits) > AMOUNT_MINOR_UNITS_MAX) return { ok: false, reason: `"${text}" is larger than the engine accepts` };
  return { ok: true, minorUnits: minorUnits === 0 ? 0 : minorUnits };
}

/** 320 CAD-cents → "3.20"; 8000 VND → "8000". */
export function formatAmount(minorUnits: number, decimals: number): string {
  if (decimals === 0) return String(minorUnits);
  const sign = minorUnits < 0 ? '-' : '';
  const digits = String(Math.abs(minorUnits)).padStart(decimals + 1, '0');
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
