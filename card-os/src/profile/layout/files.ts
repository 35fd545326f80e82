/**
 * Files of each application with their access rights and communication
 * modes (PROFILE.md §4). A nibble is one key number (MF2DLHX0 §8.2.3.2
 * "Access rights"; EV2 additional access-right sets are not used, see
 * PROFILE.md §4.1). What each right grants:
 *   data files   Read: ReadData · Write: WriteData · ReadWrite: both
 *   value files  Read: GetValue, Debit · Write: + LimitedCredit · ReadWrite: + Credit
 *   record files Read: ReadRecords · Write: WriteRecord · ReadWrite: all + ClearRecordFile
 *   all          Change: ChangeFileSettings
 */
import type { AccessCondition, AccessRights } from '../../protocol/access-rights.js';
import { FileType, TM_KEY_OPTION_AES, type FileSettings } from '../../protocol/file-settings.js';
import type { KeySettings } from '../../protocol/key-settings.js';
import { ATTENDANCE_RECORD_LENGTH_BYTES } from '../codecs/attendance.js';
import { CANTEEN_EVENT_RECORD_LENGTH_BYTES } from '../codecs/canteen-event.js';
import { CREDENTIAL_RECORD_LENGTH_BYTES, EMPLOYEE_RECORD_LENGTH_BYTES } from '../codecs/civil.js';
import { EMERGENCY_RECORD_LENGTH_BYTES, INSURANCE_RECORD_LENGTH_BYTES, VISIT_RECORD_LENGTH_BYTES } from '../codecs/health.js';
import { IDENTITY_RECORD_LENGTH_BYTES } from '../codecs/identity.js';
import { LIBRARY_LOANS_RECORD_LENGTH_BYTES } from '../codecs/library-loans.js';
import { STUDENT_RECORD_LENGTH_BYTES } from '../codecs/student-record.js';
import { ENTITLEMENTS_RECORD_LENGTH_BYTES } from '../codecs/transit-entitlements.js';
import { FARE_STATE_RECORD_LENGTH_BYTES } from '../codecs/transit-fare-state.js';
import { TRIP_RECORD_LENGTH_BYTES } from '../codecs/transit-trip.js';
import { PROFILE_KEY_NO, type ProfileApplication } from './applications.js';

/** Events the cyclic logs keep (DESFire keeps one more slot for the pending write). */
export const TRIP_LOG_RECORD_COUNT = 10;
export const ATTENDANCE_LOG_RECORD_COUNT = 20;
export const CANTEEN_LOG_RECORD_COUNT = 10;
export const VISIT_LOG_RECORD_COUNT = 10;
/** A cyclic file of N slots keeps N-1 records: one slot takes the pending write (emulator/limits.ts CYCLIC_RECORD_SPARE_COUNT). */
export const CYCLIC_SPARE_RECORD_COUNT = 1;
/** Purse limits: the most a card may carry, also the bound on a rogue credit. */
export const TRANSIT_PURSE_BALANCE_VND_MAX = 2_000_000;
export const CANTEEN_PURSE_BALANCE_VND_MAX = 1_000_000;
export const PURSE_BALANCE_VND_MIN = 0;

const never: AccessCondition = { kind: 'never' };
const key = (keyNo: number): AccessCondition => ({ kind: 'key', keyNo });

function rights(read: AccessCondition, write: AccessCondition, readWrite: AccessCondition, change: AccessCondition): AccessRights {
  return { read, write, readWrite, change };
}

export type FileContent = 'record' | 'log' | 'purse' | 'transaction-mac';

export interface ProfileFile {
  readonly application: ProfileApplication;
  /** 'transit.purse' … as in PROFILE.md. */
  readonly name: string;
  readonly fileNo: number;
  readonly content: FileContent;
  /** What CreateXFile sends (value files: `value` is the initial balance, replaced per holder). */
  readonly settings: FileSettings;
}

function dataFile(options: { kind: 'std' | 'backup'; lengthBytes: number; mode: 'mac' | 'full'; rights: AccessRights }): FileSettings {
  return {
    fileType: options.kind === 'std' ? FileType.StandardData : FileType.BackupData,
    commMode: options.mode,
    optionFlags: 0,
    accessRights: options.rights,
    additionalAccessRights: [],
    fileSizeBytes: options.lengthBytes,
  };
}

