import { concatBytes } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { DesfireStatus } from '../../protocol/status.js';
import { OK, hex, newTestCard, select } from '../testing/fixtures.js';

/** Free-access application with linear file 03 (4-byte records, 3 max) and cyclic file 04 (4-byte records, 4 slots). */
function setup() {
  const t = newTestCard();
  t.reader.frame(Ins.CreateApplication, hex('010000 0f 81'));
  select(t.reader, 1);
  t.reader.frame(Ins.CreateLinearRecordFile, hex('03 00 eeee 040000 030000'));
  t.reader.frame(Ins.CreateCyclicRecordFile, hex('04 00 eeee 040000 040000'));
  return t;
}

const write = (t: ReturnType<typeof setup>, fileNo: number, offset: number, data: Uint8Array): number =>
  t.reader.frame(Ins.WriteRecord, concatBytes(Uint8Array.of(fileNo, offset, 0, 0, data.length, 0, 0), data)).status;
const read = (t: ReturnType<typeof setup>, fileNo: number, newestBack: number, count: number) =>
  t.reader.exchange(Ins.ReadRecords, Uint8Array.of(fileNo, newestBack, 0, 0, count, 0, 0));
const commit = (t: ReturnType<typeof setup>): number => t.reader.frame(Ins.CommitTransaction).status;

describe('record files', () => {
  it('every WriteRecord of one transaction writes into the same cleared record (libfreefare test)', () => {
    const t = setup();
    expect(write(t, 4, 2, hex('3030'))).toBe(OK);
    expect(write(t, 4, 0, hex('722e'))).toBe(OK);
    expect(commit(t)).toBe(OK);
    expect(read(t, 4, 0, 1)).toEqual({ status: OK, data: hex('722e3030') });
  });

  it('reading an empty file is a BOUNDARY_ERROR; records come oldest first, counted back from the newest', () => {
    const t = setup();
    expect(read(t, 3, 0, 0).status).toBe(DesfireStatus.BOUNDARY_ERROR);
    for (const b of [1, 2, 3]) {
      write(t, 3, 0, Uint8Array.of(b, b, b, b));
      commit(t);
    }
    expect(read(t, 3, 0, 0)).toEqual({ status: OK, data: hex('01010101 02020202 03030303') });
    expect(read(t, 3, 0, 1)).toEqual({ status: OK, data: hex('03030303') });
    expect(read(t, 3, 1, 2)).toEqual({ status: OK, data: hex('01010101 02020202') });
    expect(read(t, 3, 1, 3).status).toBe(DesfireStatus.BOUNDARY_ERROR);
    expect(read(t, 3, 3, 1).status).toBe(DesfireStatus.BOUNDARY_ERROR);
  });

  it('a full linear file refuses WriteRecord with BOUNDARY_ERROR; ClearRecordFile empties it at commit', () => {
    const t = setup();
    for (const b of [1, 2, 3]) {
      write(t, 3, 0, Uint8Array.of(b));
      commit(t);
    }
    expect(write(t, 3, 0, hex('04'))).toBe(DesfireStatus.BOUNDARY_ERROR);
    expect(t.reader.frame(Ins.ClearRecordFile, hex('03')).status).toBe(OK);
    expect(write(t, 3, 0, hex('04'))).toBe(DesfireStatus.PERMISSION_DENIED);
    expect(t.reader.frame(Ins.ClearRecordFile, hex('03')).status).toBe(OK);
    expect(read(t, 3, 0, 0).data.length).toBe(12);
    expect(commit(t)).toBe(OK);
    expect(read(t, 3, 0, 0).status).toBe(DesfireStatus.BOUNDARY_ERROR);
    expect(write(t, 3, 0, hex('05'))).toBe(OK);
  });

  it('a cyclic file keeps max-1 records and overwrites the oldest', () => {
    const t = setup();
    for (const b of [1, 2, 3, 4, 5]) {
      expect(write(t, 4, 0, Uint8Array.of(b))).toBe(OK);
      expect(commit(t)).toBe(OK);
    }
    expect(read(t, 4, 0, 0)).toEqual({ status: OK, data: hex('03000000 04000000 05000000') });
    expect(t.reader.frame(Ins.GetFileSettings, hex('04')).data).toEqual(hex('04 00 eeee 040000 040000 030000'));
  });

  it('UpdateRecord changes a committed record at commit; WriteRecord past the record size is a BOUNDARY_ERROR', () => {
    const t = setup();
    write(t, 3, 0, hex('aaaaaaaa'));
    commit(t);
    write(t, 3, 0, hex('bbbbbbbb'));
    commit(t);
    expect(t.reader.frame(Ins.UpdateRecord, concatBytes(hex('03 010000 020000 020000'), hex('cccc'))).status).toBe(OK);
    expect(read(t, 3, 1, 1).data).toEqual(hex('aaaaaaaa'));
    expect(commit(t)).toBe(OK);
    expect(read(t, 3, 1, 1).data).toEqual(hex('aaaacccc'));
    expect(t.reader.frame(Ins.UpdateRecord, concatBytes(hex('03 020000 000000 010000'), hex('dd'))).status).toBe(DesfireStatus.BOUNDARY_ERROR);
    expect(write(t, 3, 3, hex('0102'))).toBe(DesfireStatus.BOUNDARY_ERROR);
  });

  it('ClearRecordFile needs Read&Write', () => {
    const t = setup();
    t.reader.frame(Ins.CreateLinearRecordFile, hex('05 00 00ee 040000 030000'));
    expect(t.reader.frame(Ins.ClearRecordFile, hex('05')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('records longer than one frame come over AF frames', () => {
    const t = newTestCard();
    t.reader.frame(Ins.CreateApplication, hex('010000 0f 81'));
    select(t.reader, 1);
    t.reader.frame(Ins.CreateLinearRecordFile, hex('01 00 eeee 280000 050000'));
    for (let i = 0; i < 3; i++) {
      expect(t.reader.exchange(Ins.WriteRecord, concatBytes(hex('01 000000 280000'), new Uint8Array(40).fill(i + 1))).status).toBe(OK);
      commit(t);
    }
    const first = t.reader.frame(Ins.ReadRecords, hex('01 000000 000000'));
    expect(first.status).toBe(DesfireStatus.ADDITIONAL_FRAME);
    expect(first.data.length).toBe(59);
    const expected = concatBytes(new Uint8Array(40).fill(1), new Uint8Array(40).fill(2), new Uint8Array(40).fill(3));
    expect(first.data).toEqual(expected.subarray(0, 59));
    expect(t.reader.frame(Ins.AdditionalFrame)).toEqual({ status: DesfireStatus.ADDITIONAL_FRAME, data: expected.subarray(59, 118) });
    expect(t.reader.frame(Ins.AdditionalFrame)).toEqual({ status: OK, data: expected.subarray(118) });
  });
});
