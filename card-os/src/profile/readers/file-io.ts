/**
 * Reading and writing profile files through the host library, in the
 * communication mode the profile gives each file, decoded by its codec.
 * A card error is a `card_refused` value; card bytes that do not decode are
 * `record_invalid`; neither throws.
 */
import { commitTransaction, getValue, readData, readRecords, writeData, writeRecord } from '../../host/data-commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { FileType } from '../../protocol/file-settings.js';
import type { RecordCodec } from '../codecs/result.js';
import type { ProfileFile } from '../layout/files.js';
import { cardRefused, ok, type ProfileResult } from '../result.js';
import type { ProfileSession } from '../session.js';

/** TMC (4) ‖ TMV (8): what ReadData answers on a Transaction MAC file (MF2DLHX0 §10.3). */
const TRANSACTION_MAC_FILE_BYTES = 12;

function recordSizeOf(file: ProfileFile): number {
  const s = file.settings;
  switch (s.fileType) {
    case FileType.StandardData:
    case FileType.BackupData:
      return s.fileSizeBytes;
    case FileType.CyclicRecord:
    case FileType.LinearRecord:
      return s.recordSizeBytes;
    case FileType.TransactionMac:
      return TRANSACTION_MAC_FILE_BYTES;
    case FileType.Value:
      throw new TypeError(`${file.name} holds no records`);
  }
}

/** Reads a whole data file and decodes it. */
export async function readRecordFile<T>(session: ProfileSession, file: ProfileFile, codec: RecordCodec<T>): Promise<ProfileResult<T>> {
  const raw = await readRawFile(session, file);
  if (!raw.ok) return raw;
  const decoded = codec.decode(raw.value);
  return decoded.ok ? ok(decoded.value) : { ok: false, code: 'record_invalid', file: file.name, decode: decoded.code, field: decoded.field };
}

export async function readRawFile(session: ProfileSession, file: ProfileFile): Promise<ProfileResult<Uint8Array>> {
  const read = await readData(session.client, { fileNo: file.fileNo, mode: file.settings.commMode, offsetBytes: 0, lengthBytes: recordSizeOf(file) });
  return read.ok ? ok(read.value) : cardRefused(read);
}

/** Raw records of a log, oldest first; an empty log is []. `newestCount` 0 reads all. */
export async function readRawLog(session: ProfileSession, file: ProfileFile, options: { newestCount: number }): Promise<ProfileResult<Uint8Array[]>> {
  const read = await readRecords(session.client, {
    fileNo: file.fileNo,
    mode: file.settings.commMode,
    recordNo: 0,
    recordCount: options.newestCount,
    recordSizeBytes: recordSizeOf(file),
  });
  if (read.ok) return ok(read.value);
  // An empty record file answers BOUNDARY_ERROR (MF2DLHX0 §10.8.8); that also ends the session.
  if (read.status === DesfireStatus.BOUNDARY_ERROR) return ok([]);
  return cardRefused(read);
}

/** A log, decoded, oldest first. Any record that does not decode fails the whole read. */
export async function readLog<T>(session: ProfileSession, file: ProfileFile, codec: RecordCodec<T>, options: { newestCount: number }): Promise<ProfileResult<T[]>> {
  const raw = await readRawLog(session, file, options);
  if (!raw.ok) return raw;
  const records: T[] = [];
  for (const bytes of raw.value) {
    const decoded = codec.decode(bytes);
    if (!decoded.ok) return { ok: false, code: 'record_invalid', file: file.name, decode: decoded.code, field: decoded.field };
    records.push(decoded.value);
  }
  return ok(records);
}

/** The newest record of a log, or undefined when the log is empty. */
export async function readNewest<T>(session: ProfileSession, file: ProfileFile, codec: RecordCodec<T>): Promise<ProfileResult<T | undefined>> {
  const log = await readLog(session, file, codec, { newestCount: 1 });
  return log.ok ? ok(log.value.at(-1)) : log;
}

export async function readPurse(session: ProfileSession, file: ProfileFile): Promise<ProfileResult<number>> {
  const value = await getValue(session.client, { fileNo: file.fileNo, mode: file.settings.commMode });
  return value.ok ? ok(value.value) : cardRefused(value);
}

export async function writeRecordFile<T>(session: ProfileSession, file: ProfileFile, codec: RecordCodec<T>, value: T): Promise<ProfileResult<void>> {
  return writeRawFile(session, file, codec.encode(value));
}

export async function writeRawFile(session: ProfileSession, file: ProfileFile, data: Uint8Array): Promise<ProfileResult<void>> {
  const written = await writeData(session.client, { fileNo: file.fileNo, mode: file.settings.commMode, offsetBytes: 0, data });
  return written.ok ? ok(undefined) : cardRefused(written);
}

export async function appendRawRecord(session: ProfileSession, file: ProfileFile, data: Uint8Array): Promise<ProfileResult<void>> {
  const written = await writeRecord(session.client, { fileNo: file.fileNo, mode: file.settings.commMode, offsetBytes: 0, data });
  return written.ok ? ok(undefined) : cardRefused(written);
}

export async function commit(session: ProfileSession): Promise<ProfileResult<void>> {
  const committed = await commitTransaction(session.client, { returnTransactionMac: false });
  return committed.ok ? ok(undefined) : cardRefused(committed);
}
