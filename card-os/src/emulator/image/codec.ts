/**
 * Serialises the card image to bytes (UTF-8 JSON, byte fields in hex) and
 * back. Decoding checks every field: a damaged or foreign state file is a
 * value ({ ok: false }), never a half-loaded card.
 */
import { fromHex, toHex } from '@onecard/keys';
import { USER_ATS_LENGTH_BYTES_MAX } from '../../sm/user-ats.js';
import {
  CARD_IMAGE_FORMAT_VERSION,
  type ApplicationImage,
  type CardFile,
  type CardImage,
  type FileCommMode,
  type KeyEntry,
  type KeyFamily,
} from './types.js';

/** Versions decodeImage reads: 1 (before the user ATS) is upgraded on load, the next write stores version 2. */
const FORMAT_VERSION_WITHOUT_USER_ATS = 1;

export type DecodeResult = { ok: true; image: CardImage } | { ok: false; reason: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function bytesOut(value: Uint8Array): string {
  return toHex(value);
}

function keyOut(key: KeyEntry): Json {
  return { material: bytesOut(key.material), version: key.version };
}

function fileOut(file: CardFile): Json {
  const common = {
    kind: file.kind,
    fileNo: file.fileNo,
    isoFileId: file.isoFileId,
    commMode: file.commMode,
    accessRightsWord: file.accessRightsWord,
  };
  switch (file.kind) {
    case 'std':
    case 'backup':
      return { ...common, data: bytesOut(file.data) };
    case 'value':
      return {
        ...common,
        lowerLimit: file.lowerLimit,
        upperLimit: file.upperLimit,
        value: file.value,
        limitedCreditValue: file.limitedCreditValue,
        limitedCreditEnabled: file.limitedCreditEnabled,
        freeGetValueEnabled: file.freeGetValueEnabled,
      };
    case 'linear':
    case 'cyclic':
      return {
        ...common,
        recordSizeBytes: file.recordSizeBytes,
        recordCountMax: file.recordCountMax,
        records: file.records.map(bytesOut),
      };
    case 'tmac':
      return {
        ...common,
        tmKey: bytesOut(file.tmKey),
        tmKeyVersion: file.tmKeyVersion,
        tmc: file.tmc,
        tmv: bytesOut(file.tmv),
        readerId: bytesOut(file.readerId),
      };
  }
}

function applicationOut(app: ApplicationImage): Json {
  return {
    aid: app.aid,
    isoFileId: app.isoFileId,
    dfName: app.dfName === null ? null : bytesOut(app.dfName),
    keySettings: app.keySettings,
    keyFamily: app.keyFamily,
    isoFileIdsEnabled: app.isoFileIdsEnabled,
    keys: app.keys.map(keyOut),
    files: app.files.map(fileOut),
    allocatedBytes: app.allocatedBytes,
  };
}

export function encodeImage(image: CardImage): Uint8Array {
  const json: Json = {
    formatVersion: image.formatVersion,
    uid: bytesOut(image.uid),
    batchNo: bytesOut(image.batchNo),
    productionWeekBcd: image.productionWeekBcd,
    productionYearBcd: image.productionYearBcd,
    masterKeyFamily: image.masterKeyFamily,
    masterKey: keyOut(image.masterKey),
    piccKeySettings: image.piccKeySettings,
    configuration: {
      formatDisabled: image.configuration.formatDisabled,
      randomUidEnabled: image.configuration.randomUidEnabled,
      defaultKey: keyOut(image.configuration.defaultKey),
      userAts: image.configuration.userAts === null ? null : bytesOut(image.configuration.userAts),
    },
    applications: image.applications.map(applicationOut),
    storageSizeByte: image.storageSizeByte,
    eepromFreeBytesEmpty: image.eepromFreeBytesEmpty,
    eepromFreeBytes: image.eepromFreeBytes,
  };
  return new TextEncoder().encode(JSON.stringify(json));
}

/** Thrown only inside decodeImage and turned into { ok: false } there. */
class ShapeError extends Error {}

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown, where: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(`${where} must be an object`);
  return value as Obj;
}

function arr(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`${where} must be an array`);
  return value;
}

function int(o: Obj, key: string, range: { min: number; max: number }): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < range.min || v > range.max) {
    throw new ShapeError(`${key} must be an integer in ${range.min}..${range.max}`);
  }
  return v;
}

function bool(o: Obj, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new ShapeError(`${key} must be a boolean`);
  return v;
}

function hex(value: unknown, where: string, lengthsBytes?: readonly number[]): Uint8Array {
  if (typeof value !== 'string') throw new ShapeError(`${where} must be a hex string`);
  let bytes: Uint8Array;
  try {
    bytes = fromHex(value);
  } catch {
    throw new ShapeError(`${where} must be a hex string`);
  }
  if (lengthsBytes !== undefined && !lengthsBytes.includes(bytes.length)) throw new ShapeError(`${where} has the wrong length`);
  return bytes;
}

function oneOf<T extends string>(o: Obj, key: string, allowed: readonly T[]): T {
  const v = o[key];
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw new ShapeError(`${key} must be one of ${allowed.join(', ')}`);
  return found;
}

const BYTE = { min: 0, max: 0xff };
const UINT16 = { min: 0, max: 0xffff };
const UINT24 = { min: 0, max: 0xff_ff_ff };
const UINT32 = { min: 0, max: 0xffff_ffff };
const INT32 = { min: -0x8000_0000, max: 0x7fff_ffff };
const KEY_LENGTHS_BYTES = [16, 24] as const;

function keyIn(value: unknown, where: string): KeyEntry {
  const o = obj(value, where);
  return { material: hex(o['material'], `${where}.material`, KEY_LENGTHS_BYTES), version: int(o, 'version', BYTE) };
}

