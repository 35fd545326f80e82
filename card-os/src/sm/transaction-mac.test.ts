/**
 * Transaction MAC: TMV, EncTMRI and TMI entries.
 * Anchored on vector tmac-session-keys-pm3-1 (sm/vectors/sm-vectors.json,
 * proxmark3 TestTransSessionKeys: stored TMC 8, SV with 9): TMV and EncTMRI
 * are recomputed from the published session keys (EncTMRI with OpenSSL AES
 * directly), not from our derivation. No published TMV vector exists.
 * TMI layouts are written out by hand (NXP Reader Library phTMIUtils
 * callers, see transaction-mac-input.ts).
 */
import { createCipheriv } from 'node:crypto';
import { aesCmac, fromHex, truncateMacEv2 } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../protocol/commands.js';
import { decryptReaderId, encryptReaderId, transactionMacValue, verifyTransactionMac } from './transaction-mac.js';
import { tmiEntry } from './transaction-mac-input.js';

const VECTOR = {
  appTransactionMacKey: fromHex('66A8CB93269DC9BC2885B7A91B9C697B'),
  uid: fromHex('04010203040506'),
  /** The vector's tmc is the stored TMC (8); the transaction commits with 9. */
  transactionTmc: 9,
  sesTmMacKey: fromHex('7C1AD2D9C5C08154A0A4914B401A6598'),
  sesTmEncKey: fromHex('119B902A07B18A865B8E1B0060594784'),
};

function aesEcbBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(block), cipher.final()]));
}

const z = (lengthBytes: number): Uint8Array => new Uint8Array(lengthBytes);
const h = (text: string): Uint8Array => fromHex(text.replaceAll(' ', ''));

describe('Transaction MAC value', () => {
  const tmi = Uint8Array.from({ length: 48 }, (_, i) => i * 5 + 1);

  it('is MACt(SesTMMACKey, TMI) with the session key of the published vector', () => {
    expect(transactionMacValue({ ...VECTOR, tmi })).toEqual(truncateMacEv2(aesCmac(VECTOR.sesTmMacKey, tmi)));
  });

  it('verifies only the exact TMI, counter, card and key', () => {
    const tmv = transactionMacValue({ ...VECTOR, tmi });
    expect(verifyTransactionMac({ ...VECTOR, tmi, tmv })).toBe(true);
    const flipped = tmi.slice();
    flipped[40] = (flipped[40] ?? 0) ^ 1;
    expect(verifyTransactionMac({ ...VECTOR, tmi: flipped, tmv })).toBe(false);
    expect(verifyTransactionMac({ ...VECTOR, transactionTmc: 10, tmi, tmv })).toBe(false);
    expect(verifyTransactionMac({ ...VECTOR, tmi, tmv: tmv.subarray(1) })).toBe(false);
  });

  it('refuses a TMI that is not whole blocks and a counter outside 1..2^32-1', () => {
    expect(() => transactionMacValue({ ...VECTOR, tmi: z(15) })).toThrow(RangeError);
    expect(() => transactionMacValue({ ...VECTOR, tmi: z(0) })).toThrow(RangeError);
    expect(() => transactionMacValue({ ...VECTOR, transactionTmc: 0, tmi })).toThrow(RangeError);
    expect(() => transactionMacValue({ ...VECTOR, transactionTmc: 2 ** 32, tmi })).toThrow(RangeError);
    expect(transactionMacValue({ ...VECTOR, transactionTmc: 2 ** 32 - 1, tmi }).length).toBe(8);
  });
});

describe('EncTMRI', () => {
  const tmri = h('00112233445566778899aabbccddeeff');

  it('is AES(SesTMENCKey, TMRI) with a zero IV, one block', () => {
    const enc = encryptReaderId({ ...VECTOR, readerId: tmri });
    expect(enc).toEqual(aesEcbBlock(VECTOR.sesTmEncKey, tmri));
    expect(decryptReaderId({ ...VECTOR, encryptedReaderId: enc })).toEqual(tmri);
  });
});

