/**
 * Native DESFire instruction bytes and the one table INS → command spec.
 *
 * Sources: MF2DLHX0 (MIFARE DESFire EV2) data sheet §10 "Command set" and its
 * command table (INS, communication mode); AN12343 §3-4 (EV2 secure messaging,
 * which part of a command is the never-encrypted CmdHeader); libfreefare
 * mifare_desfire.c (EV1 flags per command: which commands CMAC, encipher);
 * proxmark3 client/src/mifare/desfiresecurechan.c (AllowedChannelModes,
 * CmdHeaderLengths, EV1D40TransmitMAC, D40ReceiveMAC), which agrees with
 * every mode and header length below.
 * The secondary codes 0xAD/0x8D/0x8B/0xBA/0xAB are the EV2 variants that use
 * ISO/IEC 14443-4 chaining instead of native 0xAF frames (MF2DLHX0 §10.8).
 *
 * Mode rules: the table records the EV2 communication mode of each direction.
 * `resolveMode` (mode.ts) turns a rule into the mode a D40/EV1/EV2 pipeline
 * applies, because EV1 and D40 treat fixed-MAC commands differently.
 */

export const Ins = {
  AuthenticateLegacy: 0x0a,
  AuthenticateISO: 0x1a,
  AuthenticateAES: 0xaa,
  AuthenticateEV2First: 0x71,
  AuthenticateEV2NonFirst: 0x77,
  ChangeKeySettings: 0x54,
  SetConfiguration: 0x5c,
  ChangeKey: 0xc4,
  GetKeySettings: 0x45,
  GetKeyVersion: 0x64,
  CreateApplication: 0xca,
  DeleteApplication: 0xda,
  SelectApplication: 0x5a,
  FormatPICC: 0xfc,
  GetVersion: 0x60,
  GetApplicationIDs: 0x6a,
  GetDFNames: 0x6d,
  GetFreeMemory: 0x6e,
  GetCardUID: 0x51,
  GetFileIDs: 0x6f,
  GetISOFileIDs: 0x61,
  GetFileSettings: 0xf5,
  ChangeFileSettings: 0x5f,
  CreateStdDataFile: 0xcd,
  CreateBackupDataFile: 0xcb,
  CreateValueFile: 0xcc,
  CreateLinearRecordFile: 0xc1,
  CreateCyclicRecordFile: 0xc0,
  CreateTransactionMACFile: 0xce,
  DeleteFile: 0xdf,
  ReadData: 0xbd,
  ReadDataIsoChaining: 0xad,
  WriteData: 0x3d,
  WriteDataIsoChaining: 0x8d,
  GetValue: 0x6c,
  Credit: 0x0c,
  Debit: 0xdc,
  LimitedCredit: 0x1c,
  WriteRecord: 0x3b,
  WriteRecordIsoChaining: 0x8b,
  UpdateRecord: 0xdb,
  UpdateRecordIsoChaining: 0xba,
  ReadRecords: 0xbb,
  ReadRecordsIsoChaining: 0xab,
  ClearRecordFile: 0xeb,
  CommitTransaction: 0xc7,
  AbortTransaction: 0xa7,
  CommitReaderID: 0xc8,
  AdditionalFrame: 0xaf,
} as const;

export type InsKey = keyof typeof Ins;

/**
 * ISO/IEC 7816-4 instructions DESFire EV2 accepts with CLA 00 (MF2DLHX0
 * §11). A separate table: they never share a byte space with native INS
 * because the CLA differs.
 */
export const IsoIns = {
  SelectFile: 0xa4,
  ReadBinary: 0xb0,
  UpdateBinary: 0xd6,
  ReadRecords: 0xb2,
  AppendRecord: 0xe2,
  GetChallenge: 0x84,
  ExternalAuthenticate: 0x82,
  InternalAuthenticate: 0x88,
} as const;
export type IsoInsCode = (typeof IsoIns)[keyof typeof IsoIns];
export type InsCode = (typeof Ins)[InsKey];

/** What secure messaging does to one direction of one command. */
export type CommunicationMode = 'plain' | 'mac' | 'full';

/**
 * How a command's mode is determined (MF2DLHX0 command table):
 * - a fixed mode;
 * - 'file': the data in this direction follows the file's communication settings;
 * - 'file-no-data': this direction carries no data (ReadData command, WriteData
 *   answer): it is MACed when the file's mode is 'mac' or 'full', plain otherwise;
 * - 'auth': an authentication handshake, outside secure messaging.
 */
export type ModeRule = CommunicationMode | 'file' | 'file-no-data' | 'auth';

/**
 * Whether the card accepts the command without an authenticated session:
 * 'none' always; 'settings' depending on key settings / access rights
 * (free access 0xE); 'session' only inside an authenticated session.
 */
