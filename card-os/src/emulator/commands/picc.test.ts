import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { OK, RND_A_8, RND_A_16, TEST_UID, ZERO_AES_KEY, ZERO_DES_KEY, authDefaultPicc, createAesApp, hex, newTestCard, select } from '../testing/fixtures.js';

describe('GetVersion', () => {
  it('answers an EV2 identity in three frames of 7, 7 and 14 bytes', () => {
    const { reader } = newTestCard();
    const first = reader.frame(Ins.GetVersion);
    expect(first).toEqual({ status: DesfireStatus.ADDITIONAL_FRAME, data: hex('04010112001a05') });
    const second = reader.frame(Ins.AdditionalFrame);
    expect(second).toEqual({ status: DesfireStatus.ADDITIONAL_FRAME, data: hex('04010102011a05') });
    const third = reader.frame(Ins.AdditionalFrame);
    expect(third.status).toBe(OK);
    expect(third.data.length).toBe(14);
    expect(third.data.subarray(0, 7)).toEqual(TEST_UID);
  });

  it('refuses data with LENGTH_ERROR', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.GetVersion, hex('00')).status).toBe(DesfireStatus.LENGTH_ERROR);
  });

  it('ends the chain with COMMAND_ABORTED when another command interrupts it', () => {
    const { reader } = newTestCard();
    reader.frame(Ins.GetVersion);
    expect(reader.frame(Ins.GetFreeMemory).status).toBe(DesfireStatus.COMMAND_ABORTED);
    expect(reader.frame(Ins.GetFreeMemory).status).toBe(OK);
  });

  it('carries the EV1 CMAC after the last frame in an ISO session (the reader verifies it)', () => {
    const { reader } = newTestCard();
    reader.authenticateEv1({ method: 'iso', keyNo: 0, key: ZERO_DES_KEY, keyType: 'des', rndA: RND_A_8 });
    const raw = reader.exchange(Ins.GetVersion);
    expect(raw.data.length).toBe(28 + 8);
  });
});

describe('GetFreeMemory', () => {
  it('reports 7936 bytes on an empty 8 KB card, 3 bytes little-endian', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.GetFreeMemory)).toEqual({ status: OK, data: hex('001f00') });
  });

  it('shrinks in 32-byte blocks and is not given back by DeleteFile or DeleteApplication, only by FormatPICC', () => {
    const { reader } = newTestCard();
    const free = (): number => {
      const d = reader.frame(Ins.GetFreeMemory).data;
      return (d[0] ?? 0) | ((d[1] ?? 0) << 8) | ((d[2] ?? 0) << 16);
    };
    expect(createAesApp(reader, { aid: 0x010203, keyCount: 2 }).status).toBe(OK);
    expect(free()).toBe(7936 - 160);
    select(reader, 0x010203);
    expect(reader.frame(Ins.CreateStdDataFile, hex('01 00 eeee 010000')).status).toBe(OK);
    expect(free()).toBe(7936 - 160 - 32);
    expect(reader.frame(Ins.CreateBackupDataFile, hex('02 00 eeee 210000')).status).toBe(OK);
    expect(free()).toBe(7936 - 160 - 32 - 128);
    expect(reader.frame(Ins.DeleteFile, hex('01')).status).toBe(OK);
    expect(free()).toBe(7936 - 160 - 32 - 128);
    select(reader, 0);
    expect(reader.frame(Ins.DeleteApplication, hex('030201')).status).toBe(OK);
    expect(free()).toBe(7936 - 160 - 32 - 128);
    authDefaultPicc(reader);
    expect(reader.send(Ins.FormatPICC).status).toBe(OK);
    expect(free()).toBe(7936);
  });
});

describe('FormatPICC', () => {
  it('needs the PICC master key', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.FormatPICC).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('is refused inside an application', () => {
    const { reader } = newTestCard();
    createAesApp(reader, { aid: 1, keyCount: 1 });
    select(reader, 1);
    expect(reader.frame(Ins.FormatPICC).status).toBe(DesfireStatus.PERMISSION_DENIED);
  });

  it('removes applications and keeps the PICC master key and its settings', () => {
    const { reader, card } = newTestCard();
    createAesApp(reader, { aid: 1, keyCount: 1 });
    authDefaultPicc(reader);
    expect(reader.send(Ins.FormatPICC).status).toBe(OK);
    expect(reader.send(Ins.GetApplicationIDs)).toEqual({ status: OK, data: new Uint8Array(0) });
    expect(card.image.piccKeySettings).toBe(0x0f);
  });

  it('is refused once SetConfiguration disabled it', () => {
    const { reader } = newTestCard();
    authDefaultPicc(reader);
    expect(reader.send(Ins.SetConfiguration, { header: hex('00'), data: hex('01') }).status).toBe(OK);
    expect(reader.send(Ins.FormatPICC).status).toBe(DesfireStatus.PERMISSION_DENIED);
  });
});

