/**
 * CreateStdDataFile, CreateBackupDataFile, CreateValueFile,
 * CreateLinearRecordFile, CreateCyclicRecordFile, CreateTransactionMACFile,
 * and DeleteFile.
 *
 * Check order: application selected → length → authentication (key settings
 * bit 2 or the application master key) → parameters → duplicates → memory.
 */
import { decodeCreateFile, type DecodedCreateFile } from '../../protocol/file-create.js';
import { FileType, TM_KEY_OPTION_AES, encodeAccessRightsWordFromSettings } from './file-settings-bridge.js';
import { Ins } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { fileCostBytes } from '../image/memory.js';
import type { ApplicationImage, CardFile } from '../image/types.js';
import { CYCLIC_RECORD_COUNT_MIN, ISO_FILE_ID_LENGTH_BYTES, TMAC_VALUE_LENGTH_BYTES, TMAC_READER_ID_LENGTH_BYTES } from '../limits.js';
import { currentKeySettings, requireMasterKeyUnless, masterKeyAuthenticated } from './access.js';
import { fail, persistOutcome, planOk, selectedApplication, withApplication, type CardContext, type CommandHandler, type Outcome } from './types.js';

/** FileNo ‖ FileOption ‖ AR(2) ‖ TMKeyOption ‖ TMKey(16) ‖ TMKeyVersion (MF2DLHX0 §10.7.7). */
const CREATE_TMAC_FILE_LENGTH_BYTES = 22;
/** Plain payload lengths without ISO FID and without additional access rights (MF2DLHX0 §10.7). */
const CREATE_LENGTH_BYTES: Readonly<Record<number, number>> = {
  [Ins.CreateStdDataFile]: 7,
  [Ins.CreateBackupDataFile]: 7,
  [Ins.CreateValueFile]: 17,
  [Ins.CreateLinearRecordFile]: 10,
  [Ins.CreateCyclicRecordFile]: 10,
  [Ins.CreateTransactionMACFile]: CREATE_TMAC_FILE_LENGTH_BYTES,
};
const ISO_CAPABLE: readonly number[] = [Ins.CreateStdDataFile, Ins.CreateBackupDataFile, Ins.CreateLinearRecordFile, Ins.CreateCyclicRecordFile];

function createAllowed(ctx: CardContext, app: ApplicationImage, ins: number): number | null {
  if (ins === Ins.CreateTransactionMACFile) return masterKeyAuthenticated(ctx) ? null : DesfireStatus.AUTHENTICATION_ERROR;
  return requireMasterKeyUnless(ctx, currentKeySettings(ctx, app).freeCreateDelete);
}

function newFile(request: DecodedCreateFile): CardFile | number {
  const { fileNo, settings } = request;
  const common = {
    fileNo,
    isoFileId: request.isoFileId ?? null,
    commMode: settings.commMode,
    accessRightsWord: encodeAccessRightsWordFromSettings(settings),
  };
  if (settings.optionFlags !== 0 || settings.additionalAccessRights.length > 0) return DesfireStatus.PARAMETER_ERROR;
  switch (settings.fileType) {
    case FileType.StandardData:
    case FileType.BackupData:
      if (settings.fileSizeBytes === 0) return DesfireStatus.PARAMETER_ERROR;
      return { ...common, kind: settings.fileType === FileType.StandardData ? 'std' : 'backup', data: new Uint8Array(settings.fileSizeBytes) };
    case FileType.Value:
      if (settings.lowerLimit > settings.upperLimit) return DesfireStatus.PARAMETER_ERROR;
      if (settings.value < settings.lowerLimit || settings.value > settings.upperLimit) return DesfireStatus.BOUNDARY_ERROR;
      return {
        ...common,
        kind: 'value',
        lowerLimit: settings.lowerLimit,
        upperLimit: settings.upperLimit,
        value: settings.value,
        limitedCreditValue: 0,
        limitedCreditEnabled: settings.limitedCreditEnabled,
        freeGetValueEnabled: settings.freeGetValue,
      };
    case FileType.LinearRecord:
    case FileType.CyclicRecord: {
      const cyclic = settings.fileType === FileType.CyclicRecord;
      const countMin = cyclic ? CYCLIC_RECORD_COUNT_MIN : 1;
      if (settings.recordSizeBytes === 0 || settings.recordCountMax < countMin) return DesfireStatus.PARAMETER_ERROR;
      return { ...common, kind: cyclic ? 'cyclic' : 'linear', recordSizeBytes: settings.recordSizeBytes, recordCountMax: settings.recordCountMax, records: [] };
    }
    case FileType.TransactionMac:
      if (settings.tmKeyOption !== TM_KEY_OPTION_AES || request.tmKey === undefined) return DesfireStatus.PARAMETER_ERROR;
      return {
        ...common,
        kind: 'tmac',
        tmKey: request.tmKey.slice(),
        tmKeyVersion: settings.tmKeyVersion,
        tmc: 0,
        tmv: new Uint8Array(TMAC_VALUE_LENGTH_BYTES),
        readerId: new Uint8Array(TMAC_READER_ID_LENGTH_BYTES),
      };
  }
}

