import { concatBytes } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { OK, RND_A_16, ZERO_AES_KEY, aid, authDefaultPicc, createAesApp, hex, newTestCard, select } from '../testing/fixtures.js';

describe('CreateApplication', () => {
  it('creates an application that GetApplicationIDs lists (LSB-first AIDs)', () => {
    const { reader } = newTestCard();
    expect(createAesApp(reader, { aid: 0x123456, keyCount: 2 }).status).toBe(OK);
    expect(reader.frame(Ins.GetApplicationIDs)).toEqual({ status: OK, data: hex('563412') });
  });

  it('accepts an ISO FID and a DF name, which GetDFNames and ISO SELECT find', () => {
    const { reader, card } = newTestCard();
    const dfName = hex('a000000123');
    expect(reader.frame(Ins.CreateApplication, concatBytes(aid(0xa1), hex('0f a2 3412'), dfName)).status).toBe(OK);
    expect(reader.frame(Ins.GetDFNames)).toEqual({ status: OK, data: concatBytes(aid(0xa1), hex('3412'), dfName) });
    expect(card.process(hex('00a4040005a00000012300'))).toEqual(hex('9000'));
    expect(reader.frame(Ins.GetKeySettings)).toEqual({ status: OK, data: hex('0f82') });
    expect(card.process(hex('00a40000023f00'))).toEqual(hex('9000'));
    expect(card.process(hex('00a40000021234'))).toEqual(hex('9000'));
    expect(card.process(hex('00a4040003a0000200'))).toEqual(hex('6a82'));
  });

  it('sends one DF name per frame', () => {
    const { reader } = newTestCard();
    reader.frame(Ins.CreateApplication, concatBytes(aid(1), hex('0f 21 0110 01')));
    reader.frame(Ins.CreateApplication, concatBytes(aid(2), hex('0f 21 0210 0202')));
    expect(reader.frame(Ins.GetDFNames)).toEqual({ status: DesfireStatus.ADDITIONAL_FRAME, data: hex('010000 0110 01') });
    expect(reader.frame(Ins.AdditionalFrame)).toEqual({ status: OK, data: hex('020000 0210 0202') });
  });

  it('answers LENGTH_ERROR, PARAMETER_ERROR, DUPLICATE_ERROR, COUNT_ERROR, OUT_OF_EEPROM_ERROR', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.CreateApplication, hex('010000 0f')).status).toBe(DesfireStatus.LENGTH_ERROR);
    expect(reader.frame(Ins.CreateApplication, hex('010000 0f 81 12')).status).toBe(DesfireStatus.LENGTH_ERROR);
    expect(reader.frame(Ins.CreateApplication, hex('000000 0f 81')).status).toBe(DesfireStatus.PARAMETER_ERROR);
    expect(reader.frame(Ins.CreateApplication, hex('010000 0f 8f')).status).toBe(DesfireStatus.PARAMETER_ERROR);
    expect(reader.frame(Ins.CreateApplication, hex('010000 0f c1')).status).toBe(DesfireStatus.PARAMETER_ERROR);
    expect(reader.frame(Ins.CreateApplication, hex('010000 0f 81')).status).toBe(OK);
    expect(reader.frame(Ins.CreateApplication, hex('010000 0f 81')).status).toBe(DesfireStatus.DUPLICATE_ERROR);
    for (let i = 2; i <= 28; i++) expect(reader.frame(Ins.CreateApplication, concatBytes(aid(i), hex('0f 80'))).status).toBe(OK);
    expect(reader.frame(Ins.CreateApplication, concatBytes(aid(29), hex('0f 80'))).status).toBe(DesfireStatus.COUNT_ERROR);
    const small = newTestCard({ factory: { eepromFreeBytesEmpty: 96 } }).reader;
    expect(small.frame(Ins.CreateApplication, hex('010000 0f 81')).status).toBe(DesfireStatus.OUT_OF_EEPROM_ERROR);
  });

  it('needs the PICC master key when free create/delete is off, and PICC level', () => {
    const { reader } = newTestCard();
    authDefaultPicc(reader);
    expect(reader.send(Ins.ChangeKeySettings, { data: hex('0b') }).status).toBe(OK);
    select(reader, 0);
    expect(createAesApp(reader, { aid: 1, keyCount: 1 }).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    authDefaultPicc(reader);
    expect(createAesApp(reader, { aid: 1, keyCount: 1 }).status).toBe(OK);
    select(reader, 1);
    expect(createAesApp(reader, { aid: 2, keyCount: 1 }).status).toBe(DesfireStatus.PERMISSION_DENIED);
  });
});

