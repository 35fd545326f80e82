import { fromHex, toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { decodeAccessRights, encodeAccessRights, accessGranted, type AccessRights } from './access-rights.js';
import { Ins } from './commands.js';
import { decodeCreateFile, encodeCreateFile } from './file-create.js';
import { FileType, decodeFileSettings, encodeChangeFileSettingsPayload, encodeFileSettings, type FileSettings } from './file-settings.js';
import { decodeKeyCountByte, decodeKeySettings, encodeKeyCountByte, encodeKeySettings } from './key-settings.js';

const allFree: AccessRights = { read: { kind: 'free' }, write: { kind: 'free' }, readWrite: { kind: 'free' }, change: { kind: 'free' } };

describe('access rights', () => {
  it('encodes Read|Write|RW|Change nibbles LSB first (AN12196 ChangeFileSettings 00E0)', () => {
    const rights: AccessRights = { read: { kind: 'free' }, write: { kind: 'key', keyNo: 0 }, readWrite: { kind: 'key', keyNo: 0 }, change: { kind: 'key', keyNo: 0 } };
    expect(toHex(encodeAccessRights(rights))).toBe('00e0');
    expect(decodeAccessRights(fromHex('12F3'))).toEqual({
      read: { kind: 'never' }, write: { kind: 'key', keyNo: 3 }, readWrite: { kind: 'key', keyNo: 1 }, change: { kind: 'key', keyNo: 2 },
    });
    expect(() => encodeAccessRights({ ...allFree, read: { kind: 'key', keyNo: 14 } })).toThrow(RangeError);
  });
  it('grants free, denies never, matches key numbers', () => {
    expect(accessGranted({ kind: 'free' }, undefined)).toBe(true);
    expect(accessGranted({ kind: 'never' }, 0)).toBe(false);
    expect(accessGranted({ kind: 'key', keyNo: 2 }, 2)).toBe(true);
    expect(accessGranted({ kind: 'key', keyNo: 2 }, undefined)).toBe(false);
  });
});

describe('key settings', () => {
  it('round-trips the factory PICC settings 0x0F and AES key count byte 0x82', () => {
    const s = decodeKeySettings(0x0f);
    expect(s).toEqual({ changeKeyAccess: { kind: 'key', keyNo: 0 }, configurationChangeable: true, freeCreateDelete: true, freeDirectoryList: true, masterKeyChangeable: true });
    expect(encodeKeySettings(s)).toBe(0x0f);
    expect(encodeKeySettings({ ...s, changeKeyAccess: { kind: 'same-key' } })).toBe(0xef);
    expect(decodeKeyCountByte(0x82)).toEqual({ keyType: 'aes128', keyCount: 2, isoFileIds: false, keySettings3Present: false });
    expect(encodeKeyCountByte({ keyType: '3tdea', keyCount: 14, isoFileIds: true, keySettings3Present: false })).toBe(0x6e);
    expect(decodeKeyCountByte(0xc1)).toBeUndefined();
  });
});

describe('file settings', () => {
  it('decodes a plain standard file with free access (libfreefare layout)', () => {
    const parsed = decodeFileSettings(fromHex('0000EEEE200000'));
    expect(parsed.ok && parsed.value).toEqual({
      fileType: FileType.StandardData, commMode: 'plain', optionFlags: 0, accessRights: allFree, additionalAccessRights: [], fileSizeBytes: 32,
    });
  });
  it('round-trips every file type, with signed value limits', () => {
    const cases: FileSettings[] = [
      { fileType: FileType.BackupData, commMode: 'full', optionFlags: 0, accessRights: allFree, additionalAccessRights: [], fileSizeBytes: 0x010203 },
      { fileType: FileType.Value, commMode: 'mac', optionFlags: 0, accessRights: allFree, additionalAccessRights: [], lowerLimit: -1000, upperLimit: 2_000_000, value: 0, limitedCreditEnabled: true, freeGetValue: false },
      { fileType: FileType.CyclicRecord, commMode: 'plain', optionFlags: 0, accessRights: allFree, additionalAccessRights: [allFree], recordSizeBytes: 16, recordCountMax: 10, recordCount: 3 },
      { fileType: FileType.TransactionMac, commMode: 'plain', optionFlags: 0, accessRights: allFree, additionalAccessRights: [], tmKeyOption: 2, tmKeyVersion: 1 },
    ];
    for (const s of cases) {
      const parsed = decodeFileSettings(encodeFileSettings(s));
      expect(parsed.ok && parsed.value).toEqual(s);
    }
    const value = encodeFileSettings(cases[1] as FileSettings);
    expect(toHex(value.subarray(4, 8))).toBe('18fcffff'); // -1000 LE
    expect(decodeFileSettings(fromHex('0000EEEE2000'))).toEqual({ ok: false, error: 'length_error' });
    expect(decodeFileSettings(fromHex('0900EEEE200000'))).toEqual({ ok: false, error: 'parameter_error' });
  });
  it('encodes the AN12196 ChangeFileSettings option and rights prefix', () => {
    const payload = encodeChangeFileSettingsPayload({
      commMode: 'plain', optionFlags: 0x40, additionalAccessRights: [],
      accessRights: { read: { kind: 'free' }, write: { kind: 'key', keyNo: 0 }, readWrite: { kind: 'key', keyNo: 0 }, change: { kind: 'key', keyNo: 0 } },
    });
    expect(toHex(payload)).toBe('4000e0');
  });
  it('round-trips CreateXFile payloads', () => {
    const std = encodeCreateFile({
      fileNo: 1, isoFileId: 0xe104,
      settings: { fileType: FileType.StandardData, commMode: 'mac', optionFlags: 0, accessRights: allFree, additionalAccessRights: [], fileSizeBytes: 256 },
      tmKey: undefined,
    });
    expect(toHex(std)).toBe('0104e101eeee000100');
    const back = decodeCreateFile({ ins: Ins.CreateStdDataFile, data: std, isoFileIdPresent: true });
    expect(back.ok && back.value.isoFileId).toBe(0xe104);
    const rec = encodeCreateFile({
      fileNo: 3, isoFileId: undefined,
      settings: { fileType: FileType.LinearRecord, commMode: 'full', optionFlags: 0, accessRights: allFree, additionalAccessRights: [], recordSizeBytes: 32, recordCountMax: 5, recordCount: 0 },
      tmKey: undefined,
    });
    expect(toHex(rec)).toBe('0303eeee200000050000');
    const recBack = decodeCreateFile({ ins: Ins.CreateLinearRecordFile, data: rec, isoFileIdPresent: false });
    expect(recBack.ok && recBack.value.settings).toMatchObject({ recordSizeBytes: 32, recordCountMax: 5 });
    const tmKey = fromHex('000102030405060708090A0B0C0D0E0F');
    const tm = encodeCreateFile({
      fileNo: 0x0f, isoFileId: undefined, tmKey,
      settings: { fileType: FileType.TransactionMac, commMode: 'plain', optionFlags: 0, accessRights: allFree, additionalAccessRights: [], tmKeyOption: 2, tmKeyVersion: 7 },
    });
    expect(toHex(tm)).toBe('0f00eeee02' + '000102030405060708090a0b0c0d0e0f' + '07');
    const tmBack = decodeCreateFile({ ins: Ins.CreateTransactionMACFile, data: tm, isoFileIdPresent: true });
    expect(tmBack.ok && toHex(tmBack.value.tmKey ?? new Uint8Array(0))).toBe('000102030405060708090a0b0c0d0e0f');
    expect(tmBack.ok && tmBack.value.settings).toMatchObject({ tmKeyVersion: 7, tmKeyOption: 2 });
    expect(decodeCreateFile({ ins: Ins.CreateValueFile, data: fromHex('01'), isoFileIdPresent: false })).toEqual({ ok: false, error: 'length_error' });
  });
});
