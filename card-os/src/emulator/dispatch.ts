/**
 * INS → handler, through the protocol's command names with an exhaustive switch.
 */
import type { CommandName } from '../protocol/commands.js';
import { createApplication, deleteApplication, getApplicationIDs, getDFNames, selectApplication } from './commands/applications.js';
import { authenticateAES, authenticateEV2First, authenticateEV2NonFirst, authenticateISO, authenticateLegacy } from './commands/authenticate.js';
import { changeKey } from './commands/change-key.js';
import {
  createBackupDataFile,
  createCyclicRecordFile,
  createLinearRecordFile,
  createStdDataFile,
  createTransactionMACFile,
  createValueFile,
  deleteFile,
} from './commands/create-file.js';
import { readData, writeData } from './commands/data-files.js';
import { changeFileSettings, getFileIDs, getFileSettings, getISOFileIDs } from './commands/file-directory.js';
import { changeKeySettings, getKeySettings, getKeyVersion } from './commands/key-settings.js';
import { formatPICC, getCardUID, getFreeMemory, getVersion, setConfiguration } from './commands/picc.js';
import { clearRecordFile, readRecords, updateRecord, writeRecord } from './commands/records.js';
import { commitReaderID } from './commands/transaction-mac.js';
import { abortTransaction, commitTransaction } from './commands/transactions.js';
import type { CommandHandler } from './commands/types.js';
import { unsupported } from './commands/unsupported.js';
import { credit, debit, getValue, limitedCredit } from './commands/values.js';

export function handlerFor(name: CommandName): CommandHandler {
  switch (name) {
    case 'authenticateLegacy':
      return authenticateLegacy;
    case 'authenticateISO':
      return authenticateISO;
    case 'authenticateAES':
      return authenticateAES;
    case 'authenticateEV2First':
      return authenticateEV2First;
    case 'authenticateEV2NonFirst':
      return authenticateEV2NonFirst;
    case 'changeKeySettings':
      return changeKeySettings;
    case 'setConfiguration':
      return setConfiguration;
    case 'changeKey':
      return changeKey;
    case 'getKeySettings':
      return getKeySettings;
    case 'getKeyVersion':
      return getKeyVersion;
    case 'createApplication':
      return createApplication;
    case 'deleteApplication':
      return deleteApplication;
    case 'selectApplication':
      return selectApplication;
    case 'formatPICC':
      return formatPICC;
    case 'getVersion':
      return getVersion;
    case 'getApplicationIDs':
      return getApplicationIDs;
    case 'getDFNames':
      return getDFNames;
    case 'getFreeMemory':
      return getFreeMemory;
    case 'getCardUID':
      return getCardUID;
    case 'getFileIDs':
      return getFileIDs;
    case 'getISOFileIDs':
      return getISOFileIDs;
    case 'getFileSettings':
      return getFileSettings;
    case 'changeFileSettings':
      return changeFileSettings;
    case 'createStdDataFile':
      return createStdDataFile;
    case 'createBackupDataFile':
      return createBackupDataFile;
    case 'createValueFile':
      return createValueFile;
    case 'createLinearRecordFile':
      return createLinearRecordFile;
    case 'createCyclicRecordFile':
      return createCyclicRecordFile;
    case 'createTransactionMACFile':
      return createTransactionMACFile;
    case 'deleteFile':
      return deleteFile;
    case 'readData':
      return readData;
    case 'writeData':
      return writeData;
    case 'getValue':
      return getValue;
    case 'credit':
      return credit;
    case 'debit':
      return debit;
    case 'limitedCredit':
      return limitedCredit;
    case 'writeRecord':
      return writeRecord;
    case 'updateRecord':
      return updateRecord;
    case 'readRecords':
      return readRecords;
    case 'clearRecordFile':
      return clearRecordFile;
    case 'commitTransaction':
      return commitTransaction;
    case 'abortTransaction':
      return abortTransaction;
    case 'commitReaderID':
      return commitReaderID;
    case 'additionalFrame':
      // AF is consumed by the processor's chaining; reaching here means nothing to continue.
      return unsupported;
  }
}
