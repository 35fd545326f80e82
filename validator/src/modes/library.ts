/**
 * Library: a loan or a return is recorded on the card (student.library-loans,
 * a backup file rewritten as a whole with the library key, committed) and in
 * the journal. A loan of an item already on the card (a repeat tap, or a loan
 * torn after the commit) is accepted and journaled again with the reason
 * `item_already_on_loan` and the card's due date: the clearing house keeps
 * one loan per (card, item, due date), so the journal never misses a loan.
 * A return of an item not on the card is accepted and journaled with a
 * reason, because the book is back on the desk either way.
 */
import { LIBRARY_LOAN_COUNT_MAX, PROFILE_KEY_NO, civilDateOf, commit, dayNumberOf, libraryLoansCodec, profileFile, readRecordFile, readStudentRecord, writeRecordFile, type LibraryLoans } from '@onecard/card-os/profile';
import { reasonOfFailure } from '../tap/card-failure.js';
import type { TapContext } from '../tap/context.js';
import type { ModeHandler } from '../tap/mode.js';
import type { ModeOutcome } from '../tap/outcome.js';
import { vietnamCivilDate } from '../fares/local-time.js';
import { modeRecorder } from './mode-recorder.js';

export const LIBRARY_LOAN_DAYS_DEFAULT = 14;

export interface LibraryOptions {
  readonly libraryCode: number;
  /** School code of the library's school: pupils of other schools are refused. */
  readonly schoolCode: number;
  readonly loanDays: number;
}

export interface LibraryInput {
  readonly action: 'loan' | 'return';
  /** The item's barcode number. */
  readonly itemId: number;
}

const LOANS = profileFile('student.library-loans');

export function libraryMode(options: LibraryOptions): ModeHandler<LibraryInput> {
  return { mode: 'library', application: 'student', run: (context, input) => runLibrary(options, context, input) };
}

async function readLoans(context: TapContext): Promise<ReturnType<typeof readRecordFile<LibraryLoans>>> {
  const auth = await context.session.authenticate('student', PROFILE_KEY_NO.student.library, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  const loans = await readRecordFile(context.session, LOANS, libraryLoansCodec);
  // Never written (a pupil who never borrowed): no loans.
  if (!loans.ok && loans.code === 'record_invalid' && loans.decode === 'empty') return { ok: true, value: { loans: [] } };
  return loans;
}

async function runLibrary(options: LibraryOptions, context: TapContext, input: LibraryInput): Promise<ModeOutcome> {
  const { session, timer, now } = context;
  const { record, result } = modeRecorder(context, 'student');
  if (!Number.isInteger(input.itemId) || input.itemId < 1 || input.itemId > 0xffff_ffff) return result(false, { reason: 'mode_input_missing' });
  const today = vietnamCivilDate(now);
  const student = await timer.time('read', () => readStudentRecord(session));
  if (!student.ok) return result(false, { reason: reasonOfFailure(student) });
  const detail = { itemId: input.itemId, libraryCode: options.libraryCode };
  if (student.value.schoolCode !== options.schoolCode || student.value.validUntil < today) {
    const reason = student.value.schoolCode !== options.schoolCode ? 'not_enrolled_here' : 'enrolment_expired';
    record({ kind: 'denied', reason, amountVnd: 0, detail });
    return result(false, { reason });
  }
  const current = await timer.time('read', () => readLoans(context));
  if (!current.ok) return result(false, { reason: reasonOfFailure(current) });
  const loans = current.value.loans;
  let next: LibraryLoans;
  const dueOn = civilDateOf((dayNumberOf(today) ?? 0) + options.loanDays);
  if (input.action === 'loan') {
    const existing = loans.find((l) => l.itemId === input.itemId && l.libraryCode === options.libraryCode);
    if (existing !== undefined) {
      record({ kind: 'library-loan', reason: 'item_already_on_loan', amountVnd: 0, detail: { ...detail, dueOn: existing.dueOn } });
      return result(true, { reason: 'item_already_on_loan', notes: [{ code: 'loan', itemId: input.itemId, dueOn: existing.dueOn }] });
    }
    if (loans.length >= LIBRARY_LOAN_COUNT_MAX) {
      record({ kind: 'denied', reason: 'loan_limit', amountVnd: 0, detail });
      return result(false, { reason: 'loan_limit' });
    }
    next = { loans: [...loans, { itemId: input.itemId, libraryCode: options.libraryCode, dueOn }] };
  } else {
    if (!loans.some((l) => l.itemId === input.itemId && l.libraryCode === options.libraryCode)) {
      record({ kind: 'library-return', reason: 'item_not_on_loan', amountVnd: 0, detail });
      return result(true, { reason: 'item_not_on_loan', notes: [{ code: 'return', itemId: input.itemId }] });
    }
    next = { loans: loans.filter((l) => !(l.itemId === input.itemId && l.libraryCode === options.libraryCode)) };
  }
  const written = await timer.time('write', () => writeRecordFile(session, LOANS, libraryLoansCodec, next));
  if (!written.ok) return result(false, { reason: reasonOfFailure(written) });
  const committed = await timer.time('commit', () => commit(session));
  if (!committed.ok) return result(false, { reason: reasonOfFailure(committed) });
  record({ kind: input.action === 'loan' ? 'library-loan' : 'library-return', amountVnd: 0, detail: input.action === 'loan' ? { ...detail, dueOn } : detail });
  return result(true, { notes: [input.action === 'loan' ? { code: 'loan', itemId: input.itemId, dueOn } : { code: 'return', itemId: input.itemId }] });
}
