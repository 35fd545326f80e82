/**
 * Transaction MAC end to end through the card's APDU interface: the TMV a
 * commit answers is checked with sm/'s verifier against a TMI written out
 * by hand here (sm/transaction-mac-input.ts layout), so card and verifier
 * cannot agree by sharing a bug in the TMI builder.
 */
import { concatBytes, fromHex, readUintLe } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { encodeValueLe } from '../../protocol/file-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import { decryptReaderId, verifyTransactionMac } from '../../sm/transaction-mac.js';
import { OK, RND_A_16, TEST_UID, ZERO_AES_KEY, hex, newTestCard, select, type TestCard } from '../testing/fixtures.js';

const TM_KEY = fromHex('5b1c3d2e4f60718293a4b5c6d7e8f901');
const READER_A = fromHex('a0a1a2a3a4a5a6a7a8a9aaabacadaeaf');
const READER_B = fromHex('b0b1b2b3b4b5b6b7b8b9babbbcbdbebf');
const NO_READER = new Uint8Array(16);
/** AccessRights wire bytes (RW<<4 | C, R<<4 | W): Read key 0, Write RFU, CommitReaderID per `rw`, Change key 0. */
const TMAC_RIGHTS = { key0: '000f', free: 'e00f', disabled: 'f00f', key1: '100f' } as const;

/** AES app 000001 (2 keys), value file 02 (0..1000, 500, all rights key 0, plain), std file 05 (20 bytes, free read), TMAC file 0F. */
function setup(rights: keyof typeof TMAC_RIGHTS = 'key0'): TestCard {
  const t = newTestCard();
  expect(t.reader.frame(Ins.CreateApplication, hex('010000 0f 82')).status).toBe(OK);
  select(t.reader, 1);
  expect(t.reader.frame(Ins.CreateValueFile, hex('02 00 0000 00000000 e8030000 f4010000 00')).status).toBe(OK);
  expect(t.reader.frame(Ins.CreateStdDataFile, hex('05 00 00e0 140000')).status).toBe(OK);
  auth(t);
  const created = t.reader.send(Ins.CreateTransactionMACFile, { header: hex(`0f 00 ${TMAC_RIGHTS[rights]} 02`), data: concatBytes(TM_KEY, hex('01')) });
  expect(created.status).toBe(OK);
  return t;
}

function auth(t: TestCard, keyNo = 0): void {
  expect(t.reader.authenticateEv2({ method: 'ev2-first', keyNo, key: ZERO_AES_KEY, rndA: RND_A_16 }).status).toBe(OK);
}

const debit = (t: TestCard, amount: number): number => t.reader.send(Ins.Debit, { header: hex('02'), data: encodeValueLe(amount), fileMode: 'plain' }).status;
const commitReaderId = (t: TestCard, tmri: Uint8Array) => t.reader.send(Ins.CommitReaderID, { header: tmri });
const commitWithMac = (t: TestCard) => t.reader.send(Ins.CommitTransaction, { header: hex('01') });

function tmacFile(t: TestCard): { tmc: number; tmv: Uint8Array; readerId: Uint8Array } {
  const file = t.card.image.applications[0]?.files.find((f) => f.kind === 'tmac');
  if (file?.kind !== 'tmac') throw new Error('no Transaction MAC file');
  return { tmc: file.tmc, tmv: file.tmv, readerId: file.readerId };
}

function balance(t: TestCard): number {
  const file = t.card.image.applications[0]?.files.find((f) => f.fileNo === 2);
  return file?.kind === 'value' ? file.value : Number.NaN;
}

/** TMI entries written out by hand: Cmd ‖ data padded to 16-byte blocks. */
const tmiCommitReaderId = (tmri: Uint8Array, encTmri: Uint8Array): Uint8Array => concatBytes(hex('c8'), tmri, encTmri, new Uint8Array(15));
const tmiDebit = (amountHexLe: string): Uint8Array => concatBytes(hex(`dc 02 ${amountHexLe}`), new Uint8Array(10));

