/**
 * Validity periods: whole days from an explicit `nowMs`, truncated to the
 * second because X.509 times carry seconds (RFC 5280 §4.1.2.5).
 */
import { PkiError } from './errors.js';

export const MS_PER_DAY = 86_400_000;
const MS_PER_SECOND = 1000;

export const CA_VALIDITY_DAYS_MAX = 25 * 366;
export const DEVICE_VALIDITY_DAYS_MAX = 5 * 366;
export const CRL_NEXT_UPDATE_DAYS_MAX = 31;

export interface Validity {
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

export function checkDays(days: number, daysMax: number, name: string): number {
  if (!Number.isSafeInteger(days) || days < 1 || days > daysMax) {
    throw new PkiError('validity_invalid', `${name} must be a whole number of days in 1..${daysMax}`);
  }
  return days;
}

export function checkNowMs(nowMs: number): number {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new RangeError('nowMs must be a non-negative integer');
  return nowMs;
}

export function validityFrom(input: { nowMs: number; validityDays: number; validityDaysMax: number }): Validity {
  const notBeforeMs = Math.floor(checkNowMs(input.nowMs) / MS_PER_SECOND) * MS_PER_SECOND;
  const days = checkDays(input.validityDays, input.validityDaysMax, 'validityDays');
  return { notBeforeMs, notAfterMs: notBeforeMs + days * MS_PER_DAY };
}
