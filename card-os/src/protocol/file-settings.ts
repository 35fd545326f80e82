/**
 * File settings codecs: GetFileSettings answers, CreateXFile payloads and the
 * ChangeFileSettings payload (MF2DLHX0 §10.7 "Data management commands",
 * §8.2.3 "File types"; libfreefare mifare_desfire_raw_file_settings).
 * Sizes, offsets and counts are 3-byte little-endian; value-file amounts are
 * signed 32-bit little-endian.
 *
 * FileOption byte: bits 1-0 communication mode (00/10 plain, 01 MAC, 11 full),
 * bit 7 additional access rights follow (EV2), bit 6 SDM (EV3/NTAG, kept raw).
 */
import { concatBytes, readUintLe, uintLe } from '@onecard/keys';
import type { CommunicationMode } from './commands.js';
import { ACCESS_RIGHTS_BYTES, decodeAccessRights, encodeAccessRights, type AccessRights } from './access-rights.js';
import type { ParseResult } from './apdu.js';

export const FileType = {
  StandardData: 0x00,
  BackupData: 0x01,
  Value: 0x02,
  LinearRecord: 0x03,
  CyclicRecord: 0x04,
  TransactionMac: 0x05,
} as const;
export type FileTypeCode = (typeof FileType)[keyof typeof FileType];

export const FILE_NO_MAX = 0x1f;
export const FILE_SIZE_BYTES_MAX = 0xffffff; // 3-byte field
export const RECORD_COUNT_MAX = 0xffffff;
export const ADDITIONAL_ACCESS_RIGHTS_COUNT_MAX = 7; // MF2DLHX0 §8.2.3.2: up to 8 sets incl. the first
export const VALUE_MIN = -0x80000000;
export const VALUE_MAX = 0x7fffffff;
export const SIZE_FIELD_BYTES = 3;
export const VALUE_FIELD_BYTES = 4;
export const ISO_FILE_ID_BYTES = 2;
const COMM_MODE_MASK = 0x03;
const COMM_PLAIN = 0x00;
const COMM_MAC = 0x01;
const COMM_FULL = 0x03;
const OPTION_ADDITIONAL_AR = 0x80;
const OPTION_FLAGS_MASK = 0xfc; // everything but the mode bits, kept verbatim
const LIMITED_CREDIT_ENABLED = 0x01;
const FREE_GET_VALUE = 0x02;
/** TMKeyOption: AES key (MF2DLHX0 §10.7.7). */
export const TM_KEY_OPTION_AES = 0x02;

export function encodeCommMode(mode: CommunicationMode): number {
  switch (mode) {
    case 'plain':
      return COMM_PLAIN;
    case 'mac':
      return COMM_MAC;
    case 'full':
      return COMM_FULL;
  }
}

export function decodeCommMode(option: number): CommunicationMode {
  const bits = option & COMM_MODE_MASK;
  if (bits === COMM_MAC) return 'mac';
  if (bits === COMM_FULL) return 'full';
  return 'plain';
}

export interface FileSettingsCommon {
  readonly commMode: CommunicationMode;
  /** FileOption bits other than the mode (bit 7 is recomputed from additionalAccessRights). */
  readonly optionFlags: number;
  readonly accessRights: AccessRights;
  readonly additionalAccessRights: readonly AccessRights[];
}
export interface DataFileSettings extends FileSettingsCommon {
  readonly fileType: typeof FileType.StandardData | typeof FileType.BackupData;
  readonly fileSizeBytes: number;
}
export interface ValueFileSettings extends FileSettingsCommon {
  readonly fileType: typeof FileType.Value;
  readonly lowerLimit: number;
  readonly upperLimit: number;
  /** Create: initial value. GetFileSettings: limited credit value. */
  readonly value: number;
  readonly limitedCreditEnabled: boolean;
  readonly freeGetValue: boolean;
}
export interface RecordFileSettings extends FileSettingsCommon {
  readonly fileType: typeof FileType.LinearRecord | typeof FileType.CyclicRecord;
  readonly recordSizeBytes: number;
  readonly recordCountMax: number;
  /** GetFileSettings only; 0 in Create payloads. */
  readonly recordCount: number;
}
export interface TransactionMacFileSettings extends FileSettingsCommon {
  readonly fileType: typeof FileType.TransactionMac;
  readonly tmKeyOption: number;
  readonly tmKeyVersion: number;
}
export type FileSettings = DataFileSettings | ValueFileSettings | RecordFileSettings | TransactionMacFileSettings;