function nullableInt(o: Obj, key: string, range: { min: number; max: number }): number | null {
  return o[key] === null ? null : int(o, key, range);
}

const COMM_MODES: readonly FileCommMode[] = ['plain', 'mac', 'full'];
const KEY_FAMILIES: readonly KeyFamily[] = ['des-2tdea', '3tdea', 'aes128'];

function fileIn(value: unknown): CardFile {
  const o = obj(value, 'file');
  const common = {
    fileNo: int(o, 'fileNo', { min: 0, max: 0x1f }),
    isoFileId: nullableInt(o, 'isoFileId', UINT16),
    commMode: oneOf(o, 'commMode', COMM_MODES),
    accessRightsWord: int(o, 'accessRightsWord', UINT16),
  };
  const kind = oneOf(o, 'kind', ['std', 'backup', 'value', 'linear', 'cyclic', 'tmac'] as const);
  switch (kind) {
    case 'std':
    case 'backup':
      return { ...common, kind, data: hex(o['data'], 'data') };
    case 'value':
      return {
        ...common,
        kind,
        lowerLimit: int(o, 'lowerLimit', INT32),
        upperLimit: int(o, 'upperLimit', INT32),
        value: int(o, 'value', INT32),
        limitedCreditValue: int(o, 'limitedCreditValue', INT32),
        limitedCreditEnabled: bool(o, 'limitedCreditEnabled'),
        freeGetValueEnabled: bool(o, 'freeGetValueEnabled'),
      };
    case 'linear':
    case 'cyclic': {
      const recordSizeBytes = int(o, 'recordSizeBytes', { min: 1, max: UINT24.max });
      return {
        ...common,
        kind,
        recordSizeBytes,
        recordCountMax: int(o, 'recordCountMax', { min: 1, max: UINT24.max }),
        records: arr(o['records'], 'records').map((r) => hex(r, 'record', [recordSizeBytes])),
      };
    }
    case 'tmac':
      return {
        ...common,
        kind,
        tmKey: hex(o['tmKey'], 'tmKey', [16]),
        tmKeyVersion: int(o, 'tmKeyVersion', BYTE),
        tmc: int(o, 'tmc', UINT32),
        tmv: hex(o['tmv'], 'tmv', [8]),
        readerId: hex(o['readerId'], 'readerId', [16]),
      };
  }
}

function applicationIn(value: unknown): ApplicationImage {
  const o = obj(value, 'application');
  return {
    aid: int(o, 'aid', UINT24),
    isoFileId: nullableInt(o, 'isoFileId', UINT16),
    dfName: o['dfName'] === null ? null : hex(o['dfName'], 'dfName'),
    keySettings: int(o, 'keySettings', BYTE),
    keyFamily: oneOf(o, 'keyFamily', KEY_FAMILIES),
    isoFileIdsEnabled: bool(o, 'isoFileIdsEnabled'),
    keys: arr(o['keys'], 'keys').map((k) => keyIn(k, 'key')),
    files: arr(o['files'], 'files').map(fileIn),
    allocatedBytes: int(o, 'allocatedBytes', UINT24),
  };
}

/** null, or an ATS whose TL byte is its length (1..USER_ATS_LENGTH_BYTES_MAX). */
function userAtsIn(value: unknown): Uint8Array | null {
  if (value === null) return null;
  const lengths = Array.from({ length: USER_ATS_LENGTH_BYTES_MAX }, (_, i) => i + 1);
  const ats = hex(value, 'userAts', lengths);
  if (ats[0] !== ats.length) throw new ShapeError('userAts must start with its length (TL)');
  return ats;
}

export function decodeImage(bytes: Uint8Array): DecodeResult {
  try {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new ShapeError('not UTF-8 JSON');
    }
    const o = obj(parsed, 'image');
    const formatVersion = o['formatVersion'];
    if (formatVersion !== CARD_IMAGE_FORMAT_VERSION && formatVersion !== FORMAT_VERSION_WITHOUT_USER_ATS) throw new ShapeError('unknown formatVersion');
    const configuration = obj(o['configuration'], 'configuration');
    const image: CardImage = {
      formatVersion: CARD_IMAGE_FORMAT_VERSION,
      uid: hex(o['uid'], 'uid', [7]),
      batchNo: hex(o['batchNo'], 'batchNo', [5]),
      productionWeekBcd: int(o, 'productionWeekBcd', BYTE),
      productionYearBcd: int(o, 'productionYearBcd', BYTE),
      masterKeyFamily: oneOf(o, 'masterKeyFamily', KEY_FAMILIES),
      masterKey: keyIn(o['masterKey'], 'masterKey'),
      piccKeySettings: int(o, 'piccKeySettings', BYTE),
      configuration: {
        formatDisabled: bool(configuration, 'formatDisabled'),
        randomUidEnabled: bool(configuration, 'randomUidEnabled'),
        defaultKey: keyIn(configuration['defaultKey'], 'defaultKey'),
        userAts: formatVersion === FORMAT_VERSION_WITHOUT_USER_ATS ? null : userAtsIn(configuration['userAts']),
      },
      applications: arr(o['applications'], 'applications').map(applicationIn),
      storageSizeByte: int(o, 'storageSizeByte', BYTE),
      eepromFreeBytesEmpty: int(o, 'eepromFreeBytesEmpty', UINT24),
      eepromFreeBytes: int(o, 'eepromFreeBytes', UINT24),
    };
    return { ok: true, image };
  } catch (error: unknown) {
    if (error instanceof ShapeError) return { ok: false, reason: error.message };
    throw error;
  }
}
