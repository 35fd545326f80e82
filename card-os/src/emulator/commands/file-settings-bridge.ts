/**
 * Converts between the protocol's file-settings codec and the image's
 * compact file records.
 */
import { encodeAccessRightsWord } from '../../protocol/access-rights.js';
import { FileType, TM_KEY_OPTION_AES, type FileSettings } from '../../protocol/file-settings.js';
import { decodeAccessRightsWord } from '../../protocol/access-rights.js';
import type { CardFile } from '../image/types.js';

export { FileType, TM_KEY_OPTION_AES };

export function encodeAccessRightsWordFromSettings(settings: FileSettings): number {
  return encodeAccessRightsWord(settings.accessRights);
}

/** The GetFileSettings view of a committed file. */
export function fileSettingsOf(file: CardFile): FileSettings {
  const common = { commMode: file.commMode, optionFlags: 0, accessRights: decodeAccessRightsWord(file.accessRightsWord), additionalAccessRights: [] };
  switch (file.kind) {
    case 'std':
      return { ...common, fileType: FileType.StandardData, fileSizeBytes: file.data.length };
    case 'backup':
      return { ...common, fileType: FileType.BackupData, fileSizeBytes: file.data.length };
    case 'value':
      return {
        ...common,
        fileType: FileType.Value,
        lowerLimit: file.lowerLimit,
        upperLimit: file.upperLimit,
        value: file.limitedCreditValue,
        limitedCreditEnabled: file.limitedCreditEnabled,
        freeGetValue: file.freeGetValueEnabled,
      };
    case 'linear':
    case 'cyclic':
      return {
        ...common,
        fileType: file.kind === 'linear' ? FileType.LinearRecord : FileType.CyclicRecord,
        recordSizeBytes: file.recordSizeBytes,
        recordCountMax: file.recordCountMax,
        recordCount: file.records.length,
      };
    case 'tmac':
      return { ...common, fileType: FileType.TransactionMac, tmKeyOption: TM_KEY_OPTION_AES, tmKeyVersion: file.tmKeyVersion };
  }
}
