/**
 * SetConfiguration option 02 (user ATS) in D40, EV1 (DES and AES) and EV2
 * sessions, with the bytes libfreefare and proxmark3 send, and hostile
 * variants of them (sm/user-ats.ts has the framing and its sources).
 */
import { concatBytes, crc16Iso14443aBytes, crc32DesfireBytes, toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { changeKeyPlaintext } from '../../sm/change-key.js';
import { CONFIG_OPTION_ATS, userAtsPlaintext } from '../../sm/user-ats.js';
import { DESFIRE_ATR } from '../card.js';
import { FACTORY_ATS } from '../atr.js';
import { JournaledCardStore } from '../storage/journal.js';
import { MemoryMedium } from '../storage/medium.js';
import { OK, RND_A_8, RND_A_16, ZERO_AES_KEY, ZERO_DES_KEY, authDefaultPicc, createAesApp, hex, newTestCard, select, type TestCard } from '../testing/fixtures.js';
import type { Answer, TestReader } from '../testing/reader.js';

const OPTION_ATS = Uint8Array.of(CONFIG_OPTION_ATS);
/** TL 0A, the DESFire interface bytes, historical bytes 80 4F 4E 45 43. */
const CUSTOM_ATS = hex('0a 75 77 81 02 80 4f 4e 45 43');
/** What libnfc and PC/SC make of CUSTOM_ATS: 3B 85 80 01 ‖ 80 4F 4E 45 43 ‖ TCK. */
const CUSTOM_ATR_HEX = '3b858001804f4e454383';

function sendAtsPlaintext(reader: TestReader, plaintext: Uint8Array): Answer {
  return reader.sendPreformatted(Ins.SetConfiguration, { header: OPTION_ATS, plaintext, sameKey: false });
}

/** The PICC master key changed to AES zero (from a D40 session), then an AES session: EV1 'aes' or EV2. */
function aesPiccCard(): TestCard {
  const t = newTestCard();
  authDefaultPicc(t.reader);
  const plaintext = changeKeyPlaintext({ scheme: 'd40', keyNo: 0x80, authKeyNo: 0, newKeyCipher: 'aes128', oldKey: undefined, newKey: ZERO_AES_KEY, keyVersion: 0 });
  expect(t.reader.sendPreformatted(Ins.ChangeKey, { header: hex('80'), plaintext, sameKey: true }).status).toBe(OK);
  return t;
}

describe('SetConfiguration option 02 (user ATS): the bytes libfreefare and proxmark3 send', () => {
  it('D40: ATS ‖ CRC16(ATS) ‖ 80 00… is taken; the factory ATS leaves the ATR as it was', () => {
    const { reader, card } = newTestCard();
    authDefaultPicc(reader);
    // ATS ‖ CRC16 is exactly one DES block: the 80 starts a second one (the case zero-padding CRC search misses).
    expect(sendAtsPlaintext(reader, concatBytes(FACTORY_ATS, crc16Iso14443aBytes(FACTORY_ATS), hex('80'))).status).toBe(OK);
    expect(card.image.configuration.userAts).toEqual(FACTORY_ATS);
    expect(card.atr).toEqual(DESFIRE_ATR);
  });

  it('D40: a custom ATS reaches the ATR historical bytes and survives power cycles, reloads and FormatPICC', () => {
    const medium = new MemoryMedium();
    const { reader, card } = newTestCard({ store: new JournaledCardStore(medium) });
    authDefaultPicc(reader);
    expect(sendAtsPlaintext(reader, userAtsPlaintext({ scheme: 'd40', ats: CUSTOM_ATS })).status).toBe(OK);
    card.powerOff();
    card.powerOn();
    expect(toHex(card.atr)).toBe(CUSTOM_ATR_HEX);
    authDefaultPicc(reader);
    expect(reader.send(Ins.FormatPICC).status).toBe(OK);
    const reopened = newTestCard({ store: new JournaledCardStore(medium) });
    expect(reopened.card.image.configuration.userAts).toEqual(CUSTOM_ATS);
    expect(toHex(reopened.card.atr)).toBe(CUSTOM_ATR_HEX);
  });

  it('EV1 with a DES key (ISO 1A): ATS ‖ CRC32(5C 02 ATS) ‖ 80 00…', () => {
    const { reader, card } = newTestCard();
    reader.authenticateEv1({ method: 'iso', keyNo: 0, key: ZERO_DES_KEY, keyType: 'des', rndA: RND_A_8 });
    const crc = crc32DesfireBytes(concatBytes(hex('5c02'), CUSTOM_ATS));
    expect(sendAtsPlaintext(reader, concatBytes(CUSTOM_ATS, crc, hex('80'))).status).toBe(OK);
    expect(card.image.configuration.userAts).toEqual(CUSTOM_ATS);
    // The session goes on: the answer's CMAC was verified by the reader, the IV is in step.
    expect(reader.send(Ins.GetKeyVersion, { data: hex('00') }).status).toBe(OK);
  });

  it('EV1 with an AES key (AA): 16-byte blocks', () => {
    const { reader, card } = aesPiccCard();
    reader.authenticateEv1({ method: 'aes', keyNo: 0, key: ZERO_AES_KEY, keyType: 'aes128', rndA: RND_A_16 });
    expect(sendAtsPlaintext(reader, userAtsPlaintext({ scheme: 'ev1', ats: FACTORY_ATS })).status).toBe(OK);
    expect(card.image.configuration.userAts).toEqual(FACTORY_ATS);
  });

  it('EV2: ordinary full mode, ATS ‖ 80 00… and MACt, no CRC', () => {
    const { reader, card } = aesPiccCard();
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    expect(reader.send(Ins.SetConfiguration, { header: OPTION_ATS, data: userAtsPlaintext({ scheme: 'ev2', ats: CUSTOM_ATS }) }).status).toBe(OK);
    expect(card.image.configuration.userAts).toEqual(CUSTOM_ATS);
    expect(reader.send(Ins.GetKeyVersion, { data: hex('00') }).status).toBe(OK);
  });

  it('options 00 and 01 keep their framing (zero padding, CRC search) next to option 02', () => {
    const { reader, card } = newTestCard();
    authDefaultPicc(reader);
    expect(sendAtsPlaintext(reader, userAtsPlaintext({ scheme: 'd40', ats: CUSTOM_ATS })).status).toBe(OK);
    authDefaultPicc(reader);
    expect(reader.send(Ins.SetConfiguration, { header: hex('00'), data: hex('01') }).status).toBe(OK);
    expect(card.image.configuration).toMatchObject({ formatDisabled: true, userAts: CUSTOM_ATS });
  });
});

describe('SetConfiguration option 02: hostile and malformed input', () => {
  const d40 = (ats: Uint8Array): Uint8Array => concatBytes(ats, crc16Iso14443aBytes(ats));

  /** Sends in a fresh D40 session; checks the card kept its factory ATS and ended the session. */
  function refusedInD40(plaintext: Uint8Array): number {
    const { reader, card } = newTestCard();
    authDefaultPicc(reader);
    const { status } = sendAtsPlaintext(reader, plaintext);
    expect(card.image.configuration.userAts).toBeNull();
    expect(card.atr).toEqual(DESFIRE_ATR);
    // The error ended the authentication: another SetConfiguration needs a new one.
    expect(reader.frame(Ins.SetConfiguration, hex('0001')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    return status;
  }

  it.each([
    ['zero padding (the framing of the other options)', d40(CUSTOM_ATS)],
    ['a wrong CRC', concatBytes(CUSTOM_ATS, hex('0000 80'))],
    ['a byte other than 80 after the CRC', concatBytes(d40(CUSTOM_ATS), hex('81'))],
    ['a non-zero byte after the 80', concatBytes(d40(CUSTOM_ATS), hex('80 00 01'))],
    ['a TL one byte short of the ATS', concatBytes(hex('09'), CUSTOM_ATS.subarray(1), crc16Iso14443aBytes(CUSTOM_ATS), hex('80'))],
  ])('%s → INTEGRITY_ERROR', (_name, plaintext) => {
    expect(refusedInD40(plaintext)).toBe(DesfireStatus.INTEGRITY_ERROR);
  });

  it.each([
    ['TL 00', concatBytes(hex('00'), crc16Iso14443aBytes(hex('00')), hex('80'))],
    ['TL beyond the data', concatBytes(hex('20 75 77'), hex('80'))],
    ['an ATS of 21 bytes (TL 15)', userAtsPlaintext({ scheme: 'd40', ats: Uint8Array.of(0x15, ...new Uint8Array(20).fill(0x11)) })],
    ['TL 0xFF', concatBytes(hex('ff'), new Uint8Array(30))],
  ])('%s → LENGTH_ERROR', (_name, plaintext) => {
    expect(refusedInD40(plaintext)).toBe(DesfireStatus.LENGTH_ERROR);
  });

  it('takes a 20-byte ATS, the longest', () => {
    const { reader, card } = newTestCard();
    authDefaultPicc(reader);
    const ats = Uint8Array.of(0x14, 0x75, 0x77, 0x81, 0x02, ...new Uint8Array(15).fill(0x42));
    expect(sendAtsPlaintext(reader, userAtsPlaintext({ scheme: 'd40', ats })).status).toBe(OK);
    expect(card.image.configuration.userAts).toEqual(ats);
    expect(card.atr.length).toBe(4 + 15 + 1);
  });

  it('ciphertext that is not a whole number of blocks, or none, → LENGTH_ERROR', () => {
    const { reader, card } = newTestCard();
    authDefaultPicc(reader);
    expect(reader.frame(Ins.SetConfiguration, hex('02 0102030405')).status).toBe(DesfireStatus.LENGTH_ERROR);
    authDefaultPicc(reader);
    expect(reader.frame(Ins.SetConfiguration, hex('02')).status).toBe(DesfireStatus.LENGTH_ERROR);
    expect(card.image.configuration.userAts).toBeNull();
  });

  it('EV1 AES: a CRC16 instead of the CRC32 → INTEGRITY_ERROR', () => {
    const { reader, card } = aesPiccCard();
    reader.authenticateEv1({ method: 'aes', keyNo: 0, key: ZERO_AES_KEY, keyType: 'aes128', rndA: RND_A_16 });
    expect(sendAtsPlaintext(reader, userAtsPlaintext({ scheme: 'd40', ats: CUSTOM_ATS })).status).toBe(DesfireStatus.INTEGRITY_ERROR);
    expect(card.image.configuration.userAts).toBeNull();
  });

  it('EV2: data longer than TL → LENGTH_ERROR; an EV1-style CRC after the ATS is such data', () => {
    const { reader, card } = aesPiccCard();
    reader.authenticateEv2({ method: 'ev2-first', keyNo: 0, key: ZERO_AES_KEY, rndA: RND_A_16 });
    const withCrc = userAtsPlaintext({ scheme: 'ev1', ats: CUSTOM_ATS });
    expect(reader.send(Ins.SetConfiguration, { header: OPTION_ATS, data: withCrc }).status).toBe(DesfireStatus.LENGTH_ERROR);
    expect(card.image.configuration.userAts).toBeNull();
  });

  it('needs the PICC master key: unauthenticated → AUTHENTICATION_ERROR, inside an application → PERMISSION_DENIED', () => {
    const { reader, card } = newTestCard();
    expect(reader.frame(Ins.SetConfiguration, concatBytes(OPTION_ATS, new Uint8Array(16))).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    expect(createAesApp(reader, { aid: 0x0a0b0c, keyCount: 1 }).status).toBe(OK);
    select(reader, 0x0a0b0c);
    reader.authenticateEv1({ method: 'aes', keyNo: 0, key: ZERO_AES_KEY, keyType: 'aes128', rndA: RND_A_16 });
    expect(sendAtsPlaintext(reader, userAtsPlaintext({ scheme: 'ev1', ats: CUSTOM_ATS })).status).toBe(DesfireStatus.PERMISSION_DENIED);
    expect(card.image.configuration.userAts).toBeNull();
  });
});