describe('CreateTransactionMACFile and GetFileSettings', () => {
  it('creates one TMAC file per application, with the key sent in full mode, and reports its settings', () => {
    const t = setup();
    expect(t.reader.send(Ins.GetFileSettings, { header: hex('0f') })).toEqual({ status: OK, data: hex('05 00 000f 02 01') });
    expect(tmacFile(t)).toEqual({ tmc: 0, tmv: new Uint8Array(8), readerId: NO_READER });
    expect(t.card.image.applications[0]?.files.find((f) => f.kind === 'tmac')).toMatchObject({ tmKey: TM_KEY, tmKeyVersion: 1 });
    const second = t.reader.send(Ins.CreateTransactionMACFile, { header: hex('0e 00 000f 02'), data: concatBytes(TM_KEY, hex('01')) });
    expect(second.status).toBe(DesfireStatus.DUPLICATE_ERROR);
  });

  it('needs the application master key and an AES TMKeyOption', () => {
    const t = setup();
    auth(t, 1);
    expect(t.reader.send(Ins.CreateTransactionMACFile, { header: hex('0e 00 000f 02'), data: concatBytes(TM_KEY, hex('01')) }).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    auth(t, 0);
    t.reader.send(Ins.DeleteFile, { header: hex('0f') });
    auth(t, 0);
    expect(t.reader.send(Ins.CreateTransactionMACFile, { header: hex('0e 00 000f 01'), data: concatBytes(TM_KEY, hex('01')) }).status).toBe(DesfireStatus.PARAMETER_ERROR);
  });
});

describe('CommitTransaction with a Transaction MAC file', () => {
  it('answers TMC ‖ TMV that the AppTransactionMACKey holder verifies over the hand-built TMI', () => {
    const t = setup();
    auth(t);
    const enc = commitReaderId(t, READER_A);
    expect(enc.status).toBe(OK);
    expect(enc.data.length).toBe(16);
    expect(debit(t, 10)).toBe(OK);
    const committed = commitWithMac(t);
    expect(committed.status).toBe(OK);
    expect(committed.data.length).toBe(12);
    const tmc = readUintLe(committed.data, 0, 4);
    const tmv = committed.data.slice(4);
    expect(tmc).toBe(1);
    const tmi = concatBytes(tmiCommitReaderId(READER_A, enc.data), tmiDebit('0a000000'));
    expect(verifyTransactionMac({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: tmc, tmi, tmv })).toBe(true);
    // A changed amount, another counter, another card or another key do not verify.
    const forged = concatBytes(tmiCommitReaderId(READER_A, enc.data), tmiDebit('0b000000'));
    expect(verifyTransactionMac({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: tmc, tmi: forged, tmv })).toBe(false);
    expect(verifyTransactionMac({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: 2, tmi, tmv })).toBe(false);
    expect(verifyTransactionMac({ appTransactionMacKey: TM_KEY, uid: fromHex('04112233445567'), transactionTmc: tmc, tmi, tmv })).toBe(false);
    expect(verifyTransactionMac({ appTransactionMacKey: ZERO_AES_KEY, uid: TEST_UID, transactionTmc: tmc, tmi, tmv })).toBe(false);
    // The TMAC file holds the same TMC ‖ TMV, readable with its Read key.
    auth(t);
    expect(t.reader.send(Ins.ReadData, { header: hex('0f 000000 000000'), fileMode: 'plain' })).toEqual({ status: OK, data: committed.data });
    expect(balance(t)).toBe(490);
  });

  it('MACs reads too: ReadData of "to the end" puts the length actually read into the TMI', () => {
    const t = setup('disabled');
    auth(t);
    const read = t.reader.send(Ins.ReadData, { header: hex('05 000000 000000'), fileMode: 'plain' });
    expect(read).toEqual({ status: OK, data: new Uint8Array(20) });
    const committed = commitWithMac(t);
    expect(committed.status).toBe(OK);
    const tmi = concatBytes(hex('bd 05 000000 140000'), new Uint8Array(8), new Uint8Array(20), new Uint8Array(12));
    expect(verifyTransactionMac({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: 1, tmi, tmv: committed.data.slice(4) })).toBe(true);
  });

  it('increments TMC exactly once per commit, never on abort, error, reselect or power loss', () => {
    const t = setup('disabled');
    for (let expected = 1; expected <= 3; expected++) {
      auth(t);
      expect(debit(t, 1)).toBe(OK);
      expect(t.reader.send(Ins.CommitTransaction).status).toBe(OK);
      expect(tmacFile(t).tmc).toBe(expected);
    }
    const after = tmacFile(t);
    auth(t);
    expect(debit(t, 1)).toBe(OK);
    expect(t.reader.send(Ins.AbortTransaction).status).toBe(OK);
    expect(t.reader.send(Ins.CommitTransaction).status).toBe(DesfireStatus.NO_CHANGES);
    expect(debit(t, 1)).toBe(OK);
    expect(debit(t, 10_000)).toBe(DesfireStatus.BOUNDARY_ERROR);
    auth(t);
    expect(t.reader.send(Ins.CommitTransaction).status).toBe(DesfireStatus.NO_CHANGES);
    expect(debit(t, 1)).toBe(OK);
    select(t.reader, 1);
    expect(t.reader.frame(Ins.CommitTransaction).status).toBe(DesfireStatus.NO_CHANGES);
    auth(t);
    expect(debit(t, 1)).toBe(OK);
    t.card.powerOff();
    t.card.powerOn();
    select(t.reader, 1);
    expect(t.reader.frame(Ins.CommitTransaction).status).toBe(DesfireStatus.NO_CHANGES);
    expect(tmacFile(t)).toEqual(after);
    expect(balance(t)).toBe(497);
  });

  it('option 01 needs a Transaction MAC file; other options are PARAMETER_ERROR', () => {
    const t = newTestCard();
    t.reader.frame(Ins.CreateApplication, hex('010000 0f 81'));
    select(t.reader, 1);
    expect(t.reader.frame(Ins.CommitTransaction, hex('01')).status).toBe(DesfireStatus.PARAMETER_ERROR);
    expect(setup().reader.send(Ins.CommitTransaction, { header: hex('02') }).status).toBe(DesfireStatus.PARAMETER_ERROR);
  });
});

describe('CommitReaderID', () => {
  it('answers the previous transaction’s reader ID enciphered; the key holder deciphers it', () => {
    const t = setup();
    auth(t);
    const first = commitReaderId(t, READER_A);
    expect(decryptReaderId({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: 1, encryptedReaderId: first.data })).toEqual(NO_READER);
    expect(debit(t, 5)).toBe(OK);
    expect(t.reader.send(Ins.CommitTransaction).status).toBe(OK);
    expect(tmacFile(t).readerId).toEqual(READER_A);
    auth(t);
    const second = commitReaderId(t, READER_B);
    expect(second.status).toBe(OK);
    expect(decryptReaderId({ appTransactionMacKey: TM_KEY, uid: TEST_UID, transactionTmc: 2, encryptedReaderId: second.data })).toEqual(READER_A);
    expect(debit(t, 5)).toBe(OK);
    expect(t.reader.send(Ins.CommitTransaction).status).toBe(OK);
    expect(tmacFile(t)).toMatchObject({ tmc: 2, readerId: READER_B });
  });

  it('is mandatory when enabled: a MACed commit without it is refused and changes nothing', () => {
    const t = setup('key0');
    auth(t);
    expect(debit(t, 7)).toBe(OK);
    expect(t.reader.send(Ins.CommitTransaction).status).toBe(DesfireStatus.PERMISSION_DENIED);
    expect(tmacFile(t).tmc).toBe(0);
    expect(balance(t)).toBe(500);
  });

  it('follows the ReadWrite right: disabled, wrong key, free without a session, once per transaction', () => {
    expect(commitReaderId(withAuth(setup('disabled')), READER_A).status).toBe(DesfireStatus.PERMISSION_DENIED);
    expect(commitReaderId(withAuth(setup('key1')), READER_A).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    const free = setup('free');
    select(free.reader, 1);
    expect(free.reader.frame(Ins.CommitReaderID, READER_A)).toEqual({ status: OK, data: new Uint8Array(0) });
    expect(free.reader.frame(Ins.CommitReaderID, READER_B).status).toBe(DesfireStatus.PERMISSION_DENIED);
    expect(free.reader.frame(Ins.CommitReaderID, READER_A.subarray(1)).status).toBe(DesfireStatus.LENGTH_ERROR);
    const noTmac = newTestCard();
    noTmac.reader.frame(Ins.CreateApplication, hex('010000 0f 81'));
    select(noTmac.reader, 1);
    expect(noTmac.reader.frame(Ins.CommitReaderID, READER_A).status).toBe(DesfireStatus.PERMISSION_DENIED);
  });
});

function withAuth(t: TestCard): TestCard {
  auth(t);
  return t;
}
