/**
 * Data, value and record files, and transactions (MF2DLHX0 §10.8-10.9;
 * libfreefare mifare_desfire_read_data, _credit, _write_record …). Commands
 * on a file take the file's communication mode: the caller knows it from the
 * card profile (or from getFileSettings).
 */
import { concatBytes, readUintLe, uintLe } from '@onecard/keys';
import { Ins } from '../protocol/commands.js';
import type { CommunicationMode } from '../protocol/commands.js';
import { decodeValueLe, encodeValueLe } from '../protocol/file-settings.js';
import type { CardResult, DesfireClient } from './client.js';
import { HostError } from './errors.js';
import { mapValue } from './result.js';

const OFFSET_BYTES = 3;
export const VALUE_BYTES = 4;
const TMC_BYTES = 4;
const TMV_BYTES = 8;
export const READER_ID_BYTES = 16;
/** CommitTransaction option: return TMC ‖ TMV (MF2DLHX0 §10.9.1). */
const COMMIT_OPTION_RETURN_TMAC = 0x01;
/** 3-byte offset/length fields: the largest file the protocol can address. */
export const FILE_OFFSET_MAX = 0xffffff;

interface FileRef {
  readonly fileNo: number;
  readonly mode: CommunicationMode;
}

function u24(value: number, name: string): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > FILE_OFFSET_MAX) throw new HostError('invalid_argument', `${name} must be 0..${FILE_OFFSET_MAX}`);
  return uintLe(value, OFFSET_BYTES);
}

function done(result: CardResult<Uint8Array>): CardResult<void> {
  return mapValue(result, () => undefined);
}

/** ReadData; `lengthBytes` 0 reads to the end of the file. */
export async function readData(client: DesfireClient, options: FileRef & { offsetBytes: number; lengthBytes: number }): Promise<CardResult<Uint8Array>> {
  const header = concatBytes(Uint8Array.of(options.fileNo), u24(options.offsetBytes, 'offset'), u24(options.lengthBytes, 'length'));
  const r = await client.exec({ ins: Ins.ReadData, header, fileMode: options.mode, ...(options.lengthBytes > 0 ? { plainLengthBytes: options.lengthBytes } : {}) });
  if (r.ok && options.lengthBytes > 0 && r.value.length !== options.lengthBytes) throw new HostError('malformed_response', 'ReadData answer has the wrong length');
  return r;
}

export async function writeData(client: DesfireClient, options: FileRef & { offsetBytes: number; data: Uint8Array }): Promise<CardResult<void>> {
  const header = concatBytes(Uint8Array.of(options.fileNo), u24(options.offsetBytes, 'offset'), u24(options.data.length, 'length'));
  return done(await client.exec({ ins: Ins.WriteData, header, data: options.data, fileMode: options.mode }));
}

export async function getValue(client: DesfireClient, options: FileRef): Promise<CardResult<number>> {
  const r = await client.exec({ ins: Ins.GetValue, header: Uint8Array.of(options.fileNo), fileMode: options.mode, plainLengthBytes: VALUE_BYTES });
  return mapValue(r, (b) => {
    if (b.length !== VALUE_BYTES) throw new HostError('malformed_response', 'GetValue answer has the wrong length');
    return decodeValueLe(b, 0);
  });
}

type ValueIns = typeof Ins.Credit | typeof Ins.Debit | typeof Ins.LimitedCredit;

async function valueOperation(client: DesfireClient, ins: ValueIns, options: FileRef & { amount: number }): Promise<CardResult<void>> {
  if (!Number.isInteger(options.amount) || options.amount < 0) throw new HostError('invalid_argument', 'amount must be a non-negative integer');
  return done(await client.exec({ ins, header: Uint8Array.of(options.fileNo), data: encodeValueLe(options.amount), fileMode: options.mode }));
}

/** Credit (needs the file's ReadWrite key); effective at CommitTransaction. */
export function credit(client: DesfireClient, options: FileRef & { amount: number }): Promise<CardResult<void>> {
  return valueOperation(client, Ins.Credit, options);
}
/** Debit (Read, Write or ReadWrite key); effective at CommitTransaction. */
export function debit(client: DesfireClient, options: FileRef & { amount: number }): Promise<CardResult<void>> {
  return valueOperation(client, Ins.Debit, options);
}
/** LimitedCredit (Write key): at most the debits of the last debiting transaction. */
export function limitedCredit(client: DesfireClient, options: FileRef & { amount: number }): Promise<CardResult<void>> {
  return valueOperation(client, Ins.LimitedCredit, options);
}

