/**
 * Transaction MAC Input (TMI): what one successful command adds to the
 * input of the Transaction MAC (DESFire EV2/Light Transaction MAC feature;
 * MF2DLHX0 §10.3 "Transaction MAC"; AN12343 §5). The layout below is the one
 * NXP's public Reader Library builds on the host side (NxpNfcRdLib
 * phTMIUtils_CollectTMI and its callers in phalMfdfEVx_Sw.c /
 * phalMfdfLight_Sw.c), the best public source; the data sheet text itself
 * was not available to us (see card-os/README.md "Doubts").
 *
 * Every entry is a whole number of 16-byte blocks ("pad" = zero bytes up
 * to the next multiple of 16, none when aligned):
 *   ReadData, ReadRecords        pad(Cmd ‖ CmdHeader) ‖ pad(response data)
 *   WriteData, WriteRecord,
 *   UpdateRecord                 pad(Cmd ‖ CmdHeader) ‖ pad(command data)
 *   GetValue                     pad(Cmd ‖ FileNo ‖ Value)
 *   Credit, Debit, LimitedCredit pad(Cmd ‖ FileNo ‖ Amount)
 *   ClearRecordFile              pad(Cmd ‖ FileNo)
 *   CommitReaderID               pad(Cmd ‖ TMRI ‖ EncTMRI)   (EncTMRI only when authenticated)
 * A ReadData with Length 0 ("to the end") puts the number of bytes read in
 * the Length field; a ReadRecords with RecCount 0 the number of records read.
 * Cmd is the INS byte actually sent (0xBD or 0xAD …). Data is always plain
 * (before secure messaging). Other commands add nothing.
 */
import { concatBytes, readUintLe, uintLe } from '@onecard/keys';
import { commandSpec, type CommandName } from '../protocol/commands.js';

export const TMI_BLOCK_BYTES = 16;
/** ReadData / ReadRecords: FileNo ‖ Offset-or-RecNo(3) ‖ Length-or-RecCount(3). */
const READ_HEADER_BYTES = 7;
const COUNT_AT = 4;
const COUNT_BYTES = 3;

export interface TmiCommand {
  readonly name: CommandName;
  readonly ins: number;
  /** Plain command data after INS (CmdHeader ‖ data). */
  readonly command: Uint8Array;
  /** Plain response data (all frames joined). */
  readonly response: Uint8Array;
  /** ReadRecords with RecCount 0: the file's record size, to put the number of records read in the TMI. */
  readonly recordSizeBytes?: number;
}

/** Zero bytes up to the next multiple of 16 (nothing when aligned or empty). */
export function padToTmiBlock(data: Uint8Array): Uint8Array {
  const paddedBytes = Math.ceil(data.length / TMI_BLOCK_BYTES) * TMI_BLOCK_BYTES;
  if (paddedBytes === data.length) return data.slice();
  const out = new Uint8Array(paddedBytes);
  out.set(data);
  return out;
}

function split(ins: number, header: Uint8Array, data: Uint8Array): Uint8Array {
  return concatBytes(padToTmiBlock(concatBytes(Uint8Array.of(ins), header)), padToTmiBlock(data));
}

function joined(ins: number, ...parts: Uint8Array[]): Uint8Array {
  return padToTmiBlock(concatBytes(Uint8Array.of(ins), ...parts));
}

/** The read header with a zero Length / RecCount replaced by what was actually read. */
function readHeader(command: Uint8Array, actualCount: () => number): Uint8Array {
  const header = command.slice(0, READ_HEADER_BYTES);
  if (readUintLe(header, COUNT_AT, COUNT_BYTES) === 0) header.set(uintLe(actualCount(), COUNT_BYTES), COUNT_AT);
  return header;
}

function headerLengthOf(ins: number, command: Uint8Array): number {
  const headerLengthBytes = commandSpec(ins)?.headerLengthBytes;
  if (typeof headerLengthBytes !== 'number' || command.length < headerLengthBytes) throw new RangeError('command is shorter than its CmdHeader');
  return headerLengthBytes;
}

/** The TMI entry of one successful command, or null when the command does not update the TMI. */
export function tmiEntry(input: TmiCommand): Uint8Array | null {
  const { name, ins, command, response } = input;
  switch (name) {
    case 'readData':
      return split(ins, readHeader(command, () => response.length), response);
    case 'readRecords':
      return split(
        ins,
        readHeader(command, () => {
          const recordSizeBytes = input.recordSizeBytes;
          if (recordSizeBytes === undefined || recordSizeBytes <= 0 || response.length % recordSizeBytes !== 0) {
            throw new RangeError('ReadRecords of all records needs the record size');
          }
          return response.length / recordSizeBytes;
        }),
        response,
      );
    case 'writeData':
    case 'writeRecord':
    case 'updateRecord': {
      const headerLengthBytes = headerLengthOf(ins, command);
      return split(ins, command.subarray(0, headerLengthBytes), command.subarray(headerLengthBytes));
    }
    case 'getValue':
    case 'commitReaderID':
      return joined(ins, command, response);
    case 'credit':
    case 'debit':
    case 'limitedCredit':
    case 'clearRecordFile':
      return joined(ins, command);
    case 'authenticateLegacy':
    case 'authenticateISO':
    case 'authenticateAES':
    case 'authenticateEV2First':
    case 'authenticateEV2NonFirst':
    case 'changeKeySettings':
    case 'setConfiguration':
    case 'changeKey':
    case 'getKeySettings':
    case 'getKeyVersion':
    case 'createApplication':
    case 'deleteApplication':
    case 'selectApplication':
    case 'formatPICC':
    case 'getVersion':
    case 'getApplicationIDs':
    case 'getDFNames':
    case 'getFreeMemory':
    case 'getCardUID':
    case 'getFileIDs':
    case 'getISOFileIDs':
    case 'getFileSettings':
    case 'changeFileSettings':
    case 'createStdDataFile':
    case 'createBackupDataFile':
    case 'createValueFile':
    case 'createLinearRecordFile':
    case 'createCyclicRecordFile':
    case 'createTransactionMACFile':
    case 'deleteFile':
    case 'commitTransaction':
    case 'abortTransaction':
    case 'additionalFrame':
      return null;
  }
}
