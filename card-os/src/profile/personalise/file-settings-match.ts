/**
 * Whether a file found on the card is the file the profile would create:
 * same type, communication mode, access rights and dimensions. Values that
 * change in use (balance, limited-credit value, record count) are ignored.
 */
import { encodeAccessRightsWord } from '../../protocol/access-rights.js';
import { FileType, type FileSettings } from '../../protocol/file-settings.js';

export function fileSettingsMatch(actual: FileSettings, expected: FileSettings): boolean {
  if (actual.fileType !== expected.fileType || actual.commMode !== expected.commMode) return false;
  if (encodeAccessRightsWord(actual.accessRights) !== encodeAccessRightsWord(expected.accessRights)) return false;
  if (actual.additionalAccessRights.length !== expected.additionalAccessRights.length) return false;
  switch (expected.fileType) {
    case FileType.StandardData:
    case FileType.BackupData:
      return actual.fileType === expected.fileType && actual.fileSizeBytes === expected.fileSizeBytes;
    case FileType.Value:
      return (
        actual.fileType === FileType.Value &&
        actual.lowerLimit === expected.lowerLimit &&
        actual.upperLimit === expected.upperLimit &&
        actual.limitedCreditEnabled === expected.limitedCreditEnabled &&
        actual.freeGetValue === expected.freeGetValue
      );
    case FileType.LinearRecord:
    case FileType.CyclicRecord:
      return actual.fileType === expected.fileType && actual.recordSizeBytes === expected.recordSizeBytes && actual.recordCountMax === expected.recordCountMax;
    case FileType.TransactionMac:
      return actual.fileType === FileType.TransactionMac && actual.tmKeyOption === expected.tmKeyOption;
  }
}
