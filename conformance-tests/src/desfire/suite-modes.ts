/**
 * Data in every communication mode under every secure-messaging scheme:
 * plain, MACed and fully enciphered files read and written inside D40,
 * EV1 (DES, 3K3DES, AES) and EV2 sessions, with answers and commands long
 * enough to chain over several 0xAF frames (MF2DLHX0 §9.2, §10.8).
 */
import {
  commitTransaction,
  credit,
  debit,
  getValue,
  readData,
  readRecords,
  selectApplication,
  writeData,
  writeRecord,
  type CommunicationMode,
  type DesfireClient,
} from '@onecard/card-os';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMES, authenticate, authenticatePicc, createAndSelectApp, createDataFile, createRecordFile, createValueFile, formatCard, must, pattern, type SchemeProfile } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const MODES: readonly CommunicationMode[] = ['plain', 'mac', 'full'];
/** Longer than one frame (59 data bytes) both ways: exercises AF chaining under secure messaging. */
const DATA_FILE_SIZE_BYTES = 64;
const RECORD_SIZE_BYTES = 20;
const RECORD_COUNT_MAX = 4;
const VALUE_UPPER_LIMIT = 1_000_000;
const APP_AID_BASE = 0x00c000;

/** File numbers per mode: std data, backup data, value, cyclic record. */
const FILES: Readonly<Record<CommunicationMode, { std: number; backup: number; value: number; record: number }>> = {
  plain: { std: 0x01, backup: 0x02, value: 0x03, record: 0x04 },
  mac: { std: 0x11, backup: 0x12, value: 0x13, record: 0x14 },
  full: { std: 0x1a, backup: 0x1b, value: 0x1c, record: 0x1d },
};

export function modeCases(ctx: SuiteContext): void {
  describe('communication modes × secure-messaging schemes', () => {
    beforeAll(async () => {
      const client = ctx.client();
      await formatCard(client);
      for (const [index, profile] of SCHEMES.entries()) {
        await authenticatePicc(client);
        await createAndSelectApp(client, { aid: APP_AID_BASE + index, keyType: profile.appKeyType, keyCount: 2 });
        await authenticate(client, profile, { keyNo: 0 });
        for (const mode of MODES) {
          const files = FILES[mode];
          must(await createDataFile(client, { fileNo: files.std, backup: false, mode, sizeBytes: DATA_FILE_SIZE_BYTES }), 'create std');
          must(await createDataFile(client, { fileNo: files.backup, backup: true, mode, sizeBytes: DATA_FILE_SIZE_BYTES }), 'create backup');
          must(await createValueFile(client, { fileNo: files.value, mode, lowerLimit: 0, upperLimit: VALUE_UPPER_LIMIT, value: 0, limitedCredit: false }), 'create value');
          must(await createRecordFile(client, { fileNo: files.record, cyclic: true, mode, recordSizeBytes: RECORD_SIZE_BYTES, recordCountMax: RECORD_COUNT_MAX }), 'create record');
        }
      }
    });

    const cases = SCHEMES.flatMap((profile, index) => MODES.map((mode) => [profile.label, mode, profile, index] as const));

    describe.each(cases)('%s, %s files', (_label, mode, profile: SchemeProfile, index) => {
      const files = FILES[mode];
      const open = async (): Promise<DesfireClient> => {
        const client = ctx.client();
        must(await selectApplication(client, APP_AID_BASE + index), 'select');
        await authenticate(client, profile, { keyNo: 0 });
        expect(client.session?.scheme).toBe(profile.scheme);
        return client;
      };

      it('standard data: a chained write reads back whole, in part, and to the end', async () => {
        const client = await open();
        const data = pattern(DATA_FILE_SIZE_BYTES, index * 3 + MODES.indexOf(mode));
        must(await writeData(client, { fileNo: files.std, mode, offsetBytes: 0, data }), 'WriteData');
        expect(must(await readData(client, { fileNo: files.std, mode, offsetBytes: 0, lengthBytes: DATA_FILE_SIZE_BYTES }), 'ReadData')).toEqual(data);
        expect(must(await readData(client, { fileNo: files.std, mode, offsetBytes: 37, lengthBytes: 21 }), 'ReadData part')).toEqual(data.slice(37, 58));
        expect(must(await readData(client, { fileNo: files.std, mode, offsetBytes: 50, lengthBytes: 0 }), 'ReadData to end')).toEqual(data.slice(50));
        const patch = pattern(5, 0xa0);
        must(await writeData(client, { fileNo: files.std, mode, offsetBytes: 55, data: patch }), 'WriteData at an offset');
        const expected = data.slice();
        expected.set(patch, 55);
        expect(must(await readData(client, { fileNo: files.std, mode, offsetBytes: 0, lengthBytes: 0 }), 'ReadData all')).toEqual(expected);
      });

      it('backup data: reads show the committed image until CommitTransaction', async () => {
        const client = await open();
        const before = must(await readData(client, { fileNo: files.backup, mode, offsetBytes: 0, lengthBytes: DATA_FILE_SIZE_BYTES }), 'ReadData');
        const data = pattern(DATA_FILE_SIZE_BYTES, 0x40 + index);
        must(await writeData(client, { fileNo: files.backup, mode, offsetBytes: 0, data }), 'WriteData');
        expect(must(await readData(client, { fileNo: files.backup, mode, offsetBytes: 0, lengthBytes: DATA_FILE_SIZE_BYTES }), 'ReadData pending')).toEqual(before);
        must(await commitTransaction(client, { returnTransactionMac: false }), 'CommitTransaction');
        expect(must(await readData(client, { fileNo: files.backup, mode, offsetBytes: 0, lengthBytes: DATA_FILE_SIZE_BYTES }), 'ReadData committed')).toEqual(data);
      });

      it('value: Credit and Debit take effect at CommitTransaction', async () => {
        const client = await open();
        const start = must(await getValue(client, { fileNo: files.value, mode }), 'GetValue');
        must(await credit(client, { fileNo: files.value, mode, amount: 50_000 }), 'Credit');
        must(await debit(client, { fileNo: files.value, mode, amount: 7_000 }), 'Debit');
        expect(must(await getValue(client, { fileNo: files.value, mode }), 'GetValue pending')).toBe(start);
        must(await commitTransaction(client, { returnTransactionMac: false }), 'CommitTransaction');
        expect(must(await getValue(client, { fileNo: files.value, mode }), 'GetValue committed')).toBe(start + 43_000);
      });

      it('cyclic records: written one per transaction, read back oldest first', async () => {
        const client = await open();
        const written = [1, 2, 3].map((n) => pattern(RECORD_SIZE_BYTES, n * 16 + index));
        for (const record of written) {
          must(await writeRecord(client, { fileNo: files.record, mode, offsetBytes: 0, data: record }), 'WriteRecord');
          must(await commitTransaction(client, { returnTransactionMac: false }), 'CommitTransaction');
        }
        const records = must(await readRecords(client, { fileNo: files.record, mode, recordNo: 0, recordCount: 0, recordSizeBytes: RECORD_SIZE_BYTES }), 'ReadRecords');
        expect(records.slice(-3)).toEqual(written);
        const newest = must(await readRecords(client, { fileNo: files.record, mode, recordNo: 0, recordCount: 1, recordSizeBytes: RECORD_SIZE_BYTES }), 'ReadRecords newest');
        expect(newest).toEqual([written[2]]);
      });
    });
  });
}