export type FileSettingsError = 'length_error' | 'parameter_error';

export function encodeValueLe(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < VALUE_MIN || value > VALUE_MAX) throw new RangeError('value must be a signed 32-bit integer');
  const out = new Uint8Array(VALUE_FIELD_BYTES);
  new DataView(out.buffer).setInt32(0, value, true);
  return out;
}
export function decodeValueLe(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(offset, true);
}

function optionByte(s: FileSettingsCommon): number {
  return (s.optionFlags & OPTION_FLAGS_MASK & ~OPTION_ADDITIONAL_AR) | (s.additionalAccessRights.length > 0 ? OPTION_ADDITIONAL_AR : 0) | encodeCommMode(s.commMode);
}

/** ChangeFileSettings data after FileNo: FileOption ‖ AccessRights ‖ [NrAddARs ‖ AddARs] (MF2DLHX0 §10.7.3). */
export function encodeChangeFileSettingsPayload(s: FileSettingsCommon): Uint8Array {
  return concatBytes(Uint8Array.of(optionByte(s)), encodeAccessRights(s.accessRights), encodeAdditional(s.additionalAccessRights));
}

/** Type-specific part of a GetFileSettings answer (after FileType ‖ FileOption ‖ AccessRights). */
export function encodeFileSettingsTail(s: FileSettings, form: 'get' | 'create'): Uint8Array {
  switch (s.fileType) {
    case FileType.StandardData:
    case FileType.BackupData:
      return uintLe(s.fileSizeBytes, SIZE_FIELD_BYTES);
    case FileType.Value:
      return concatBytes(
        encodeValueLe(s.lowerLimit),
        encodeValueLe(s.upperLimit),
        encodeValueLe(s.value),
        Uint8Array.of((s.limitedCreditEnabled ? LIMITED_CREDIT_ENABLED : 0) | (s.freeGetValue ? FREE_GET_VALUE : 0)),
      );
    case FileType.LinearRecord:
    case FileType.CyclicRecord: {
      const head = concatBytes(uintLe(s.recordSizeBytes, SIZE_FIELD_BYTES), uintLe(s.recordCountMax, SIZE_FIELD_BYTES));
      return form === 'get' ? concatBytes(head, uintLe(s.recordCount, SIZE_FIELD_BYTES)) : head;
    }
    case FileType.TransactionMac:
      return form === 'get' ? Uint8Array.of(s.tmKeyOption, s.tmKeyVersion) : Uint8Array.of(s.tmKeyOption);
  }
}

/** AdditionalAccessRights: NrAddARs ‖ AddAR_1 ‖ … (EV2, present when FileOption bit 7 is set). */
function encodeAdditional(list: readonly AccessRights[]): Uint8Array {
  if (list.length > ADDITIONAL_ACCESS_RIGHTS_COUNT_MAX) throw new RangeError('too many additional access rights');
  if (list.length === 0) return new Uint8Array(0);
  return concatBytes(Uint8Array.of(list.length), ...list.map(encodeAccessRights));
}

/**
 * GetFileSettings answer (MF2DLHX0 §10.7.2):
 * FileType ‖ FileOption ‖ AccessRights ‖ type-specific ‖ [NrAddARs ‖ AddARs].
 */
export function encodeFileSettings(s: FileSettings): Uint8Array {
  return concatBytes(
    Uint8Array.of(s.fileType, optionByte(s)),
    encodeAccessRights(s.accessRights),
    encodeFileSettingsTail(s, 'get'),
    encodeAdditional(s.additionalAccessRights),
  );
}

