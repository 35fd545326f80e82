/**
 * Outcomes of profile operations (readers, personalisation) as values with
 * stable codes. None carries key bytes, UIDs or personal data.
 */
import type { SmFailure } from '../sm/result.js';
import type { RecordDecodeErrorCode } from './codecs/result.js';

export type ProfileFailure =
  /** The card has no such application (SelectApplication: APPLICATION_NOT_FOUND). */
  | { readonly ok: false; readonly code: 'application_absent'; readonly application: string }
  /** This terminal's SAM does not hold the key (or that key version). */
  | { readonly ok: false; readonly code: 'key_not_held'; readonly application: string; readonly keyNo: number }
  /** The card answered an error status (permission denied, authentication error …). */
  | { readonly ok: false; readonly code: 'card_refused'; readonly status: number; readonly reason: string }
  /** A record read from the card did not decode. */
  | { readonly ok: false; readonly code: 'record_invalid'; readonly file: string; readonly decode: RecordDecodeErrorCode; readonly field: string };

export type ProfileResult<T> = { readonly ok: true; readonly value: T } | ProfileFailure;

export function cardRefused(failure: SmFailure): ProfileFailure {
  return { ok: false, code: 'card_refused', status: failure.status, reason: failure.reason };
}

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}
