import { concatBytes } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { changeKeyPlaintext } from '../../sm/change-key.js';
import { OK, RND_A_16, RND_A_8, ZERO_AES_KEY, ZERO_DES_KEY, authDefaultPicc, createAesApp, hex, newTestCard, select } from '../testing/fixtures.js';

const AES_KEY_1 = hex('00112233445566778899aabbccddeeff');
const AES_KEY_2 = hex('f0e1d2c3b4a5968778695a4b3c2d1e0f');

function appWithAesKeys(keySettings = 0x0f) {
  const t = newTestCard();
  createAesApp(t.reader, { aid: 0x112233, keyCount: 3, keySettings });
  select(t.reader, 0x112233);
  return t;
}

describe('EV1-family authentication', () => {
  it('authenticates the factory PICC key with legacy 0x0A and with ISO 0x1A', () => {
    const { reader } = newTestCard();
    expect(authDefaultPicc(reader).status).toBe(OK);
    expect(reader.session?.scheme).toBe('d40');
    expect(reader.authenticateEv1({ method: 'iso', keyNo: 0, key: ZERO_DES_KEY, keyType: 'des', rndA: RND_A_8 }).status).toBe(OK);
    expect(reader.session?.scheme).toBe('ev1');
  });

  it('answers NO_SUCH_KEY for a key the level does not have', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.AuthenticateLegacy, hex('01')).status).toBe(DesfireStatus.NO_SUCH_KEY);
  });

  it('answers AUTHENTICATION_ERROR for the wrong key and stays unauthenticated', () => {
    const { reader } = newTestCard();
    const wrong = hex('0102030405060709');
    expect(reader.authenticateEv1({ method: 'legacy', keyNo: 0, key: wrong, keyType: 'des', rndA: RND_A_8 }).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    expect(reader.frame(Ins.FormatPICC).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('refuses AES authentication of a DES key', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.AuthenticateAES, hex('00')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('authenticates AES application keys with 0xAA', () => {
    const { reader } = appWithAesKeys();
    expect(reader.authenticateEv1({ method: 'aes', keyNo: 2, key: ZERO_AES_KEY, keyType: 'aes128', rndA: RND_A_16 }).status).toBe(OK);
  });

  it('drops the authentication when another command interrupts the handshake', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.AuthenticateLegacy, hex('00')).status).toBe(DesfireStatus.ADDITIONAL_FRAME);
    expect(reader.frame(Ins.GetVersion).status).toBe(DesfireStatus.COMMAND_ABORTED);
    expect(reader.frame(Ins.AdditionalFrame, new Uint8Array(16)).status).toBe(DesfireStatus.ILLEGAL_COMMAND_CODE);
  });
});