function cyclicFile(options: { recordSizeBytes: number; recordCount: number; rights: AccessRights }): FileSettings {
  return {
    fileType: FileType.CyclicRecord,
    commMode: 'full',
    optionFlags: 0,
    accessRights: options.rights,
    additionalAccessRights: [],
    recordSizeBytes: options.recordSizeBytes,
    recordCountMax: options.recordCount + CYCLIC_SPARE_RECORD_COUNT,
    recordCount: 0,
  };
}

function purseFile(options: { upperLimitVnd: number; rights: AccessRights }): FileSettings {
  return {
    fileType: FileType.Value,
    commMode: 'mac',
    optionFlags: 0,
    accessRights: options.rights,
    additionalAccessRights: [],
    lowerLimit: PURSE_BALANCE_VND_MIN,
    upperLimit: options.upperLimitVnd,
    value: 0,
    limitedCreditEnabled: true,
    freeGetValue: false,
  };
}

/** Transaction MAC file: Read = TMC ‖ TMV readable; ReadWrite = CommitReaderID key (F: CommitReaderID disabled). */
function transactionMacFile(readKeyNo: number): FileSettings {
  return {
    fileType: FileType.TransactionMac,
    commMode: 'plain',
    optionFlags: 0,
    accessRights: rights(key(readKeyNo), never, never, key(0)),
    additionalAccessRights: [],
    tmKeyOption: TM_KEY_OPTION_AES,
    tmKeyVersion: 0,
  };
}

const I = PROFILE_KEY_NO.identity;
const T = PROFILE_KEY_NO.transit;
const S = PROFILE_KEY_NO.student;
const C = PROFILE_KEY_NO.canteen;
const V = PROFILE_KEY_NO.civil;
const H = PROFILE_KEY_NO.health;