export type AuthRequirement = 'none' | 'settings' | 'session';

/** Which direction may span several frames, and how they are chained. */
export type Chaining = 'none' | 'command-af' | 'response-af' | 'handshake-af' | 'iso-14443-4';

export type CommandName =
  | 'authenticateLegacy' | 'authenticateISO' | 'authenticateAES' | 'authenticateEV2First' | 'authenticateEV2NonFirst'
  | 'changeKeySettings' | 'setConfiguration' | 'changeKey' | 'getKeySettings' | 'getKeyVersion'
  | 'createApplication' | 'deleteApplication' | 'selectApplication' | 'formatPICC' | 'getVersion'
  | 'getApplicationIDs' | 'getDFNames' | 'getFreeMemory' | 'getCardUID' | 'getFileIDs' | 'getISOFileIDs'
  | 'getFileSettings' | 'changeFileSettings' | 'createStdDataFile' | 'createBackupDataFile' | 'createValueFile'
  | 'createLinearRecordFile' | 'createCyclicRecordFile' | 'createTransactionMACFile' | 'deleteFile'
  | 'readData' | 'writeData' | 'getValue' | 'credit' | 'debit' | 'limitedCredit' | 'writeRecord'
  | 'updateRecord' | 'readRecords' | 'clearRecordFile' | 'commitTransaction' | 'abortTransaction'
  | 'commitReaderID' | 'additionalFrame';

/**
 * CmdHeader length: the bytes after INS that are never encrypted but are
 * MACed (AN12343 §4.1 "CmdHeader"). 'all' = the whole data field is header
 * (commands whose data is sent plain, e.g. CreateApplication).
 */
export type HeaderLength = number | 'all';

export interface CommandSpec {
  readonly name: CommandName;
  readonly ins: InsCode;
  readonly headerLengthBytes: HeaderLength;
  readonly commandMode: ModeRule;
  readonly responseMode: ModeRule;
  readonly auth: AuthRequirement;
  readonly chaining: Chaining;
}

type Row = Omit<CommandSpec, 'ins'>;
const H_FILE_NO = 1; // FileNo
const H_AID = 3; // AID, LSB first
const H_FILE_OFFSET_LENGTH = 7; // FileNo ‖ Offset(3) ‖ Length(3), MF2DLHX0 §10.8.1
const H_UPDATE_RECORD = 10; // FileNo ‖ RecNo(3) ‖ Offset(3) ‖ Length(3), §10.8.7
const H_CREATE_TMAC_FILE = 5; // FileNo ‖ FileOption ‖ AccessRights(2) ‖ TMKeyOption, §10.7.7

function auth(name: CommandName): Row {
  return { name, headerLengthBytes: 'all', commandMode: 'auth', responseMode: 'auth', auth: 'none', chaining: 'handshake-af' };
}
function mgmt(name: CommandName, headerLengthBytes: HeaderLength, chaining: Chaining = 'none'): Row {
  return { name, headerLengthBytes, commandMode: 'mac', responseMode: 'mac', auth: 'settings', chaining };
}
function read(name: CommandName, headerLengthBytes: number, chaining: Chaining): Row {
  return { name, headerLengthBytes, commandMode: 'file-no-data', responseMode: 'file', auth: 'settings', chaining };
}
function write(name: CommandName, headerLengthBytes: number, chaining: Chaining): Row {
  return { name, headerLengthBytes, commandMode: 'file', responseMode: 'file-no-data', auth: 'settings', chaining };
}