export async function writeRecord(client: DesfireClient, options: FileRef & { offsetBytes: number; data: Uint8Array }): Promise<CardResult<void>> {
  const header = concatBytes(Uint8Array.of(options.fileNo), u24(options.offsetBytes, 'offset'), u24(options.data.length, 'length'));
  return done(await client.exec({ ins: Ins.WriteRecord, header, data: options.data, fileMode: options.mode }));
}

export async function updateRecord(client: DesfireClient, options: FileRef & { recordNo: number; offsetBytes: number; data: Uint8Array }): Promise<CardResult<void>> {
  const header = concatBytes(
    Uint8Array.of(options.fileNo),
    u24(options.recordNo, 'record number'),
    u24(options.offsetBytes, 'offset'),
    u24(options.data.length, 'length'),
  );
  return done(await client.exec({ ins: Ins.UpdateRecord, header, data: options.data, fileMode: options.mode }));
}

/**
 * ReadRecords: `recordNo` is counted back from the newest record (0 = the
 * newest); `recordCount` 0 reads all from there back to the oldest. The card
 * answers in chronological order (oldest first, MF2DLHX0 §10.8.8); the
 * records come back split by `recordSizeBytes` in that order.
 */
export async function readRecords(
  client: DesfireClient,
  options: FileRef & { recordNo: number; recordCount: number; recordSizeBytes: number },
): Promise<CardResult<Uint8Array[]>> {
  if (!Number.isInteger(options.recordSizeBytes) || options.recordSizeBytes <= 0) throw new HostError('invalid_argument', 'recordSizeBytes must be positive');
  const header = concatBytes(Uint8Array.of(options.fileNo), u24(options.recordNo, 'record number'), u24(options.recordCount, 'record count'));
  const expectedBytes = options.recordCount > 0 ? options.recordCount * options.recordSizeBytes : undefined;
  const r = await client.exec({ ins: Ins.ReadRecords, header, fileMode: options.mode, ...(expectedBytes === undefined ? {} : { plainLengthBytes: expectedBytes }) });
  return mapValue(r, (b) => {
    if (b.length % options.recordSizeBytes !== 0) throw new HostError('malformed_response', 'ReadRecords answer is not a whole number of records');
    const records: Uint8Array[] = [];
    for (let i = 0; i < b.length; i += options.recordSizeBytes) records.push(b.slice(i, i + options.recordSizeBytes));
    return records;
  });
}

export async function clearRecordFile(client: DesfireClient, fileNo: number): Promise<CardResult<void>> {
  return done(await client.exec({ ins: Ins.ClearRecordFile, header: Uint8Array.of(fileNo) }));
}

export interface TransactionMac {
  /** Transaction MAC counter after this commit. */
  readonly tmc: number;
  /** Transaction MAC value (8 bytes), verifiable by whoever holds the AppTransactionMACKey. */
  readonly tmv: Uint8Array;
}

/** CommitTransaction; with `returnTransactionMac` the card answers TMC ‖ TMV (needs a TransactionMAC file). */
export async function commitTransaction(client: DesfireClient, options: { returnTransactionMac: boolean }): Promise<CardResult<TransactionMac | undefined>> {
  const header = options.returnTransactionMac ? Uint8Array.of(COMMIT_OPTION_RETURN_TMAC) : new Uint8Array(0);
  return mapValue(await client.exec({ ins: Ins.CommitTransaction, header }), (b) => {
    if (!options.returnTransactionMac) return undefined;
    if (b.length !== TMC_BYTES + TMV_BYTES) throw new HostError('malformed_response', 'CommitTransaction answer has the wrong length');
    return { tmc: readUintLe(b, 0, TMC_BYTES), tmv: b.slice(TMC_BYTES) };
  });
}

export async function abortTransaction(client: DesfireClient): Promise<CardResult<void>> {
  return done(await client.exec({ ins: Ins.AbortTransaction }));
}

/** CommitReaderID: records this reader's 16-byte id in the transaction; answers the previous one (encrypted, EV2). */
export async function commitReaderID(client: DesfireClient, readerId: Uint8Array): Promise<CardResult<Uint8Array>> {
  if (readerId.length !== READER_ID_BYTES) throw new HostError('invalid_argument', `reader id must be ${READER_ID_BYTES} bytes`);
  return client.exec({ ins: Ins.CommitReaderID, header: readerId });
}