describe('SetConfiguration', () => {
  it('needs the PICC master key', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.SetConfiguration, hex('0001')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('turns on the random ID: GET DATA then reports 4 bytes starting 08, GetVersion hides the UID', () => {
    const { reader, card } = newTestCard();
    authDefaultPicc(reader);
    expect(reader.send(Ins.SetConfiguration, { header: hex('00'), data: hex('02') }).status).toBe(OK);
    card.powerOff();
    card.powerOn();
    const id = card.process(hex('ffca000000'));
    expect(id.length).toBe(6);
    expect(id[0]).toBe(0x08);
    expect(reader.exchange(Ins.GetVersion).data.subarray(14, 21)).toEqual(new Uint8Array(7));
  });

  it('sets the default key new applications start with', () => {
    const { reader, card } = newTestCard();
    authDefaultPicc(reader);
    const key = hex('101112131415161718191a1b1c1d1e1f2021222324252627');
    expect(reader.send(Ins.SetConfiguration, { header: hex('01'), data: Uint8Array.of(...key, 0x05) }).status).toBe(OK);
    authDefaultPicc(reader);
    expect(createAesApp(reader, { aid: 7, keyCount: 1 }).status).toBe(OK);
    const app = card.image.applications[0];
    expect(app?.keys[0]).toEqual({ material: key.subarray(0, 16), version: 5 });
  });

  it('rejects unknown options with PARAMETER_ERROR and wrong lengths with LENGTH_ERROR', () => {
    const { reader } = newTestCard();
    authDefaultPicc(reader);
    expect(reader.send(Ins.SetConfiguration, { header: hex('07'), data: hex('00') }).status).toBe(DesfireStatus.PARAMETER_ERROR);
    authDefaultPicc(reader);
    expect(reader.send(Ins.SetConfiguration, { header: hex('00'), data: hex('0000') }).status).toBe(DesfireStatus.LENGTH_ERROR);
  });
});

describe('random ID (SetConfiguration option 00 bit 1)', () => {
  function randomIdCard(): ReturnType<typeof newTestCard> {
    const t = newTestCard();
    authDefaultPicc(t.reader);
    expect(t.reader.send(Ins.SetConfiguration, { header: hex('00'), data: hex('02') }).status).toBe(OK);
    t.reader.frame(Ins.CreateApplication, hex('010000 0f 81'));
    t.card.powerOff();
    t.card.powerOn();
    return t;
  }

  it('draws a new 4-byte ID starting 08 at every power-on, stable within one', () => {
    const { card } = randomIdCard();
    const first = card.process(hex('ffca000000'));
    expect(card.process(hex('ffca000000'))).toEqual(first);
    card.powerOff();
    card.powerOn();
    const second = card.process(hex('ffca000000'));
    expect(second.subarray(0, 1)).toEqual(hex('08'));
    expect(second).not.toEqual(first);
    expect(second.subarray(-2)).toEqual(hex('9000'));
  });

  it('GetVersion keeps its 28-byte layout with a zero UID (liblogicalaccess: "GetVersion will return a full-zero UID")', () => {
    const { reader } = randomIdCard();
    const version = reader.exchange(Ins.GetVersion);
    expect(version.status).toBe(OK);
    expect(version.data.length).toBe(28);
    expect(version.data.subarray(14, 21)).toEqual(new Uint8Array(7));
  });

  it('GetCardUID still answers the real UID, after authentication with any key (proxmark3 doc/desfire.md)', () => {
    const { reader } = randomIdCard();
    expect(reader.frame(Ins.GetCardUID).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    select(reader, 1);
    expect(reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 }).status).toBe(OK);
    expect(reader.send(Ins.GetCardUID)).toEqual({ status: OK, data: TEST_UID });
  });
});

describe('GetCardUID', () => {
  it('needs an authentication', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.GetCardUID).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('answers the UID enciphered (UID ‖ CRC16, D40 padding) after a D40 (legacy) authentication, as libfreefare expects', () => {
    const { reader } = newTestCard();
    authDefaultPicc(reader);
    expect(reader.send(Ins.GetCardUID)).toEqual({ status: OK, data: TEST_UID });
  });

  it('answers the UID enciphered after an ISO authentication', () => {
    const { reader } = newTestCard();
    expect(reader.authenticateEv1({ method: 'iso', keyNo: 0, key: ZERO_DES_KEY, keyType: 'des', rndA: RND_A_8 }).status).toBe(OK);
    expect(reader.send(Ins.GetCardUID)).toEqual({ status: OK, data: TEST_UID });
  });
});
