/**
 * Applications and files: CreateApplication, the five file types, their
 * settings as the card reports them, duplicates, DeleteFile, and the memory
 * each takes (MF2DLHX0 §10.4, §10.7; allocation in 32-byte blocks, MF3DHx2 §8.5).
 */
import {
  FileType,
  createApplication,
  deleteFile,
  getApplicationIDs,
  getFileIDs,
  getFileSettings,
  getFreeMemory,
  selectApplication,
  type FileSettings,
} from '@onecard/card-os';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  APP_SETTINGS,
  EV2_AES,
  FREE,
  KEY0_RIGHTS,
  NEVER,
  authenticate,
  authenticatePicc,
  createDataFile,
  createRecordFile,
  createValueFile,
  expectFailure,
  formatCard,
  key,
  must,
  rights,
} from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

const AID = 0x00f11e;
const SECOND_AID = 0x00f11f;
const MIXED_RIGHTS = rights(key(1), key(2), key(3), key(0));

export function fileCases(ctx: SuiteContext): void {
  describe('applications and files', () => {
    let freeAfterFormat = 0;
    beforeAll(async () => {
      const client = ctx.client();
      await formatCard(client);
      freeAfterFormat = must(await getFreeMemory(client), 'GetFreeMemory');
    });

    it('CreateApplication takes memory and lists the AID; a duplicate AID answers duplicate_error', async () => {
      const client = ctx.client();
      await authenticatePicc(client);
      must(await createApplication(client, { aid: AID, keySettings: APP_SETTINGS, keyType: 'aes128', keyCount: 4 }), 'CreateApplication');
      const afterApp = must(await getFreeMemory(client), 'GetFreeMemory');
      expect(afterApp).toBeLessThan(freeAfterFormat);
      expectFailure(await createApplication(client, { aid: AID, keySettings: APP_SETTINGS, keyType: 'aes128', keyCount: 4 }), 'duplicate_error');
      await authenticatePicc(client);
      must(await createApplication(client, { aid: SECOND_AID, keySettings: APP_SETTINGS, keyType: 'des-2tdea', keyCount: 1 }), 'CreateApplication');
      expect(must(await getApplicationIDs(client), 'GetApplicationIDs').sort((a, b) => a - b)).toEqual([AID, SECOND_AID]);
    });

    it('creates all five file types; each takes memory; GetFileSettings reports what was created', async () => {
      const client = ctx.client();
      must(await selectApplication(client, AID), 'select');
      await authenticate(client, EV2_AES, { keyNo: 0 });
      const creations = [
        () => createDataFile(client, { fileNo: 1, backup: false, mode: 'plain', sizeBytes: 40, access: MIXED_RIGHTS }),
        () => createDataFile(client, { fileNo: 2, backup: true, mode: 'mac', sizeBytes: 64 }),
        () => createValueFile(client, { fileNo: 3, mode: 'full', lowerLimit: -100, upperLimit: 90_000, value: 25, limitedCredit: true, freeGetValue: true }),
        () => createRecordFile(client, { fileNo: 4, cyclic: false, mode: 'mac', recordSizeBytes: 12, recordCountMax: 5, access: rights(FREE, key(1), NEVER, key(0)) }),
        () => createRecordFile(client, { fileNo: 5, cyclic: true, mode: 'full', recordSizeBytes: 16, recordCountMax: 4 }),
      ];
      let freeBytes = must(await getFreeMemory(client), 'GetFreeMemory');
      for (const create of creations) {
        must(await create(), 'CreateFile');
        const nowFree = must(await getFreeMemory(client), 'GetFreeMemory');
        expect(nowFree).toBeLessThan(freeBytes);
        freeBytes = nowFree;
      }
      expect(must(await getFileIDs(client), 'GetFileIDs')).toEqual([1, 2, 3, 4, 5]);
      const settings = async (fileNo: number): Promise<FileSettings> => must(await getFileSettings(client, fileNo), 'GetFileSettings');
      expect(await settings(1)).toMatchObject({ fileType: FileType.StandardData, commMode: 'plain', accessRights: MIXED_RIGHTS, fileSizeBytes: 40 });
      expect(await settings(2)).toMatchObject({ fileType: FileType.BackupData, commMode: 'mac', accessRights: KEY0_RIGHTS, fileSizeBytes: 64 });
      expect(await settings(3)).toMatchObject({ fileType: FileType.Value, commMode: 'full', lowerLimit: -100, upperLimit: 90_000, value: 0, limitedCreditEnabled: true, freeGetValue: true });
      expect(await settings(4)).toMatchObject({ fileType: FileType.LinearRecord, commMode: 'mac', recordSizeBytes: 12, recordCountMax: 5, recordCount: 0, accessRights: rights(FREE, key(1), NEVER, key(0)) });
      expect(await settings(5)).toMatchObject({ fileType: FileType.CyclicRecord, commMode: 'full', recordSizeBytes: 16, recordCountMax: 4, recordCount: 0 });
    });

    it('a duplicate file number answers duplicate_error; DeleteFile removes the file', async () => {
      const client = ctx.client();
      must(await selectApplication(client, AID), 'select');
      await authenticate(client, EV2_AES, { keyNo: 0 });
      expectFailure(await createDataFile(client, { fileNo: 1, backup: false, mode: 'plain', sizeBytes: 8 }), 'duplicate_error');
      await authenticate(client, EV2_AES, { keyNo: 0 });
      must(await deleteFile(client, 2), 'DeleteFile');
      expect(must(await getFileIDs(client), 'GetFileIDs')).toEqual([1, 3, 4, 5]);
      expectFailure(await getFileSettings(client, 2), 'file_not_found');
    });

    it('creating a file needs the application master key when free create/delete is off', async () => {
      const client = ctx.client();
      must(await selectApplication(client, AID), 'select');
      expectFailure(await createDataFile(client, { fileNo: 9, backup: false, mode: 'plain', sizeBytes: 8 }), 'authentication_error');
      expect(must(await getFileIDs(client), 'GetFileIDs')).not.toContain(9);
    });

    it('FormatPICC removes every application and frees all memory', async () => {
      const client = ctx.client();
      await formatCard(client);
      expect(must(await getApplicationIDs(client), 'GetApplicationIDs')).toEqual([]);
      expect(must(await getFreeMemory(client), 'GetFreeMemory')).toBe(freeAfterFormat);
    });
  });
}