function costOf(file: CardFile): number {
  switch (file.kind) {
    case 'std':
    case 'backup':
      return fileCostBytes({ kind: file.kind, fileSizeBytes: file.data.length });
    case 'value':
    case 'tmac':
      return fileCostBytes({ kind: file.kind });
    case 'linear':
    case 'cyclic':
      return fileCostBytes({ kind: file.kind, recordSizeBytes: file.recordSizeBytes, recordCountMax: file.recordCountMax });
  }
}

function create(ctx: CardContext, ins: number, data: Uint8Array): Outcome {
  const app = selectedApplication(ctx);
  if (app === undefined) return fail(DesfireStatus.PERMISSION_DENIED);
  const baseLengthBytes = CREATE_LENGTH_BYTES[ins] ?? 0;
  const withIso = ISO_CAPABLE.includes(ins) && app.isoFileIdsEnabled && data.length === baseLengthBytes + ISO_FILE_ID_LENGTH_BYTES;
  if (data.length !== baseLengthBytes + (withIso ? ISO_FILE_ID_LENGTH_BYTES : 0)) return fail(DesfireStatus.LENGTH_ERROR);
  const denied = createAllowed(ctx, app, ins);
  if (denied !== null) return fail(denied);
  const decoded = decodeCreateFile({ ins, data, isoFileIdPresent: withIso });
  if (!decoded.ok) return fail(decoded.error === 'length_error' ? DesfireStatus.LENGTH_ERROR : DesfireStatus.PARAMETER_ERROR);
  const file = newFile(decoded.value);
  if (typeof file === 'number') return fail(file);
  const duplicate = app.files.some(
    (f) => f.fileNo === file.fileNo || (file.isoFileId !== null && f.isoFileId === file.isoFileId) || (file.kind === 'tmac' && f.kind === 'tmac'),
  );
  if (duplicate) return fail(DesfireStatus.DUPLICATE_ERROR);
  const costBytes = costOf(file);
  if (costBytes > ctx.image.eepromFreeBytes) return fail(DesfireStatus.OUT_OF_EEPROM_ERROR);
  const nextApp: ApplicationImage = { ...app, files: [...app.files, file], allocatedBytes: app.allocatedBytes + costBytes };
  return persistOutcome(ctx, { ...withApplication(ctx.image, nextApp), eepromFreeBytes: ctx.image.eepromFreeBytes - costBytes });
}

function creator(ins: number): CommandHandler {
  return { run: (ctx, data) => create(ctx, ins, data) };
}

export const createStdDataFile = creator(Ins.CreateStdDataFile);
export const createBackupDataFile = creator(Ins.CreateBackupDataFile);
export const createValueFile = creator(Ins.CreateValueFile);
export const createLinearRecordFile = creator(Ins.CreateLinearRecordFile);
export const createCyclicRecordFile = creator(Ins.CreateCyclicRecordFile);
/**
 * The TMKey travels enciphered; its plain length is fixed, which EV1/D40
 * unwrapping needs to find the CRC without guessing (sm/crc-frame.ts).
 */
export const createTransactionMACFile: CommandHandler = {
  plan: () => planOk({ plainDataLengthBytes: CREATE_TMAC_FILE_LENGTH_BYTES }),
  run: (ctx, data) => create(ctx, Ins.CreateTransactionMACFile, data),
};

/** DeleteFile: the file number becomes free again; its memory blocks are not released. */
export const deleteFile: CommandHandler = {
  run(ctx, data) {
    const app = selectedApplication(ctx);
    if (app === undefined) return fail(DesfireStatus.PERMISSION_DENIED);
    if (data.length !== 1) return fail(DesfireStatus.LENGTH_ERROR);
    const denied = requireMasterKeyUnless(ctx, currentKeySettings(ctx, app).freeCreateDelete);
    if (denied !== null) return fail(denied);
    const fileNo = data[0] ?? 0;
    if (!app.files.some((f) => f.fileNo === fileNo)) return fail(DesfireStatus.FILE_NOT_FOUND);
    const outcome = persistOutcome(ctx, withApplication(ctx.image, { ...app, files: app.files.filter((f) => f.fileNo !== fileNo) }));
    if (outcome.status === DesfireStatus.OPERATION_OK) ctx.session.transaction.forget(fileNo);
    return outcome;
  },
};
