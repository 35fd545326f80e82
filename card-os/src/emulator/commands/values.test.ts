import { describe, expect, it } from 'vitest';
import { Ins } from '../../protocol/commands.js';
import { encodeValueLe } from '../../protocol/file-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import { OK, RND_A_16, ZERO_AES_KEY, hex, newTestCard, select } from '../testing/fixtures.js';

/** Value file 02: limits 0..1000, value 100, rights R=1 W=2 RW=3 C=0, limited credit enabled (option byte `flags`). */
function setup(flags = '01', mode = '03') {
  const t = newTestCard();
  t.reader.frame(Ins.CreateApplication, hex('010000 0f 84'));
  select(t.reader, 1);
  expect(t.reader.frame(Ins.CreateValueFile, hex(`02 ${mode} 3012 00000000 e8030000 64000000 ${flags}`)).status).toBe(OK);
  return t;
}

function auth(t: ReturnType<typeof setup>, keyNo: number): void {
  t.reader.authenticateEv2({ method: 'ev2-first', keyNo, key: ZERO_AES_KEY, rndA: RND_A_16 });
}

const op = (t: ReturnType<typeof setup>, ins: number, amount: number, fileMode: 'plain' | 'full' = 'full'): number =>
  t.reader.send(ins, { header: hex('02'), data: encodeValueLe(amount), fileMode }).status;
const value = (t: ReturnType<typeof setup>): Uint8Array => t.reader.send(Ins.GetValue, { header: hex('02'), fileMode: 'full' }).data;

describe('value files', () => {
  it('Credit and Debit accumulate and become visible at commit; GetValue sees the committed value', () => {
    const t = setup();
    auth(t, 3);
    expect(op(t, Ins.Credit, 100)).toBe(OK);
    expect(op(t, Ins.Debit, 97)).toBe(OK);
    expect(value(t)).toEqual(encodeValueLe(100));
    expect(t.reader.send(Ins.CommitTransaction).status).toBe(OK);
    expect(value(t)).toEqual(encodeValueLe(103));
    // The debits of the last transaction become the limited credit value (libfreefare test_mifare_desfire).
    expect(t.reader.send(Ins.GetFileSettings, { header: hex('02') }).data).toEqual(hex('02 03 3012 00000000 e8030000 61000000 01'));
  });

  it('GetValue and Debit need Read, Write or Read&Write; Credit needs Read&Write; LimitedCredit Write or Read&Write', () => {
    const readKey = setup();
    auth(readKey, 1);
    expect(value(readKey)).toEqual(encodeValueLe(100));
    expect(op(readKey, Ins.Debit, 1)).toBe(OK);
    expect(op(readKey, Ins.Credit, 1)).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    const writeKey = setup();
    auth(writeKey, 2);
    expect(value(writeKey)).toEqual(encodeValueLe(100));
    expect(op(writeKey, Ins.Debit, 10)).toBe(OK);
    expect(writeKey.reader.send(Ins.CommitTransaction).status).toBe(OK);
    expect(op(writeKey, Ins.LimitedCredit, 1)).toBe(OK);
    auth(writeKey, 2);
    expect(op(writeKey, Ins.Credit, 1)).toBe(DesfireStatus.AUTHENTICATION_ERROR);
    const none = setup();
    expect(none.reader.frame(Ins.GetValue, hex('02')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('free GetValue (option bit 1) answers without authentication, plain', () => {
    const t = setup('02');
    expect(t.reader.frame(Ins.GetValue, hex('02'))).toEqual({ status: OK, data: encodeValueLe(100) });
  });

  it('limits give BOUNDARY_ERROR, and the error drops the pending transaction and the session', () => {
    const t = setup();
    auth(t, 3);
    expect(op(t, Ins.Credit, 900)).toBe(OK);
    expect(op(t, Ins.Credit, 1)).toBe(DesfireStatus.BOUNDARY_ERROR);
    auth(t, 3);
    expect(t.reader.send(Ins.CommitTransaction).status).toBe(DesfireStatus.NO_CHANGES);
    expect(op(t, Ins.Debit, 101)).toBe(DesfireStatus.BOUNDARY_ERROR);
    expect(t.reader.frame(Ins.GetValue, hex('02')).status).toBe(DesfireStatus.AUTHENTICATION_ERROR);
  });

  it('LimitedCredit: only when enabled, at most the last debits, once', () => {
    const disabled = setup('00');
    auth(disabled, 3);
    expect(op(disabled, Ins.LimitedCredit, 0)).toBe(DesfireStatus.PERMISSION_DENIED);
    const t = setup();
    auth(t, 3);
    expect(op(t, Ins.Debit, 30)).toBe(OK);
    expect(t.reader.send(Ins.CommitTransaction).status).toBe(OK);
    expect(op(t, Ins.LimitedCredit, 31)).toBe(DesfireStatus.BOUNDARY_ERROR);
    auth(t, 3);
    expect(op(t, Ins.LimitedCredit, 20)).toBe(OK);
    expect(op(t, Ins.LimitedCredit, 5)).toBe(DesfireStatus.BOUNDARY_ERROR);
    auth(t, 3);
    expect(op(t, Ins.LimitedCredit, 20)).toBe(OK);
    expect(t.reader.send(Ins.CommitTransaction).status).toBe(OK);
    expect(value(t)).toEqual(encodeValueLe(90));
    expect(op(t, Ins.LimitedCredit, 1)).toBe(DesfireStatus.BOUNDARY_ERROR);
  });

  it('negative amounts are PARAMETER_ERROR, a short command LENGTH_ERROR', () => {
    const t = setup('01', '00');
    auth(t, 3);
    expect(op(t, Ins.Credit, -5, 'plain')).toBe(DesfireStatus.PARAMETER_ERROR);
    auth(t, 3);
    expect(t.reader.send(Ins.Debit, { header: hex('02'), data: hex('0100'), fileMode: 'plain' }).status).toBe(DesfireStatus.LENGTH_ERROR);
  });
});