describe('DeleteApplication', () => {
  it('deletes with the PICC master key; the AID can be reused', () => {
    const { reader } = newTestCard();
    createAesApp(reader, { aid: 5, keyCount: 1 });
    authDefaultPicc(reader);
    expect(reader.send(Ins.DeleteApplication, { data: aid(5) }).status).toBe(OK);
    expect(reader.send(Ins.GetApplicationIDs).data.length).toBe(0);
    expect(createAesApp(reader, { aid: 5, keyCount: 1 }).status).toBe(OK);
  });

  it('deletes with the application master key while it is selected, then the PICC level is selected', () => {
    const { reader } = newTestCard();
    authDefaultPicc(reader);
    reader.send(Ins.ChangeKeySettings, { data: hex('09') });
    authDefaultPicc(reader);
    createAesApp(reader, { aid: 6, keyCount: 1 });
    select(reader, 6);
    expect(reader.frame(Ins.DeleteApplication, aid(6)).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.DeleteApplication, { data: aid(6) }).status).toBe(OK);
    reader.session = null;
    // PICC level (inside an application FormatPICC would be PERMISSION_DENIED), unauthenticated.
    expect(reader.frame(Ins.FormatPICC).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('answers APPLICATION_NOT_FOUND, PARAMETER_ERROR and LENGTH_ERROR', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.DeleteApplication, aid(9)).status).toBe(DesfireStatus.APPLICATION_NOT_FOUND);
    expect(reader.frame(Ins.DeleteApplication, aid(0)).status).toBe(DesfireStatus.PARAMETER_ERROR);
    expect(reader.frame(Ins.DeleteApplication, hex('0900')).status).toBe(DesfireStatus.LENGTH_ERROR);
  });
});

describe('SelectApplication', () => {
  it('answers APPLICATION_NOT_FOUND and LENGTH_ERROR', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.SelectApplication, aid(1)).status).toBe(DesfireStatus.APPLICATION_NOT_FOUND);
    expect(reader.frame(Ins.SelectApplication, hex('01')).status).toBe(DesfireStatus.LENGTH_ERROR);
    expect(reader.frame(Ins.SelectApplication, aid(0)).status).toBe(OK);
  });

  it('ends the authentication', () => {
    const { reader } = newTestCard();
    authDefaultPicc(reader);
    select(reader, 0);
    expect(reader.frame(Ins.FormatPICC).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });
});

describe('directory listing', () => {
  it('needs the PICC master key when free directory list is off', () => {
    const { reader } = newTestCard();
    authDefaultPicc(reader);
    reader.send(Ins.ChangeKeySettings, { data: hex('0d') });
    select(reader, 0);
    expect(reader.frame(Ins.GetApplicationIDs).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    expect(reader.frame(Ins.GetDFNames).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    authDefaultPicc(reader);
    expect(reader.send(Ins.GetApplicationIDs).status).toBe(OK);
  });

  it('chains more than 19 AIDs over AF frames', () => {
    const { reader } = newTestCard();
    for (let i = 1; i <= 25; i++) createAesApp(reader, { aid: i, keyCount: 1 });
    const first = reader.frame(Ins.GetApplicationIDs);
    expect(first.status).toBe(DesfireStatus.ADDITIONAL_FRAME);
    expect(first.data.length).toBe(57);
    expect(reader.frame(Ins.AdditionalFrame)).toEqual({ status: OK, data: concatBytes(aid(20), aid(21), aid(22), aid(23), aid(24), aid(25)) });
  });
});
