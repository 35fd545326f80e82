/**
 * A feed that cannot be loaded is reported as one value naming the file, the
 * CSV line and the field, so an operator can fix it without reading code.
 * Messages quote identifiers from the feed (route, stop, product ids), never
 * card data.
 */

export type FeedErrorCode =
  /** The folder or a file in it cannot be read. */
  | 'unreadable'
  /** A file the feed needs is missing. */
  | 'file_missing'
  /** A file is larger than FEED_FILE_BYTES_MAX or has more rows than FEED_ROWS_MAX. */
  | 'too_large'
  /** The CSV itself is broken (quotes, column count). */
  | 'csv_malformed'
  /** A required column is absent from the header. */
  | 'column_missing'
  /** A field value does not have the type or range the spec gives it. */
  | 'field_invalid'
  /** Two rows share a primary key. */
  | 'duplicate_key'
  /** A foreign id names nothing. */
  | 'reference_unknown'
  /** A rule the spec states across fields or files is broken. */
  | 'rule_violated';

export interface FeedError {
  readonly code: FeedErrorCode;
  readonly file: string;
  /** 1-based CSV line (the header is line 1); undefined for file-level errors. */
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly message: string;
}

export function feedError(code: FeedErrorCode, at: { file: string; line?: number; field?: string }, message: string): FeedError {
  return { code, file: at.file, line: at.line, field: at.field, message };
}

/** "fare_products.txt line 4, field amount: …" */
export function describeFeedError(error: FeedError): string {
  const where = [error.file, error.line === undefined ? undefined : `line ${error.line}`].filter((part) => part !== undefined).join(' ');
  const field = error.field === undefined ? '' : `, field ${error.field}`;
  return `${where}${field}: ${error.message} [${error.code}]`;
}

export type FeedResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FeedError };

/** Thrown only inside the loader to unwind to its single catch; never escapes it. */
export class FeedErrorSignal extends Error {
  override readonly name = 'FeedErrorSignal';
  constructor(readonly feedError: FeedError) {
    super(describeFeedError(feedError));
  }
}

export function fail(code: FeedErrorCode, at: { file: string; line?: number; field?: string }, message: string): never {
  throw new FeedErrorSignal(feedError(code, at, message));
}
