/**
 * WriteRecord, UpdateRecord (EV2), ReadRecords, ClearRecordFile (EV1 data
 * sheet remarks; MF2DLHX0 §10.8.5-10.8.8):
 * - every WriteRecord of one transaction writes into the same new record,
 *   which starts cleared; a full linear file refuses it (BOUNDARY_ERROR), a
 *   cyclic file drops its oldest record at commit;
 * - ReadRecords counts back from the newest committed record (0 = newest)
 *   and sends records oldest first; an empty file answers BOUNDARY_ERROR;
 * - ClearRecordFile needs Read&Write; until commit WriteRecord is refused.
 */
import { concatBytes, readUintLe } from '@onecard/keys';
import { DesfireStatus } from '../../protocol/status.js';
import type { RecordFile } from '../image/types.js';
import { CYCLIC_RECORD_SPARE_COUNT, RESPONSE_ASSEMBLED_BYTES_MAX } from '../limits.js';
import { FILE_OFFSET_LENGTH_HEADER_BYTES, headerLength, headerOffset } from './data-files.js';
import { findFile, planFileCommand } from './file-lookup.js';
import { fail, ok, type CommandHandler } from './types.js';

const RECORD_KINDS = ['linear', 'cyclic'] as const;
/** UpdateRecord header: FileNo ‖ RecNo(3) ‖ Offset(3) ‖ Length(3). */
export const UPDATE_RECORD_HEADER_BYTES = 10;
const FIELD_BYTES = 3;

function validRecordCountMax(file: RecordFile): number {
  return file.kind === 'cyclic' ? file.recordCountMax - CYCLIC_RECORD_SPARE_COUNT : file.recordCountMax;
}

export const writeRecord: CommandHandler = {
  plan: (ctx, header) =>
    planFileCommand({
      ctx,
      header,
      kinds: RECORD_KINDS,
      rights: ['write', 'readWrite'],
      plainDataLengthBytes: (h) => FILE_OFFSET_LENGTH_HEADER_BYTES + headerLength(h),
    }),
  run(ctx, data) {
    if (data.length < FILE_OFFSET_LENGTH_HEADER_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
    const found = findFile(ctx, data[0], RECORD_KINDS);
    if (!found.ok) return fail(found.status);
    const { file } = found;
    const offset = headerOffset(data);
    const lengthBytes = headerLength(data);
    const payload = data.subarray(FILE_OFFSET_LENGTH_HEADER_BYTES);
    if (lengthBytes === 0 || payload.length !== lengthBytes) return fail(DesfireStatus.LENGTH_ERROR);
    if (offset + lengthBytes > file.recordSizeBytes) return fail(DesfireStatus.BOUNDARY_ERROR);
    const existing = ctx.session.transaction.peekRecords(file.fileNo);
    if (existing?.cleared === true || (existing !== undefined && existing.updates.size > 0)) return fail(DesfireStatus.PERMISSION_DENIED);
    if ((existing?.newRecord ?? null) === null && file.kind === 'linear' && file.records.length >= validRecordCountMax(file)) {
      return fail(DesfireStatus.BOUNDARY_ERROR);
    }
    const pending = ctx.session.transaction.records(file);
    pending.newRecord ??= new Uint8Array(file.recordSizeBytes);
    pending.newRecord.set(payload, offset);
    return ok();
  },
};

export const updateRecord: CommandHandler = {
  plan: (ctx, header) =>
    planFileCommand({
      ctx,
      header,
      kinds: RECORD_KINDS,
      rights: ['write', 'readWrite'],
      plainDataLengthBytes: (h) => (h.length < UPDATE_RECORD_HEADER_BYTES ? h.length : UPDATE_RECORD_HEADER_BYTES + readUintLe(h, 7, FIELD_BYTES)),
    }),
  run(ctx, data) {
    if (data.length < UPDATE_RECORD_HEADER_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
    const found = findFile(ctx, data[0], RECORD_KINDS);
    if (!found.ok) return fail(found.status);
    const { file } = found;
    const recordNo = readUintLe(data, 1, FIELD_BYTES);
    const offset = readUintLe(data, 4, FIELD_BYTES);
    const lengthBytes = readUintLe(data, 7, FIELD_BYTES);
    const payload = data.subarray(UPDATE_RECORD_HEADER_BYTES);
    if (lengthBytes === 0 || payload.length !== lengthBytes) return fail(DesfireStatus.LENGTH_ERROR);
    if (recordNo >= file.records.length || offset + lengthBytes > file.recordSizeBytes) return fail(DesfireStatus.BOUNDARY_ERROR);
    const existing = ctx.session.transaction.peekRecords(file.fileNo);
    if (existing?.cleared === true || (existing?.newRecord ?? null) !== null) return fail(DesfireStatus.PERMISSION_DENIED);
    const pending = ctx.session.transaction.records(file);
    const index = file.records.length - 1 - recordNo;
    const record = pending.updates.get(index) ?? (file.records[index] ?? new Uint8Array(file.recordSizeBytes)).slice();
    record.set(payload, offset);
    pending.updates.set(index, record);
    return ok();
  },
};

export const readRecords: CommandHandler = {
  plan: (ctx, header) => planFileCommand({ ctx, header, kinds: RECORD_KINDS, rights: ['read', 'readWrite'] }),
  run(ctx, data) {
    if (data.length !== FILE_OFFSET_LENGTH_HEADER_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
    const found = findFile(ctx, data[0], RECORD_KINDS);
    if (!found.ok) return fail(found.status);
    const { records, recordSizeBytes } = found.file;
    const newestBack = headerOffset(data);
    const requested = headerLength(data);
    if (newestBack >= records.length) return fail(DesfireStatus.BOUNDARY_ERROR);
    const count = requested === 0 ? records.length - newestBack : requested;
    if (newestBack + count > records.length) return fail(DesfireStatus.BOUNDARY_ERROR);
    if (count * recordSizeBytes > RESPONSE_ASSEMBLED_BYTES_MAX) return fail(DesfireStatus.LENGTH_ERROR);
    const end = records.length - newestBack;
    return ok(concatBytes(...records.slice(end - count, end)));
  },
};

export const clearRecordFile: CommandHandler = {
  plan: (ctx, header) => planFileCommand({ ctx, header, kinds: RECORD_KINDS, rights: ['readWrite'] }),
  run(ctx, data) {
    if (data.length !== 1) return fail(DesfireStatus.LENGTH_ERROR);
    const found = findFile(ctx, data[0], RECORD_KINDS);
    if (!found.ok) return fail(found.status);
    const pending = ctx.session.transaction.records(found.file);
    pending.cleared = true;
    pending.newRecord = null;
    pending.updates.clear();
    return ok();
  },
};