const ROWS: Readonly<Record<InsKey, Row>> = {
  AuthenticateLegacy: auth('authenticateLegacy'),
  AuthenticateISO: auth('authenticateISO'),
  AuthenticateAES: auth('authenticateAES'),
  AuthenticateEV2First: auth('authenticateEV2First'),
  AuthenticateEV2NonFirst: auth('authenticateEV2NonFirst'),
  ChangeKeySettings: { name: 'changeKeySettings', headerLengthBytes: 0, commandMode: 'full', responseMode: 'mac', auth: 'session', chaining: 'none' },
  SetConfiguration: { name: 'setConfiguration', headerLengthBytes: 1, commandMode: 'full', responseMode: 'mac', auth: 'session', chaining: 'none' },
  ChangeKey: { name: 'changeKey', headerLengthBytes: 1, commandMode: 'full', responseMode: 'mac', auth: 'session', chaining: 'none' },
  GetKeySettings: mgmt('getKeySettings', 0),
  GetKeyVersion: mgmt('getKeyVersion', 'all'),
  CreateApplication: mgmt('createApplication', 'all'),
  DeleteApplication: mgmt('deleteApplication', H_AID),
  SelectApplication: { name: 'selectApplication', headerLengthBytes: 'all', commandMode: 'plain', responseMode: 'plain', auth: 'none', chaining: 'none' },
  FormatPICC: { ...mgmt('formatPICC', 0), auth: 'session' },
  GetVersion: { ...mgmt('getVersion', 0, 'response-af'), auth: 'none' },
  GetApplicationIDs: mgmt('getApplicationIDs', 0, 'response-af'),
  GetDFNames: mgmt('getDFNames', 0, 'response-af'),
  GetFreeMemory: mgmt('getFreeMemory', 0),
  GetCardUID: { name: 'getCardUID', headerLengthBytes: 0, commandMode: 'mac', responseMode: 'full', auth: 'session', chaining: 'none' },
  GetFileIDs: mgmt('getFileIDs', 0),
  GetISOFileIDs: mgmt('getISOFileIDs', 0, 'response-af'),
  GetFileSettings: mgmt('getFileSettings', H_FILE_NO),
  ChangeFileSettings: { name: 'changeFileSettings', headerLengthBytes: H_FILE_NO, commandMode: 'full', responseMode: 'mac', auth: 'settings', chaining: 'none' },
  CreateStdDataFile: mgmt('createStdDataFile', 'all'),
  CreateBackupDataFile: mgmt('createBackupDataFile', 'all'),
  CreateValueFile: mgmt('createValueFile', 'all'),
  CreateLinearRecordFile: mgmt('createLinearRecordFile', 'all'),
  CreateCyclicRecordFile: mgmt('createCyclicRecordFile', 'all'),
  CreateTransactionMACFile: { name: 'createTransactionMACFile', headerLengthBytes: H_CREATE_TMAC_FILE, commandMode: 'full', responseMode: 'mac', auth: 'settings', chaining: 'none' },
  DeleteFile: mgmt('deleteFile', H_FILE_NO),
  ReadData: read('readData', H_FILE_OFFSET_LENGTH, 'response-af'),
  ReadDataIsoChaining: read('readData', H_FILE_OFFSET_LENGTH, 'iso-14443-4'),
  WriteData: write('writeData', H_FILE_OFFSET_LENGTH, 'command-af'),
  WriteDataIsoChaining: write('writeData', H_FILE_OFFSET_LENGTH, 'iso-14443-4'),
  GetValue: read('getValue', H_FILE_NO, 'none'),
  Credit: write('credit', H_FILE_NO, 'none'),
  Debit: write('debit', H_FILE_NO, 'none'),
  LimitedCredit: write('limitedCredit', H_FILE_NO, 'none'),
  WriteRecord: write('writeRecord', H_FILE_OFFSET_LENGTH, 'command-af'),
  WriteRecordIsoChaining: write('writeRecord', H_FILE_OFFSET_LENGTH, 'iso-14443-4'),
  UpdateRecord: write('updateRecord', H_UPDATE_RECORD, 'command-af'),
  UpdateRecordIsoChaining: write('updateRecord', H_UPDATE_RECORD, 'iso-14443-4'),
  ReadRecords: read('readRecords', H_FILE_OFFSET_LENGTH, 'response-af'),
  ReadRecordsIsoChaining: read('readRecords', H_FILE_OFFSET_LENGTH, 'iso-14443-4'),
  ClearRecordFile: mgmt('clearRecordFile', H_FILE_NO),
  CommitTransaction: mgmt('commitTransaction', 'all'),
  AbortTransaction: mgmt('abortTransaction', 0),
  CommitReaderID: { name: 'commitReaderID', headerLengthBytes: 'all', commandMode: 'mac', responseMode: 'mac', auth: 'settings', chaining: 'none' },
  AdditionalFrame: { name: 'additionalFrame', headerLengthBytes: 'all', commandMode: 'plain', responseMode: 'plain', auth: 'none', chaining: 'none' },
};

/** The one table: INS byte → spec. */
export const COMMANDS: ReadonlyMap<InsCode, CommandSpec> = new Map(
  (Object.keys(ROWS) as InsKey[]).map((key) => [Ins[key], { ...ROWS[key], ins: Ins[key] }] as const),
);

export function commandSpec(ins: number): CommandSpec | undefined {
  return COMMANDS.get(ins as InsCode);
}

/**
 * CmdHeader length for a command's data field, or undefined when the data
 * is shorter than the fixed header (the card answers LENGTH_ERROR).
 */
export function headerLengthFor(spec: CommandSpec, data: Uint8Array): number | undefined {
  if (spec.headerLengthBytes === 'all') return data.length;
  return data.length < spec.headerLengthBytes ? undefined : spec.headerLengthBytes;
}