const FILES: readonly ProfileFile[] = [
  { application: 'identity', name: 'identity.holder', fileNo: 0x00, content: 'record', settings: dataFile({ kind: 'std', lengthBytes: IDENTITY_RECORD_LENGTH_BYTES, mode: 'full', rights: rights(key(I.read), key(I.applicationMaster), never, key(I.applicationMaster)) }) },

  { application: 'transit', name: 'transit.purse', fileNo: 0x00, content: 'purse', settings: purseFile({ upperLimitVnd: TRANSIT_PURSE_BALANCE_VND_MAX, rights: rights(never, key(T.debit), key(T.topUp), key(T.applicationMaster)) }) },
  { application: 'transit', name: 'transit.entitlements', fileNo: 0x01, content: 'record', settings: dataFile({ kind: 'backup', lengthBytes: ENTITLEMENTS_RECORD_LENGTH_BYTES, mode: 'full', rights: rights(key(T.debit), never, key(T.topUp), key(T.applicationMaster)) }) },
  { application: 'transit', name: 'transit.fare-state', fileNo: 0x02, content: 'record', settings: dataFile({ kind: 'backup', lengthBytes: FARE_STATE_RECORD_LENGTH_BYTES, mode: 'mac', rights: rights(key(T.read), never, key(T.debit), key(T.applicationMaster)) }) },
  { application: 'transit', name: 'transit.trips', fileNo: 0x03, content: 'log', settings: cyclicFile({ recordSizeBytes: TRIP_RECORD_LENGTH_BYTES, recordCount: TRIP_LOG_RECORD_COUNT, rights: rights(key(T.debit), key(T.debit), key(T.topUp), key(T.applicationMaster)) }) },
  { application: 'transit', name: 'transit.transaction-mac', fileNo: 0x04, content: 'transaction-mac', settings: transactionMacFile(T.read) },

  { application: 'student', name: 'student.record', fileNo: 0x00, content: 'record', settings: dataFile({ kind: 'std', lengthBytes: STUDENT_RECORD_LENGTH_BYTES, mode: 'full', rights: rights(key(S.read), key(S.applicationMaster), never, key(S.applicationMaster)) }) },
  { application: 'student', name: 'student.attendance', fileNo: 0x01, content: 'log', settings: cyclicFile({ recordSizeBytes: ATTENDANCE_RECORD_LENGTH_BYTES, recordCount: ATTENDANCE_LOG_RECORD_COUNT, rights: rights(key(S.attendance), key(S.attendance), never, key(S.applicationMaster)) }) },
  { application: 'student', name: 'student.library-loans', fileNo: 0x02, content: 'record', settings: dataFile({ kind: 'backup', lengthBytes: LIBRARY_LOANS_RECORD_LENGTH_BYTES, mode: 'full', rights: rights(never, never, key(S.library), key(S.applicationMaster)) }) },

  { application: 'canteen', name: 'canteen.purse', fileNo: 0x00, content: 'purse', settings: purseFile({ upperLimitVnd: CANTEEN_PURSE_BALANCE_VND_MAX, rights: rights(never, key(C.debit), key(C.topUp), key(C.applicationMaster)) }) },
  { application: 'canteen', name: 'canteen.events', fileNo: 0x01, content: 'log', settings: cyclicFile({ recordSizeBytes: CANTEEN_EVENT_RECORD_LENGTH_BYTES, recordCount: CANTEEN_LOG_RECORD_COUNT, rights: rights(key(C.debit), key(C.debit), key(C.topUp), key(C.applicationMaster)) }) },
  { application: 'canteen', name: 'canteen.transaction-mac', fileNo: 0x02, content: 'transaction-mac', settings: transactionMacFile(C.read) },

  { application: 'civil', name: 'civil.employee', fileNo: 0x00, content: 'record', settings: dataFile({ kind: 'std', lengthBytes: EMPLOYEE_RECORD_LENGTH_BYTES, mode: 'full', rights: rights(key(V.read), key(V.applicationMaster), never, key(V.applicationMaster)) }) },
  { application: 'civil', name: 'civil.attendance', fileNo: 0x01, content: 'log', settings: cyclicFile({ recordSizeBytes: ATTENDANCE_RECORD_LENGTH_BYTES, recordCount: ATTENDANCE_LOG_RECORD_COUNT, rights: rights(key(V.attendance), key(V.attendance), never, key(V.applicationMaster)) }) },
  { application: 'civil', name: 'civil.credential', fileNo: 0x02, content: 'record', settings: dataFile({ kind: 'std', lengthBytes: CREDENTIAL_RECORD_LENGTH_BYTES, mode: 'full', rights: rights(key(V.workstationLogin), key(V.applicationMaster), never, key(V.applicationMaster)) }) },

  { application: 'health', name: 'health.insurance', fileNo: 0x00, content: 'record', settings: dataFile({ kind: 'std', lengthBytes: INSURANCE_RECORD_LENGTH_BYTES, mode: 'full', rights: rights(key(H.read), key(H.applicationMaster), never, key(H.applicationMaster)) }) },
  { application: 'health', name: 'health.emergency', fileNo: 0x01, content: 'record', settings: dataFile({ kind: 'backup', lengthBytes: EMERGENCY_RECORD_LENGTH_BYTES, mode: 'full', rights: rights(key(H.read), key(H.visitWrite), never, key(H.applicationMaster)) }) },
  { application: 'health', name: 'health.visits', fileNo: 0x02, content: 'log', settings: cyclicFile({ recordSizeBytes: VISIT_RECORD_LENGTH_BYTES, recordCount: VISIT_LOG_RECORD_COUNT, rights: rights(key(H.read), key(H.visitWrite), never, key(H.applicationMaster)) }) },
];

export const PROFILE_FILES: readonly ProfileFile[] = Object.freeze(FILES);

export function filesOf(application: ProfileApplication): readonly ProfileFile[] {
  return PROFILE_FILES.filter((file) => file.application === application);
}

export function profileFile(name: string): ProfileFile {
  const file = PROFILE_FILES.find((f) => f.name === name);
  if (file === undefined) throw new RangeError(`no profile file named ${name}`);
  return file;
}

/**
 * Key settings of every OneCard application (MF2DLHX0 §8.2.2): only the
 * application master key changes keys, creates or deletes files and lists
 * them (no free directory: who holds which application is not readable
 * without a key); the issuer may still change configuration and the master.
 */
export const APPLICATION_KEY_SETTINGS: KeySettings = Object.freeze({
  changeKeyAccess: { kind: 'key' as const, keyNo: 0 },
  configurationChangeable: true,
  freeCreateDelete: false,
  freeDirectoryList: false,
  masterKeyChangeable: true,
});

/** PICC key settings: no free application create/delete, no free application list (byte 0x09). */
export const PICC_KEY_SETTINGS: KeySettings = Object.freeze({
  changeKeyAccess: { kind: 'key' as const, keyNo: 0 },
  configurationChangeable: true,
  freeCreateDelete: false,
  freeDirectoryList: false,
  masterKeyChangeable: true,
});