const TAIL_BYTES: Readonly<Record<FileTypeCode, number>> = {
  [FileType.StandardData]: SIZE_FIELD_BYTES,
  [FileType.BackupData]: SIZE_FIELD_BYTES,
  [FileType.Value]: 3 * VALUE_FIELD_BYTES + 1,
  [FileType.LinearRecord]: 3 * SIZE_FIELD_BYTES,
  [FileType.CyclicRecord]: 3 * SIZE_FIELD_BYTES,
  [FileType.TransactionMac]: 2,
};

function isFileType(byte: number): byte is FileTypeCode {
  return byte >= FileType.StandardData && byte <= FileType.TransactionMac;
}

/** Parses a GetFileSettings answer. Trailing bytes the codec does not model (SDM) make it fail with length_error. */
export function decodeFileSettings(bytes: Uint8Array): ParseResult<FileSettings, FileSettingsError> {
  const fileType = bytes[0];
  if (fileType === undefined || !isFileType(fileType)) return { ok: false, error: 'parameter_error' };
  const headBytes = 2 + ACCESS_RIGHTS_BYTES;
  const tailBytes = TAIL_BYTES[fileType];
  if (bytes.length < headBytes + tailBytes) return { ok: false, error: 'length_error' };
  const option = bytes[1] ?? 0;
  let offset = headBytes + tailBytes;
  const additionalAccessRights: AccessRights[] = [];
  if ((option & OPTION_ADDITIONAL_AR) !== 0) {
    const count = bytes[offset] ?? 0;
    if (count > ADDITIONAL_ACCESS_RIGHTS_COUNT_MAX || bytes.length < offset + 1 + count * ACCESS_RIGHTS_BYTES) {
      return { ok: false, error: 'length_error' };
    }
    for (let i = 0; i < count; i++) additionalAccessRights.push(decodeAccessRights(bytes, offset + 1 + i * ACCESS_RIGHTS_BYTES));
    offset += 1 + count * ACCESS_RIGHTS_BYTES;
  }
  if (offset !== bytes.length) return { ok: false, error: 'length_error' };
  const common: FileSettingsCommon = {
    commMode: decodeCommMode(option),
    optionFlags: option & OPTION_FLAGS_MASK & ~OPTION_ADDITIONAL_AR,
    accessRights: decodeAccessRights(bytes, 2),
    additionalAccessRights,
  };
  return { ok: true, value: decodeTail(fileType, bytes, headBytes, common) };
}

function decodeTail(fileType: FileTypeCode, b: Uint8Array, at: number, common: FileSettingsCommon): FileSettings {
  switch (fileType) {
    case FileType.StandardData:
    case FileType.BackupData:
      return { ...common, fileType, fileSizeBytes: readUintLe(b, at, SIZE_FIELD_BYTES) };
    case FileType.Value: {
      const flags = b[at + 3 * VALUE_FIELD_BYTES] ?? 0;
      return {
        ...common,
        fileType,
        lowerLimit: decodeValueLe(b, at),
        upperLimit: decodeValueLe(b, at + VALUE_FIELD_BYTES),
        value: decodeValueLe(b, at + 2 * VALUE_FIELD_BYTES),
        limitedCreditEnabled: (flags & LIMITED_CREDIT_ENABLED) !== 0,
        freeGetValue: (flags & FREE_GET_VALUE) !== 0,
      };
    }
    case FileType.LinearRecord:
    case FileType.CyclicRecord:
      return {
        ...common,
        fileType,
        recordSizeBytes: readUintLe(b, at, SIZE_FIELD_BYTES),
        recordCountMax: readUintLe(b, at + SIZE_FIELD_BYTES, SIZE_FIELD_BYTES),
        recordCount: readUintLe(b, at + 2 * SIZE_FIELD_BYTES, SIZE_FIELD_BYTES),
      };
    case FileType.TransactionMac:
      return { ...common, fileType, tmKeyOption: b[at] ?? 0, tmKeyVersion: b[at + 1] ?? 0 };
  }
}