describe('EV2 authentication', () => {
  it('AuthenticateEV2First then NonFirst keep secure messaging working', () => {
    const { reader } = appWithAesKeys();
    expect(reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 }).status).toBe(OK);
    expect(reader.send(Ins.GetKeySettings)).toEqual({ status: OK, data: hex('0f83') });
    expect(reader.authenticateEv2({ method: 'ev2-non-first', keyNo: 1, key: ZERO_AES_KEY, rndA: RND_A_16 }).status).toBe(OK);
    expect(reader.send(Ins.GetKeyVersion, { data: hex('01') })).toEqual({ status: OK, data: hex('00') });
  });

  it('NonFirst without an EV2 session is an AUTHENTICATION_ERROR', () => {
    const { reader } = appWithAesKeys();
    expect(reader.frame(Ins.AuthenticateEV2NonFirst, hex('00')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('EV2 on a DES key is an AUTHENTICATION_ERROR', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.AuthenticateEV2First, hex('0000')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('a wrong MAC answers INTEGRITY_ERROR and ends the authentication', () => {
    const { reader } = appWithAesKeys(0x0b);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    // CreateStdDataFile in MAC mode with a forged MAC.
    const forged = concatBytes(hex('01 00 0000 100000'), new Uint8Array(8));
    expect(reader.frame(Ins.CreateStdDataFile, forged).status).toBe(DesfireStatus.INTEGRITY_ERROR);
    reader.session = null;
    // Free create/delete is off (0x0B): without the session the master key is missing.
    expect(reader.frame(Ins.CreateStdDataFile, hex('01 00 0000 100000')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });
});

describe('ChangeKey', () => {
  it('changes another key (EV2), which then authenticates; version reported by GetKeyVersion', () => {
    const { reader } = appWithAesKeys();
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    const plaintext = changeKeyPlaintext({ scheme: 'ev2', keyNo: 1, authKeyNo: 0, newKeyCipher: 'aes128', oldKey: ZERO_AES_KEY, newKey: AES_KEY_1, keyVersion: 0x42 });
    expect(reader.sendPreformatted(Ins.ChangeKey, { header: hex('01'), plaintext, sameKey: false }).status).toBe(OK);
    expect(reader.send(Ins.GetKeyVersion, { data: hex('01') })).toEqual({ status: OK, data: hex('42') });
    expect(reader.authenticateEv2({ method: 'ev2-first', keyNo: 1, key: AES_KEY_1, rndA: RND_A_16 }).status).toBe(OK);
  });

  it('changing the authenticated key ends the session; the new key works', () => {
    const { reader } = appWithAesKeys();
    reader.authenticateEv1({ method: 'aes', keyNo: 0, key: ZERO_AES_KEY, keyType: 'aes128', rndA: RND_A_16 });
    const plaintext = changeKeyPlaintext({ scheme: 'ev1', keyNo: 0, authKeyNo: 0, newKeyCipher: 'aes128', oldKey: undefined, newKey: AES_KEY_2, keyVersion: 1 });
    const answer = reader.sendPreformatted(Ins.ChangeKey, { header: hex('00'), plaintext, sameKey: true });
    expect(answer).toEqual({ status: OK, data: new Uint8Array(0) });
    expect(reader.frame(Ins.CreateStdDataFile, hex('01 00 0000 100000')).status).toBe(OK);
    expect(reader.authenticateEv1({ method: 'aes', keyNo: 0, key: AES_KEY_2, keyType: 'aes128', rndA: RND_A_16 }).status).toBe(OK);
  });

  it('turns the PICC master key into AES (key type bits in KeyNo)', () => {
    const { reader, card } = newTestCard();
    authDefaultPicc(reader);
    const plaintext = changeKeyPlaintext({ scheme: 'd40', keyNo: 0x80, authKeyNo: 0, newKeyCipher: 'aes128', oldKey: undefined, newKey: AES_KEY_1, keyVersion: 0 });
    expect(reader.sendPreformatted(Ins.ChangeKey, { header: hex('80'), plaintext, sameKey: true }).status).toBe(OK);
    expect(card.image.masterKeyFamily).toBe('aes128');
    expect(reader.authenticateEv1({ method: 'aes', keyNo: 0, key: AES_KEY_1, keyType: 'aes128', rndA: RND_A_16 }).status).toBe(OK);
  });

  it('needs a session (AUTHENTICATION_ERROR) and an existing key (NO_SUCH_KEY)', () => {
    const { reader } = appWithAesKeys();
    expect(reader.frame(Ins.ChangeKey, concatBytes(hex('01'), new Uint8Array(32))).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.frame(Ins.ChangeKey, concatBytes(hex('05'), new Uint8Array(32))).status).toBe(DesfireStatus.NO_SUCH_KEY);
  });

  it('follows the ChangeKey nibble: 0xE needs the key itself, 0xF freezes keys; bit 0 guards the master key', () => {
    const same = appWithAesKeys(0xef);
    same.reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(same.reader.frame(Ins.ChangeKey, concatBytes(hex('01'), new Uint8Array(32))).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    const frozen = appWithAesKeys(0xff);
    frozen.reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(frozen.reader.frame(Ins.ChangeKey, concatBytes(hex('01'), new Uint8Array(32))).status).toBe(DesfireStatus.PERMISSION_DENIED);
    const masterLocked = appWithAesKeys(0x0e);
    masterLocked.reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(masterLocked.reader.frame(Ins.ChangeKey, concatBytes(hex('00'), new Uint8Array(32))).status).toBe(DesfireStatus.PERMISSION_DENIED);
  });
});

describe('key settings', () => {
  it('GetKeySettings at PICC level: 0F and one DES key', () => {
    const { reader } = newTestCard();
    expect(reader.frame(Ins.GetKeySettings)).toEqual({ status: OK, data: hex('0f01') });
  });

  it('ChangeKeySettings needs the master key and a changeable configuration', () => {
    const { reader, card } = appWithAesKeys(0x0b);
    expect(reader.frame(Ins.ChangeKeySettings, hex('09')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.ChangeKeySettings, { data: hex('01') }).status).toBe(OK);
    expect(card.image.applications[0]?.keySettings).toBe(0x01);
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.ChangeKeySettings, { data: hex('0f') }).status).toBe(DesfireStatus.PERMISSION_DENIED);
  });

  it('GetKeySettings without free directory list needs the master key', () => {
    const { reader } = appWithAesKeys(0x09);
    expect(reader.frame(Ins.GetKeySettings).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('GetKeyVersion is free and answers NO_SUCH_KEY past the key count', () => {
    const { reader } = appWithAesKeys(0x09);
    expect(reader.frame(Ins.GetKeyVersion, hex('02'))).toEqual({ status: OK, data: hex('00') });
    expect(reader.frame(Ins.GetKeyVersion, hex('03')).status).toBe(DesfireStatus.NO_SUCH_KEY);
  });
});
