import { concatBytes } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { OK, RND_A_16, ZERO_AES_KEY, hex, newTestCard, select } from '../testing/fixtures.js';

function app(keySettings = 0x0f, isoFileIds = false) {
  const t = newTestCard();
  t.reader.frame(Ins.CreateApplication, Uint8Array.of(0x01, 0x00, 0x00, keySettings, 0x80 | (isoFileIds ? 0x20 : 0) | 3));
  select(t.reader, 1);
  return t;
}

describe('Create*File and GetFileSettings', () => {
  it('creates every file type and reports its settings in the GetFileSettings layout', () => {
    const { reader } = app();
    expect(reader.frame(Ins.CreateStdDataFile, hex('00 03 1230 200000')).status).toBe(OK);
    expect(reader.frame(Ins.CreateBackupDataFile, hex('01 01 eeee 400000')).status).toBe(OK);
    expect(reader.frame(Ins.CreateValueFile, hex('02 00 1122 00000000 e8030000 64000000 03')).status).toBe(OK);
    expect(reader.frame(Ins.CreateLinearRecordFile, hex('03 00 eeee 100000 050000')).status).toBe(OK);
    expect(reader.frame(Ins.CreateCyclicRecordFile, hex('04 00 eeee 080000 040000')).status).toBe(OK);
    expect(reader.frame(Ins.GetFileIDs)).toEqual({ status: OK, data: hex('0001020304') });
    expect(reader.frame(Ins.GetFileSettings, hex('00'))).toEqual({ status: OK, data: hex('00 03 1230 200000') });
    expect(reader.frame(Ins.GetFileSettings, hex('01'))).toEqual({ status: OK, data: hex('01 01 eeee 400000') });
    expect(reader.frame(Ins.GetFileSettings, hex('02'))).toEqual({ status: OK, data: hex('02 00 1122 00000000 e8030000 00000000 03') });
    expect(reader.frame(Ins.GetFileSettings, hex('03'))).toEqual({ status: OK, data: hex('03 00 eeee 100000 050000 000000') });
    expect(reader.frame(Ins.GetFileSettings, hex('04'))).toEqual({ status: OK, data: hex('04 00 eeee 080000 040000 000000') });
  });

  it('takes ISO file IDs in ISO-enabled applications and lists them with GetISOFileIDs', () => {
    const { reader, card } = app(0x0f, true);
    expect(reader.frame(Ins.CreateStdDataFile, hex('05 0110 00 eeee 100000')).status).toBe(OK);
    expect(reader.frame(Ins.CreateStdDataFile, hex('06 00 eeee 100000')).status).toBe(OK);
    expect(reader.frame(Ins.CreateStdDataFile, hex('07 0110 00 eeee 100000')).status).toBe(DesfireStatus.DUPLICATE_ERROR);
    expect(reader.frame(Ins.GetISOFileIDs)).toEqual({ status: OK, data: hex('0110') });
    expect(card.process(hex('00a40200021001'))).toEqual(hex('9000'));
  });

  it('answers LENGTH_ERROR, PARAMETER_ERROR, BOUNDARY_ERROR, DUPLICATE_ERROR and OUT_OF_EEPROM_ERROR', () => {
    const { reader } = app();
    expect(reader.frame(Ins.CreateStdDataFile, hex('00 00 eeee 1000')).status).toBe(DesfireStatus.LENGTH_ERROR);
    expect(reader.frame(Ins.CreateStdDataFile, hex('20 00 eeee 100000')).status).toBe(DesfireStatus.PARAMETER_ERROR);
    expect(reader.frame(Ins.CreateStdDataFile, hex('00 00 eeee 000000')).status).toBe(DesfireStatus.PARAMETER_ERROR);
    expect(reader.frame(Ins.CreateValueFile, hex('02 00 eeee 0a000000 05000000 06000000 00')).status).toBe(DesfireStatus.PARAMETER_ERROR);
    expect(reader.frame(Ins.CreateValueFile, hex('02 00 eeee 00000000 05000000 06000000 00')).status).toBe(DesfireStatus.BOUNDARY_ERROR);
    expect(reader.frame(Ins.CreateCyclicRecordFile, hex('04 00 eeee 080000 010000')).status).toBe(DesfireStatus.PARAMETER_ERROR);
    expect(reader.frame(Ins.CreateStdDataFile, hex('00 00 eeee 100000')).status).toBe(OK);
    expect(reader.frame(Ins.CreateBackupDataFile, hex('00 00 eeee 100000')).status).toBe(DesfireStatus.DUPLICATE_ERROR);
    expect(reader.frame(Ins.CreateStdDataFile, hex('01 00 eeee 002000')).status).toBe(DesfireStatus.OUT_OF_EEPROM_ERROR);
  });

  it('needs the application master key when free create/delete is off; PERMISSION_DENIED at PICC level', () => {
    const { reader } = app(0x0b);
    expect(reader.frame(Ins.CreateStdDataFile, hex('00 00 eeee 100000')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.CreateStdDataFile, { data: hex('00 00 eeee 100000') }).status).toBe(OK);
    expect(reader.send(Ins.DeleteFile, { header: hex('00') }).status).toBe(OK);
    expect(reader.send(Ins.DeleteFile, { header: hex('00') }).status).toBe(DesfireStatus.FILE_NOT_FOUND);
    const picc = newTestCard().reader;
    expect(picc.frame(Ins.CreateStdDataFile, hex('00 00 eeee 100000')).status).toBe(DesfireStatus.PERMISSION_DENIED);
  });

  it('creates Transaction MAC files only with the application master key (transaction-mac.test.ts has the rest)', () => {
    const { reader } = app();
    expect(reader.frame(Ins.CreateTransactionMACFile, concatBytes(hex('0f 00 f0ff 02'), new Uint8Array(16), hex('00'))).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('GetFileSettings answers FILE_NOT_FOUND, and AUTHENTICATION_ERROR without free directory list', () => {
    const { reader } = app(0x09);
    expect(reader.frame(Ins.GetFileIDs).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.GetFileSettings, { header: hex('07') }).status).toBe(DesfireStatus.FILE_NOT_FOUND);
  });
});

describe('ChangeFileSettings', () => {
  it('with a free Change right travels plain and changes mode and rights', () => {
    const { reader } = app();
    reader.frame(Ins.CreateStdDataFile, hex('00 00 eeee 100000'));
    expect(reader.frame(Ins.ChangeFileSettings, hex('00 03 1023')).status).toBe(OK);
    expect(reader.frame(Ins.GetFileSettings, hex('00'))).toEqual({ status: OK, data: hex('00 03 1023 100000') });
  });

  it('with a key Change right needs that key (enciphered); never → PERMISSION_DENIED', () => {
    const { reader } = app();
    reader.frame(Ins.CreateStdDataFile, hex('00 00 e2ee 100000'));
    reader.frame(Ins.CreateStdDataFile, hex('01 00 efee 100000'));
    expect(reader.frame(Ins.ChangeFileSettings, hex('00 00 eeee')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    expect(reader.frame(Ins.ChangeFileSettings, hex('01 00 eeee')).status).toBe(DesfireStatus.PERMISSION_DENIED);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 2, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.ChangeFileSettings, { header: hex('00'), data: hex('01 0000') }).status).toBe(OK);
    expect(reader.send(Ins.GetFileSettings, { header: hex('00') })).toEqual({ status: OK, data: hex('00 01 0000 100000') });
  });
});
