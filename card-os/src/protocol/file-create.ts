/**
 * CreateXFile payloads (the data after INS) and the ChangeFileSettings payload
 * (MF2DLHX0 §10.7.4-10.7.9; libfreefare create_file1/create_file2):
 *   StdData/BackupData  FileNo ‖ [ISOFileID] ‖ FileOption ‖ AR ‖ FileSize(3)
 *   Value               FileNo ‖ FileOption ‖ AR ‖ Lower(4) ‖ Upper(4) ‖ Value(4) ‖ LimitedCredit(1)
 *   Linear/CyclicRecord FileNo ‖ [ISOFileID] ‖ FileOption ‖ AR ‖ RecordSize(3) ‖ MaxRecords(3)
 *   TransactionMAC      FileNo ‖ FileOption ‖ AR ‖ TMKeyOption ‖ TMKey(16) ‖ TMKeyVersion
 * followed by [NrAddARs ‖ AddARs] when FileOption bit 7 is set (EV2; placement
 * after the type-specific part as in GetFileSettings, see README doubts).
 * ISOFileID is present only in applications created with ISO file IDs
 * (KeySettings2 bit 5); the caller says whether to expect it.
 */
import { concatBytes, readUintLe, uintLe } from '@onecard/keys';
import { Ins, type InsCode } from './commands.js';
import type { ParseResult } from './apdu.js';
import {
  FILE_NO_MAX,
  FileType,
  ISO_FILE_ID_BYTES,
  decodeFileSettings,
  encodeFileSettings,
  encodeFileSettingsTail,
  type FileSettings,
  type FileSettingsError,
  type FileTypeCode,
  type TransactionMacFileSettings,
} from './file-settings.js';

export const TM_KEY_BYTES = 16;

export const CREATE_INS_BY_FILE_TYPE: Readonly<Record<FileTypeCode, InsCode>> = {
  [FileType.StandardData]: Ins.CreateStdDataFile,
  [FileType.BackupData]: Ins.CreateBackupDataFile,
  [FileType.Value]: Ins.CreateValueFile,
  [FileType.LinearRecord]: Ins.CreateLinearRecordFile,
  [FileType.CyclicRecord]: Ins.CreateCyclicRecordFile,
  [FileType.TransactionMac]: Ins.CreateTransactionMACFile,
};

export function fileTypeForCreateIns(ins: number): FileTypeCode | undefined {
  for (const [type, code] of Object.entries(CREATE_INS_BY_FILE_TYPE)) if (code === ins) return Number(type) as FileTypeCode;
  return undefined;
}

function hasIsoFileId(fileType: FileTypeCode): boolean {
  return fileType !== FileType.Value && fileType !== FileType.TransactionMac;
}

export interface CreateFileRequest {
  readonly fileNo: number;
  /** Two-byte ISO/IEC 7816-4 file identifier, sent LSB first. */
  readonly isoFileId: number | undefined;
  readonly settings: FileSettings;
  /** TransactionMAC files only: the AppTransactionMACKey (sent in full mode). */
  readonly tmKey: Uint8Array | undefined;
}

export function encodeCreateFile(request: CreateFileRequest): Uint8Array {
  const { fileNo, isoFileId, settings } = request;
  if (!Number.isInteger(fileNo) || fileNo < 0 || fileNo > FILE_NO_MAX) throw new RangeError(`fileNo must be 0..${FILE_NO_MAX}`);
  // GetFileSettings form without its FileType byte gives FileOption ‖ AR ‖ …; rebuild with the create tail.
  const get = encodeFileSettings({ ...settings, additionalAccessRights: [] });
  const optionAndAr = get.subarray(1, 4);
  const additional = encodeFileSettings(settings).subarray(get.length);
  const iso = isoFileId === undefined ? new Uint8Array(0) : uintLe(isoFileId, ISO_FILE_ID_BYTES);
  if (isoFileId !== undefined && !hasIsoFileId(settings.fileType)) throw new TypeError('this file type has no ISO file ID');
  if (settings.fileType === FileType.TransactionMac) {
    const key = request.tmKey;
    if (key?.length !== TM_KEY_BYTES) throw new RangeError(`tmKey must be ${TM_KEY_BYTES} bytes`);
    return concatBytes(Uint8Array.of(fileNo), optionAndAr, encodeFileSettingsTail(settings, 'create'), key, Uint8Array.of(settings.tmKeyVersion), additional);
  }
  return concatBytes(Uint8Array.of(fileNo), iso, optionAndAr, encodeFileSettingsTail(settings, 'create'), additional);
}

export type DecodedCreateFile = CreateFileRequest;

/** Parses a CreateXFile payload (plaintext, after secure messaging). */
export function decodeCreateFile(options: {
  ins: number;
  data: Uint8Array;
  isoFileIdPresent: boolean;
}): ParseResult<DecodedCreateFile, FileSettingsError> {
  const { ins, data } = options;
  const fileType = fileTypeForCreateIns(ins);
  if (fileType === undefined) return { ok: false, error: 'parameter_error' };
  const fileNo = data[0];
  if (fileNo === undefined) return { ok: false, error: 'length_error' };
  if (fileNo > FILE_NO_MAX) return { ok: false, error: 'parameter_error' };
  const withIso = options.isoFileIdPresent && hasIsoFileId(fileType);
  let at = 1;
  let isoFileId: number | undefined;
  if (withIso) {
    if (data.length < at + ISO_FILE_ID_BYTES) return { ok: false, error: 'length_error' };
    isoFileId = readUintLe(data, at, ISO_FILE_ID_BYTES);
    at += ISO_FILE_ID_BYTES;
  }
  let rest = data.subarray(at);
  let tmKey: Uint8Array | undefined;
  let tmKeyVersion = 0;
  if (fileType === FileType.TransactionMac) {
    // FileOption ‖ AR(2) ‖ TMKeyOption ‖ TMKey(16) ‖ TMKeyVersion [‖ add. ARs]
    const keyAt = 4;
    if (rest.length < keyAt + TM_KEY_BYTES + 1) return { ok: false, error: 'length_error' };
    tmKey = rest.slice(keyAt, keyAt + TM_KEY_BYTES);
    tmKeyVersion = rest[keyAt + TM_KEY_BYTES] ?? 0;
    rest = concatBytes(rest.subarray(0, keyAt), Uint8Array.of(tmKeyVersion), rest.subarray(keyAt + TM_KEY_BYTES + 1));
  } else if (fileType === FileType.LinearRecord || fileType === FileType.CyclicRecord) {
    // The GetFileSettings form has a current-record-count field; the create form does not.
    const tailAt = 3 + 6;
    if (rest.length < tailAt) return { ok: false, error: 'length_error' };
    rest = concatBytes(rest.subarray(0, tailAt), new Uint8Array(3), rest.subarray(tailAt));
  }
  const parsed = decodeFileSettings(concatBytes(Uint8Array.of(fileType), rest));
  if (!parsed.ok) return parsed;
  const settings = parsed.value;
  if (settings.fileType === FileType.TransactionMac) {
    const tm: TransactionMacFileSettings = { ...settings, tmKeyVersion };
    return { ok: true, value: { fileNo, isoFileId, settings: tm, tmKey } };
  }
  return { ok: true, value: { fileNo, isoFileId, settings, tmKey } };
}
