/**
 * What decoding a list gives back when it cannot: a typed failure with a
 * stable code and the place (`field`, with an entry index), never a value
 * from the list (card numbers are personal data). Decoders never throw on
 * hostile bytes.
 */
export type ListDecodeFailureCode =
  /** The bytes end inside a field, or a count claims more entries than the bytes can hold. */
  | 'truncated'
  /** Not this kind of list (magic). */
  | 'bad_magic'
  /** A format version this code does not know. */
  | 'unsupported_version'
  /** A field out of range, an unknown code, a non-canonical varint, an action id not matching its pattern. */
  | 'malformed'
  /** A delta whose base version is not below its version (or a full list with a base version). */
  | 'bad_base_version'
  | 'entries_unsorted'
  | 'entry_duplicate'
  /** The same card (deny) or action id (action) is both added and removed by one delta. */
  | 'entry_conflict'
  /** Not a 16-digit Luhn-valid card number (bad BCD, bad check digit, key out of range). */
  | 'card_number_invalid'
  | 'too_many_entries'
  | 'trailing_bytes'
  /** Signed lists only: not a keys/ SignedEnvelope. */
  | 'envelope_malformed'
  /** Signed lists only: signed by a key id the device does not trust. */
  | 'key_unknown'
  /** Signed lists only: the Ed25519 signature does not verify for this list kind and key. */
  | 'signature_invalid';

export interface ListDecodeFailure {
  readonly ok: false;
  readonly code: ListDecodeFailureCode;
  /** Where: 'header.version', 'entries[41].reason', 'removes[3]' … */
  readonly field: string;
}

export type ListDecodeResult<T> = { readonly ok: true; readonly value: T } | ListDecodeFailure;

export function listFailure(code: ListDecodeFailureCode, field: string): ListDecodeFailure {
  return { ok: false, code, field };
}
