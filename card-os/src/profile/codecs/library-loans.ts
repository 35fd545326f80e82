/**
 * student.library-loans (PROFILE.md §5.7): the items a pupil has on loan
 * (item, library, due date), rewritten as a whole by the library terminal.
 * Lets a library without a network see what is out.
 */
import { FieldReader, FieldWriter } from './fields.js';
import type { CivilDate } from '../layout/epoch.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const LIBRARY_LOANS_RECORD_LENGTH_BYTES = 64;
export const LIBRARY_LOANS_RECORD_VERSION = 1;
export const LIBRARY_LOAN_COUNT_MAX = 6;
const LOAN_BYTES = 8;
const TRAILER_RESERVED_BYTES = 14;

export interface LibraryLoan {
  /** The library's item (barcode) number, 1..2^32-1. */
  readonly itemId: number;
  readonly libraryCode: number;
  readonly dueOn: CivilDate;
}

export interface LibraryLoans {
  readonly loans: readonly LibraryLoan[];
}

const layout = { lengthBytes: LIBRARY_LOANS_RECORD_LENGTH_BYTES, version: LIBRARY_LOANS_RECORD_VERSION };

function encode(value: LibraryLoans): Uint8Array {
  if (value.loans.length > LIBRARY_LOAN_COUNT_MAX) throw new RangeError(`loans: at most ${LIBRARY_LOAN_COUNT_MAX}`);
  const w = new FieldWriter(layout).u8(value.loans.length, 'loanCount');
  for (const loan of value.loans) {
    if (loan.itemId < 1) throw new RangeError('itemId must be at least 1');
    w.u32(loan.itemId, 'itemId').u16(loan.libraryCode, 'libraryCode').date(loan.dueOn, 'dueOn');
  }
  return w.reserved((LIBRARY_LOAN_COUNT_MAX - value.loans.length) * LOAN_BYTES + TRAILER_RESERVED_BYTES).finish();
}

function decode(bytes: Uint8Array): RecordDecodeResult<LibraryLoans> {
  const r = new FieldReader(bytes, layout);
  const count = Math.min(r.u8('loanCount', { max: LIBRARY_LOAN_COUNT_MAX }), LIBRARY_LOAN_COUNT_MAX);
  const loans: LibraryLoan[] = [];
  for (let i = 0; i < count; i++) {
    const itemId = r.u32('itemId', { min: 1 });
    const libraryCode = r.u16('libraryCode');
    const dueOn = r.date('dueOn');
    loans.push({ itemId, libraryCode, dueOn });
  }
  r.reserved((LIBRARY_LOAN_COUNT_MAX - count) * LOAN_BYTES + TRAILER_RESERVED_BYTES);
  return r.result(() => ({ loans }));
}

export const libraryLoansCodec: RecordCodec<LibraryLoans> = { name: 'student.library-loans', ...layout, encode, decode };
