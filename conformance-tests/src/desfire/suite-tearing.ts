/**
 * Tearing: a transaction that never reaches CommitTransaction changes
 * nothing. Losing power (the card leaves the field), selecting an
 * application and starting an authentication all drop the pending changes
 * of backup, value and record files (MF2DLHX0 §10.9; EV1 data sheet: "an
 * uncommitted transaction is aborted"); committed changes stay.
 */
import {
  commitTransaction,
  debit,
  getValue,
  readData,
  readRecords,
  selectApplication,
  writeData,
  writeRecord,
  type DesfireClient,
} from '@onecard/card-os';
import { beforeAll, describe, expect, it } from 'vitest';
import { EV2_AES, authenticate, authenticatePicc, createAndSelectApp, createDataFile, createRecordFile, createValueFile, formatCard, must, pattern } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const AID = 0x00ea11;
const BACKUP = 1;
const PURSE = 2;
const TRIPS = 3;
const BACKUP_SIZE_BYTES = 24;
const RECORD_SIZE_BYTES = 16;
const INITIAL_VALUE = 20_000;
const FARE = 7_000;

interface CardState {
  readonly backup: Uint8Array;
  readonly value: number;
  readonly recordCount: number;
}

export function tearingCases(ctx: SuiteContext): void {
  describe('tearing and transactions', () => {
    beforeAll(async () => {
      const client = ctx.client();
      await formatCard(client);
      await authenticatePicc(client);
      await createAndSelectApp(client, { aid: AID, keyType: 'aes128', keyCount: 1 });
      await authenticate(client, EV2_AES, { keyNo: 0 });
      must(await createDataFile(client, { fileNo: BACKUP, backup: true, mode: 'full', sizeBytes: BACKUP_SIZE_BYTES }), 'create backup');
      must(await createValueFile(client, { fileNo: PURSE, mode: 'mac', lowerLimit: 0, upperLimit: 1_000_000, value: INITIAL_VALUE, limitedCredit: false }), 'create purse');
      must(await createRecordFile(client, { fileNo: TRIPS, cyclic: true, mode: 'full', recordSizeBytes: RECORD_SIZE_BYTES, recordCountMax: 6 }), 'create trips');
    });

    const session = async (client: DesfireClient = ctx.client()): Promise<DesfireClient> => {
      must(await selectApplication(client, AID), 'select');
      await authenticate(client, EV2_AES, { keyNo: 0 });
      return client;
    };
    const stateOf = async (client: DesfireClient): Promise<CardState> => {
      const records = await readRecords(client, { fileNo: TRIPS, mode: 'full', recordNo: 0, recordCount: 0, recordSizeBytes: RECORD_SIZE_BYTES });
      const recordCount = records.ok ? records.value.length : 0;
      if (!records.ok) {
        expect(records.reason).toBe('boundary_error'); // empty file; the error ended the session
        await session(client);
      }
      return {
        backup: must(await readData(client, { fileNo: BACKUP, mode: 'full', offsetBytes: 0, lengthBytes: BACKUP_SIZE_BYTES }), 'ReadData'),
        value: must(await getValue(client, { fileNo: PURSE, mode: 'mac' }), 'GetValue'),
        recordCount,
      };
    };
    /** A bus tap up to, not including, CommitTransaction. */
    const uncommittedTap = async (client: DesfireClient, seed: number): Promise<void> => {
      must(await writeData(client, { fileNo: BACKUP, mode: 'full', offsetBytes: 0, data: pattern(BACKUP_SIZE_BYTES, seed) }), 'WriteData');
      must(await debit(client, { fileNo: PURSE, mode: 'mac', amount: FARE }), 'Debit');
      must(await writeRecord(client, { fileNo: TRIPS, mode: 'full', offsetBytes: 0, data: pattern(RECORD_SIZE_BYTES, seed) }), 'WriteRecord');
    };

    it.runIf(ctx.target.reconnectPowerCycles)('the card leaving the field before CommitTransaction loses the whole tap', async () => {
      const before = await stateOf(await session());
      await uncommittedTap(ctx.client(), 1);
      const after = await stateOf(await session(await ctx.reconnect()));
      expect(after).toEqual(before);
    });

    it('SelectApplication before CommitTransaction drops the pending changes', async () => {
      const client = await session();
      const before = await stateOf(client);
      await uncommittedTap(client, 2);
      must(await selectApplication(client, AID), 'select again');
      expect(await stateOf(await session())).toEqual(before);
    });

    it('a new authentication before CommitTransaction drops the pending changes', async () => {
      const client = await session();
      const before = await stateOf(client);
      await uncommittedTap(client, 3);
      await authenticate(client, EV2_AES, { keyNo: 0 });
      expect(await stateOf(client)).toEqual(before);
    });

    it('a committed tap survives the card leaving the field', async () => {
      const client = await session();
      const before = await stateOf(client);
      await uncommittedTap(client, 4);
      must(await commitTransaction(client, { returnTransactionMac: false }), 'Commit');
      const reopened = await session(await ctx.reconnect());
      expect(await stateOf(reopened)).toEqual({ backup: pattern(BACKUP_SIZE_BYTES, 4), value: before.value - FARE, recordCount: before.recordCount + 1 });
    });
  });
}
