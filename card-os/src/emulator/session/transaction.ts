/**
 * The pending (uncommitted) transaction of the selected application.
 *
 * Backup, Value and Record files change only here until CommitTransaction
 * copies the changes into the card image in one atomic step; reads always
 * see the committed image (EV1 data sheet remarks: "ReadData will always
 * retrieve the old, unchanged data", "GetValue … the old, unchanged value",
 * "ReadRecords will return the old still valid records").
 * SelectApplication, any authentication, AbortTransaction, an error status
 * and power off drop the whole transaction (session.ts decides when),
 * including its Transaction MAC input (transaction-mac-state.ts).
 */
import { CYCLIC_RECORD_SPARE_COUNT } from '../limits.js';
import type { ApplicationImage, BackupDataFile, CardFile, RecordFile, ValueFile } from '../image/types.js';
import { PendingTransactionMac } from './transaction-mac-state.js';

export interface PendingBackup {
  readonly kind: 'backup';
  data: Uint8Array;
}

export interface PendingValue {
  readonly kind: 'value';
  value: number;
  /** Sum of the Debits in this transaction; becomes the limited credit value at commit. */
  debitTotal: number;
  /** A LimitedCredit ran in this transaction: the limited credit value drops to 0 at commit. */
  limitedCreditUsed: boolean;
}

export interface PendingRecords {
  readonly kind: 'records';
  /** ClearRecordFile ran: the file is empty at commit, and WriteRecord is refused until then. */
  cleared: boolean;
  /** The record WriteRecord builds (every WriteRecord of one transaction writes into the same record). */
  newRecord: Uint8Array | null;
  /** UpdateRecord changes, by index into the committed records (oldest first). */
  readonly updates: Map<number, Uint8Array>;
}

export type PendingChange = PendingBackup | PendingValue | PendingRecords;

export class Transaction {
  readonly #changes = new Map<number, PendingChange>();
  /** TMI and reader ID of this transaction (used when the application has a Transaction MAC file). */
  readonly mac = new PendingTransactionMac();

  get isEmpty(): boolean {
    return this.#changes.size === 0;
  }

  get fileNos(): readonly number[] {
    return [...this.#changes.keys()].sort((a, b) => a - b);
  }

  clear(): void {
    this.#changes.clear();
    this.mac.clear();
  }

  /** Drops the pending change of one file (DeleteFile). */
  forget(fileNo: number): void {
    this.#changes.delete(fileNo);
  }

  /** The pending backup image, started from the committed data on first use. */
  backup(file: BackupDataFile): PendingBackup {
    const existing = this.#changes.get(file.fileNo);
    if (existing?.kind === 'backup') return existing;
    const created: PendingBackup = { kind: 'backup', data: file.data.slice() };
    this.#changes.set(file.fileNo, created);
    return created;
  }

  /** The pending value, started from the committed value on first use. */
  value(file: ValueFile): PendingValue {
    const existing = this.#changes.get(file.fileNo);
    if (existing?.kind === 'value') return existing;
    const created: PendingValue = { kind: 'value', value: file.value, debitTotal: 0, limitedCreditUsed: false };
    this.#changes.set(file.fileNo, created);
    return created;
  }

  peekRecords(fileNo: number): PendingRecords | undefined {
    const existing = this.#changes.get(fileNo);
    return existing?.kind === 'records' ? existing : undefined;
  }

  records(file: RecordFile): PendingRecords {
    const existing = this.peekRecords(file.fileNo);
    if (existing !== undefined) return existing;
    const created: PendingRecords = { kind: 'records', cleared: false, newRecord: null, updates: new Map() };
    this.#changes.set(file.fileNo, created);
    return created;
  }

  /** The application as it is after commit (a new object; the input is not touched). */
  appliedTo(app: ApplicationImage): ApplicationImage {
    const files = app.files.map((file) => {
      const change = this.#changes.get(file.fileNo);
      return change === undefined ? file : applyChange(file, change);
    });
    return { ...app, files };
  }
}

function applyChange(file: CardFile, change: PendingChange): CardFile {
  switch (change.kind) {
    case 'backup':
      return file.kind === 'backup' ? { ...file, data: change.data.slice() } : file;
    case 'value':
      if (file.kind !== 'value') return file;
      return {
        ...file,
        value: change.value,
        limitedCreditValue: change.limitedCreditUsed ? 0 : change.debitTotal > 0 ? change.debitTotal : file.limitedCreditValue,
      };
    case 'records':
      return file.kind === 'linear' || file.kind === 'cyclic' ? applyRecords(file, change) : file;
  }
}

function applyRecords(file: RecordFile, change: PendingRecords): RecordFile {
  let records = change.cleared ? [] : file.records.map((r, index) => (change.updates.get(index) ?? r).slice());
  if (change.newRecord !== null) {
    records = [...records, change.newRecord.slice()];
    const validCountMax = file.kind === 'cyclic' ? file.recordCountMax - CYCLIC_RECORD_SPARE_COUNT : file.recordCountMax;
    if (records.length > validCountMax) records = records.slice(records.length - validCountMax);
  }
  return { ...file, records };
}
