/**
 * student.record (PROFILE.md §5.5): school, student identifier, level and
 * grade, validity. Written by the issuer (education department) only.
 */
import { SCHOOL_LEVEL, type SchoolLevel } from './codes.js';
import { FieldReader, FieldWriter } from './fields.js';
import type { CivilDate } from '../layout/epoch.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const STUDENT_RECORD_LENGTH_BYTES = 32;
export const STUDENT_RECORD_VERSION = 1;
export const STUDENT_ID_LENGTH_BYTES_MAX = 12;
/** Upper-case letters and digits (the national education database uses digits). */
export const STUDENT_ID_PATTERN = /^[0-9A-Z]{1,12}$/;
export const GRADE_MAX = 12;
const RESERVED_BYTES = 11;

export interface StudentRecord {
  readonly level: SchoolLevel;
  readonly schoolCode: number;
  readonly studentId: string;
  /** 1..12 for schools, 0 where grades do not apply (preschool, vocational, university). */
  readonly grade: number;
  readonly validUntil: CivilDate;
}

const layout = { lengthBytes: STUDENT_RECORD_LENGTH_BYTES, version: STUDENT_RECORD_VERSION };

function encode(value: StudentRecord): Uint8Array {
  if (value.grade > GRADE_MAX) throw new RangeError(`grade must be 0..${GRADE_MAX}`);
  if (value.schoolCode < 1) throw new RangeError('schoolCode must be at least 1');
  return new FieldWriter(layout)
    .code(value.level, 'level', SCHOOL_LEVEL)
    .u32(value.schoolCode, 'schoolCode')
    .ascii(value.studentId, STUDENT_ID_LENGTH_BYTES_MAX, 'studentId', STUDENT_ID_PATTERN)
    .u8(value.grade, 'grade')
    .date(value.validUntil, 'validUntil')
    .reserved(RESERVED_BYTES)
    .finish();
}

function decode(bytes: Uint8Array): RecordDecodeResult<StudentRecord> {
  const r = new FieldReader(bytes, layout);
  const level = r.code('level', SCHOOL_LEVEL);
  const schoolCode = r.u32('schoolCode', { min: 1 });
  const studentId = r.ascii(STUDENT_ID_LENGTH_BYTES_MAX, 'studentId', STUDENT_ID_PATTERN);
  const grade = r.u8('grade', { max: GRADE_MAX });
  const validUntil = r.date('validUntil');
  r.reserved(RESERVED_BYTES);
  return r.result(() => ({ level, schoolCode, studentId, grade, validUntil }));
}

export const studentRecordCodec: RecordCodec<StudentRecord> = { name: 'student.record', ...layout, encode, decode };