describe('TMI entries', () => {
  const entry = (name: Parameters<typeof tmiEntry>[0]['name'], ins: number, command: string, response = '', recordSizeBytes?: number) =>
    tmiEntry({ name, ins, command: h(command), response: h(response), ...(recordSizeBytes === undefined ? {} : { recordSizeBytes }) });

  it('reads: Cmd ‖ header padded, then the data padded; a zero length becomes the length read', () => {
    expect(entry('readData', Ins.ReadData, '01 020000 030000', 'aabbcc')).toEqual(h(`bd 01 020000 030000 ${'00'.repeat(8)} aabbcc ${'00'.repeat(13)}`));
    expect(entry('readData', Ins.ReadDataIsoChaining, '01 000000 000000', '11'.repeat(16))).toEqual(h(`ad 01 000000 100000 ${'00'.repeat(8)} ${'11'.repeat(16)}`));
    expect(entry('readRecords', Ins.ReadRecords, '04 000000 000000', '22'.repeat(12), 4)).toEqual(h(`bb 04 000000 030000 ${'00'.repeat(8)} ${'22'.repeat(12)} ${'00'.repeat(4)}`));
    expect(() => entry('readRecords', Ins.ReadRecords, '04 000000 000000', '22'.repeat(12))).toThrow(RangeError);
  });

  it('writes: Cmd ‖ CmdHeader padded, then the written data padded', () => {
    expect(entry('writeData', Ins.WriteData, '05 000000 020000 abcd')).toEqual(h(`3d 05 000000 020000 ${'00'.repeat(8)} abcd ${'00'.repeat(14)}`));
    expect(entry('writeRecord', Ins.WriteRecord, '04 000000 010000 ee')).toEqual(h(`3b 04 000000 010000 ${'00'.repeat(8)} ee ${'00'.repeat(15)}`));
    expect(entry('updateRecord', Ins.UpdateRecord, '04 010000 000000 010000 ee')).toEqual(h(`db 04 010000 000000 010000 ${'00'.repeat(5)} ee ${'00'.repeat(15)}`));
  });

  it('value commands, ClearRecordFile and CommitReaderID: everything in one padded run', () => {
    expect(entry('getValue', Ins.GetValue, '02', 'f4010000')).toEqual(h(`6c 02 f4010000 ${'00'.repeat(10)}`));
    expect(entry('debit', Ins.Debit, '02 0a000000')).toEqual(h(`dc 02 0a000000 ${'00'.repeat(10)}`));
    expect(entry('credit', Ins.Credit, '02 0a000000')).toEqual(h(`0c 02 0a000000 ${'00'.repeat(10)}`));
    expect(entry('limitedCredit', Ins.LimitedCredit, '02 0a000000')).toEqual(h(`1c 02 0a000000 ${'00'.repeat(10)}`));
    expect(entry('clearRecordFile', Ins.ClearRecordFile, '04')).toEqual(h(`eb 04 ${'00'.repeat(14)}`));
    expect(entry('commitReaderID', Ins.CommitReaderID, '99'.repeat(16))).toEqual(h(`c8 ${'99'.repeat(16)} ${'00'.repeat(15)}`));
    expect(entry('commitReaderID', Ins.CommitReaderID, '99'.repeat(16), '77'.repeat(16))).toEqual(h(`c8 ${'99'.repeat(16)} ${'77'.repeat(16)} ${'00'.repeat(15)}`));
  });

  it('other commands add nothing', () => {
    expect(entry('getFileSettings', Ins.GetFileSettings, '02', '02000000')).toBeNull();
    expect(entry('commitTransaction', Ins.CommitTransaction, '01', '00'.repeat(12))).toBeNull();
    expect(entry('selectApplication', Ins.SelectApplication, '010000')).toBeNull();
  });
});
