/**
 * student.attendance and civil.attendance (PROFILE.md §5.6): one gate
 * passage, in or out, in a cyclic log the gate appends to with its
 * attendance key.
 */
import { GATE_DIRECTION, type GateDirection } from './codes.js';
import { FieldReader, FieldWriter } from './fields.js';
import type { RecordDecodeResult, RecordCodec } from './result.js';

export const ATTENDANCE_RECORD_LENGTH_BYTES = 16;
export const ATTENDANCE_RECORD_VERSION = 1;
const RESERVED_BYTES = 4;

export interface AttendanceRecord {
  readonly direction: GateDirection;
  readonly at: Date;
  /** School code or agency site code. */
  readonly siteCode: number;
  readonly gateNo: number;
}

const layout = { lengthBytes: ATTENDANCE_RECORD_LENGTH_BYTES, version: ATTENDANCE_RECORD_VERSION };

function encode(value: AttendanceRecord): Uint8Array {
  return new FieldWriter(layout)
    .code(value.direction, 'direction', GATE_DIRECTION)
    .instant(value.at, 'at')
    .u32(value.siteCode, 'siteCode')
    .u16(value.gateNo, 'gateNo')
    .reserved(RESERVED_BYTES)
    .finish();
}

function decode(bytes: Uint8Array): RecordDecodeResult<AttendanceRecord> {
  const r = new FieldReader(bytes, layout);
  const direction = r.code('direction', GATE_DIRECTION);
  const at = r.instant('at');
  const siteCode = r.u32('siteCode');
  const gateNo = r.u16('gateNo');
  r.reserved(RESERVED_BYTES);
  return r.result(() => ({ direction, at, siteCode, gateNo }));
}

export const attendanceCodec: RecordCodec<AttendanceRecord> = { name: 'attendance', ...layout, encode, decode };
