/**
 * ReadData and WriteData on Standard and Backup data files (and ReadData on
 * the Transaction MAC file: TMC ‖ TMV).
 * Header: FileNo ‖ Offset(3) ‖ Length(3), little-endian (MF2DLHX0 §10.8.1-2).
 */
import { concatBytes, readUintLe, uintLe } from '@onecard/keys';
import { DesfireStatus } from '../../protocol/status.js';
import type { CardFile } from '../image/types.js';
import { TMAC_COUNTER_LENGTH_BYTES } from '../limits.js';
import type { FileRight } from './access.js';
import { findFile, planFileCommand } from './file-lookup.js';
import { fail, ok, persistOutcome, selectedApplication, withApplication, type CommandHandler } from './types.js';

export const FILE_OFFSET_LENGTH_HEADER_BYTES = 7;
const OFFSET_AT = 1;
const LENGTH_AT = 4;
const FIELD_BYTES = 3;

export function headerOffset(header: Uint8Array): number {
  return readUintLe(header, OFFSET_AT, FIELD_BYTES);
}

export function headerLength(header: Uint8Array): number {
  return readUintLe(header, LENGTH_AT, FIELD_BYTES);
}

function committedBytes(file: Extract<CardFile, { kind: 'std' | 'backup' | 'tmac' }>): Uint8Array {
  return file.kind === 'tmac' ? concatBytes(uintLe(file.tmc, TMAC_COUNTER_LENGTH_BYTES), file.tmv) : file.data;
}

/** A Transaction MAC file's ReadWrite right is its CommitReaderID key, so only Read reads it (transaction-mac.ts). */
function readRights(file: CardFile): readonly FileRight[] {
  return file.kind === 'tmac' ? ['read'] : ['read', 'readWrite'];
}

export const readData: CommandHandler = {
  plan: (ctx, header) => planFileCommand({ ctx, header, kinds: ['std', 'backup', 'tmac'], rights: readRights }),
  run(ctx, data) {
    if (data.length !== FILE_OFFSET_LENGTH_HEADER_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
    const found = findFile(ctx, data[0], ['std', 'backup', 'tmac']);
    if (!found.ok) return fail(found.status);
    const bytes = committedBytes(found.file);
    const offset = headerOffset(data);
    const requested = headerLength(data);
    if (offset >= bytes.length) return fail(DesfireStatus.BOUNDARY_ERROR);
    const lengthBytes = requested === 0 ? bytes.length - offset : requested;
    if (offset + lengthBytes > bytes.length) return fail(DesfireStatus.BOUNDARY_ERROR);
    return ok(bytes.slice(offset, offset + lengthBytes));
  },
};

export const writeData: CommandHandler = {
  plan: (ctx, header) =>
    planFileCommand({
      ctx,
      header,
      kinds: ['std', 'backup'],
      rights: ['write', 'readWrite'],
      plainDataLengthBytes: (h) => FILE_OFFSET_LENGTH_HEADER_BYTES + headerLength(h),
    }),
  run(ctx, data) {
    if (data.length < FILE_OFFSET_LENGTH_HEADER_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
    const found = findFile(ctx, data[0], ['std', 'backup']);
    if (!found.ok) return fail(found.status);
    const { file } = found;
    const offset = headerOffset(data);
    const lengthBytes = headerLength(data);
    const payload = data.subarray(FILE_OFFSET_LENGTH_HEADER_BYTES);
    if (lengthBytes === 0 || payload.length !== lengthBytes) return fail(DesfireStatus.LENGTH_ERROR);
    if (offset + lengthBytes > file.data.length) return fail(DesfireStatus.BOUNDARY_ERROR);
    if (file.kind === 'backup') {
      ctx.session.transaction.backup(file).data.set(payload, offset);
      return ok();
    }
    const app = selectedApplication(ctx);
    if (app === undefined) return fail(DesfireStatus.PERMISSION_DENIED);
    const next = file.data.slice();
    next.set(payload, offset);
    const nextFile: CardFile = { ...file, data: next };
    return persistOutcome(ctx, withApplication(ctx.image, { ...app, files: app.files.map((f) => (f.fileNo === file.fileNo ? nextFile : f)) }));
  },
};
