/**
 * Record files (MF2DLHX0 §10.8.5-10.8.8; EV1 data sheet remarks): a full
 * linear file refuses the next record with boundary_error, a cyclic file
 * drops its oldest record (one slot of recordCountMax stays spare), every
 * WriteRecord of a transaction writes the same new record, ClearRecordFile
 * empties at commit, UpdateRecord (EV2) changes a committed record.
 */
import {
  clearRecordFile,
  commitTransaction,
  readRecords,
  selectApplication,
  updateRecord,
  writeRecord,
  type DesfireClient,
} from '@onecard/card-os';
import { beforeAll, describe, expect, it } from 'vitest';
import { EV2_AES, authenticate, authenticatePicc, createAndSelectApp, createRecordFile, expectFailure, formatCard, must, pattern } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const AID = 0x00ec01;
const LINEAR = 1;
const CYCLIC = 2;
const RECORD_SIZE_BYTES = 16;
const LINEAR_RECORDS_MAX = 3;
/** Created with 4 slots: 3 valid records (one spare for the wrap). */
const CYCLIC_SLOTS = 4;
const CYCLIC_VALID_RECORDS = CYCLIC_SLOTS - 1;

export function recordCases(ctx: SuiteContext): void {
  describe('record files', () => {
    beforeAll(async () => {
      const client = ctx.client();
      await formatCard(client);
      await authenticatePicc(client);
      await createAndSelectApp(client, { aid: AID, keyType: 'aes128', keyCount: 1 });
      await authenticate(client, EV2_AES, { keyNo: 0 });
      must(await createRecordFile(client, { fileNo: LINEAR, cyclic: false, mode: 'mac', recordSizeBytes: RECORD_SIZE_BYTES, recordCountMax: LINEAR_RECORDS_MAX }), 'create linear');
      must(await createRecordFile(client, { fileNo: CYCLIC, cyclic: true, mode: 'full', recordSizeBytes: RECORD_SIZE_BYTES, recordCountMax: CYCLIC_SLOTS }), 'create cyclic');
    });

    const session = async (): Promise<DesfireClient> => {
      const client = ctx.client();
      must(await selectApplication(client, AID), 'select');
      await authenticate(client, EV2_AES, { keyNo: 0 });
      return client;
    };
    const all = async (client: DesfireClient, fileNo: number): Promise<Uint8Array[]> =>
      must(await readRecords(client, { fileNo, mode: fileNo === LINEAR ? 'mac' : 'full', recordNo: 0, recordCount: 0, recordSizeBytes: RECORD_SIZE_BYTES }), 'ReadRecords');
    const append = async (client: DesfireClient, fileNo: number, record: Uint8Array): Promise<void> => {
      must(await writeRecord(client, { fileNo, mode: fileNo === LINEAR ? 'mac' : 'full', offsetBytes: 0, data: record }), 'WriteRecord');
      must(await commitTransaction(client, { returnTransactionMac: false }), 'Commit');
    };

    it('an empty record file answers boundary_error to ReadRecords', async () => {
      const client = await session();
      expectFailure(await readRecords(client, { fileNo: LINEAR, mode: 'mac', recordNo: 0, recordCount: 0, recordSizeBytes: RECORD_SIZE_BYTES }), 'boundary_error');
    });

    it('a full linear file refuses another record with boundary_error and keeps its records', async () => {
      const client = await session();
      const written = [1, 2, 3].map((n) => pattern(RECORD_SIZE_BYTES, n));
      for (const record of written) await append(client, LINEAR, record);
      expectFailure(await writeRecord(client, { fileNo: LINEAR, mode: 'mac', offsetBytes: 0, data: pattern(RECORD_SIZE_BYTES, 9) }), 'boundary_error');
      expect(await all(await session(), LINEAR)).toEqual(written);
    });

    it('ReadRecords counts back from the newest and answers oldest first; past the count is boundary_error', async () => {
      const client = await session();
      const newestTwo = must(await readRecords(client, { fileNo: LINEAR, mode: 'mac', recordNo: 0, recordCount: 2, recordSizeBytes: RECORD_SIZE_BYTES }), 'ReadRecords');
      expect(newestTwo).toEqual([pattern(RECORD_SIZE_BYTES, 2), pattern(RECORD_SIZE_BYTES, 3)]);
      expectFailure(await readRecords(client, { fileNo: LINEAR, mode: 'mac', recordNo: 1, recordCount: 3, recordSizeBytes: RECORD_SIZE_BYTES }), 'boundary_error');
    });

    it('a cyclic file wraps: after five records it holds the newest three', async () => {
      const client = await session();
      const written = [1, 2, 3, 4, 5].map((n) => pattern(RECORD_SIZE_BYTES, 0x50 + n));
      for (const record of written) await append(client, CYCLIC, record);
      expect(await all(client, CYCLIC)).toEqual(written.slice(-CYCLIC_VALID_RECORDS));
    });

    it('WriteRecords of one transaction fill one new record; writing past the record size is boundary_error', async () => {
      const client = await session();
      must(await writeRecord(client, { fileNo: CYCLIC, mode: 'full', offsetBytes: 0, data: pattern(8, 0xa0) }), 'WriteRecord first half');
      must(await writeRecord(client, { fileNo: CYCLIC, mode: 'full', offsetBytes: 8, data: pattern(8, 0xb0) }), 'WriteRecord second half');
      must(await commitTransaction(client, { returnTransactionMac: false }), 'Commit');
      const records = await all(client, CYCLIC);
      expect(records.at(-1)).toEqual(Uint8Array.from([...pattern(8, 0xa0), ...pattern(8, 0xb0)]));
      expectFailure(await writeRecord(client, { fileNo: CYCLIC, mode: 'full', offsetBytes: 10, data: pattern(7, 0) }), 'boundary_error');
    });

    it('UpdateRecord changes a committed record at commit', async () => {
      const client = await session();
      must(await updateRecord(client, { fileNo: LINEAR, mode: 'mac', recordNo: 0, offsetBytes: 4, data: Uint8Array.of(0xee, 0xee) }), 'UpdateRecord');
      must(await commitTransaction(client, { returnTransactionMac: false }), 'Commit');
      const expected = pattern(RECORD_SIZE_BYTES, 3);
      expected.set([0xee, 0xee], 4);
      expect((await all(client, LINEAR)).at(-1)).toEqual(expected);
    });

    it('ClearRecordFile empties the file at commit; then it takes records again', async () => {
      const client = await session();
      must(await clearRecordFile(client, LINEAR), 'ClearRecordFile');
      expect(await all(client, LINEAR)).toHaveLength(LINEAR_RECORDS_MAX);
      must(await commitTransaction(client, { returnTransactionMac: false }), 'Commit');
      expectFailure(await readRecords(client, { fileNo: LINEAR, mode: 'mac', recordNo: 0, recordCount: 0, recordSizeBytes: RECORD_SIZE_BYTES }), 'boundary_error');
      const fresh = await session();
      await append(fresh, LINEAR, pattern(RECORD_SIZE_BYTES, 0x77));
      expect(await all(fresh, LINEAR)).toEqual([pattern(RECORD_SIZE_BYTES, 0x77)]);
    });
  });
}
