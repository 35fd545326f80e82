/**
 * What decoding card data gives back: a typed record, or a typed error that
 * names the offending field (never its value: it may be personal data).
 * Decoders never throw on card bytes.
 *
 * - `empty`: the record was never written (all zero: a fresh file or slot);
 * - `unsupported_version`: written by a newer (or unknown) profile version;
 *   the caller must not guess at its layout;
 * - `malformed`: wrong length, a value outside its field's range, an unknown
 *   code, non-zero reserved bytes.
 */
export type RecordDecodeErrorCode = 'empty' | 'unsupported_version' | 'malformed';

export interface RecordDecodeError {
  readonly ok: false;
  readonly code: RecordDecodeErrorCode;
  /** The field that failed ('length', 'version', 'reserved', or a field name of the layout table). */
  readonly field: string;
}

export type RecordDecodeResult<T> = { readonly ok: true; readonly value: T } | RecordDecodeError;

/** A versioned, fixed-length record layout (PROFILE.md §5). */
export interface RecordCodec<T> {
  /** Layout name as in PROFILE.md, e.g. 'transit.trip'. */
  readonly name: string;
  readonly lengthBytes: number;
  /** The record version this code writes (byte 0 of every record). */
  readonly version: number;
  /** Encodes a checked value; throws RangeError naming the field for values the layout cannot hold (a programmer error). */
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): RecordDecodeResult<T>;
}
