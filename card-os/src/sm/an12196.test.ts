/**
 * AN12196 end to end through one live session pair: AuthenticateEV2First
 * with key 00 (Table 14), then full-mode WriteData (Table 18, CmdCtr 0) and
 * ChangeFileSettings (Table 19, CmdCtr 1), byte for byte, values taken from
 * vectors/sm-vectors.json.
 */
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { nativeResponse, wrapNative } from '../protocol/apdu.js';
import { Ins, commandSpec, headerLengthFor } from '../protocol/commands.js';
import { DesfireStatus } from '../protocol/status.js';
import { splitPlainCapdu } from './runner.js';
import { ev2AuthTrace } from './runner-auth.js';

interface Vector { id: string; inputs: Record<string, string>; expected: Record<string, string> }
const vectors = (JSON.parse(readFileSync(new URL('./vectors/sm-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors;
function vector(id: string): Vector {
  const v = vectors.find((x) => x.id === id);
  if (v === undefined) throw new Error(`vector ${id} missing`);
  return v;
}
const h = (s: string | undefined): Uint8Array => fromHex(s ?? '');
const up = (b: Uint8Array): string => toHex(b).toUpperCase();

describe('AN12196 session: Table 14 → Table 18 → Table 19', () => {
  it('reproduces every APDU with one host and one card session', () => {
    const auth = vector('ev2-auth-first-an12196-table14-key00');
    const write = vector('ev2-full-an12196-table18-writedata-ndef');
    const cfs = vector('ev2-full-an12196-table19-changefilesettings');

    const trace = ev2AuthTrace({
      method: 'ev2-first', key: h(auth.inputs['key']), keyNo: 0, rndA: h(auth.inputs['rnd_a']), rndB: h(auth.inputs['rnd_b']),
      ti: h(auth.expected['ti']), pdCap2: h(auth.expected['pdcap2']), pcdCap2: new Uint8Array(0),
    });
    expect(up(trace.capdu1)).toBe(auth.inputs['capdu1']);
    expect(up(trace.rapdu1)).toBe(auth.expected['rapdu1']);
    expect(up(trace.capdu2)).toBe(auth.inputs['capdu2']);
    expect(up(trace.rapdu2)).toBe(auth.expected['rapdu2']);
    const host = trace.hostSession;
    const card = trace.cardSession;
    expect(host.cmdCtr).toBe(0);

    // Table 18: WriteData in full mode, CmdCtr 0.
    const w = splitPlainCapdu(h(write.inputs['plain_capdu']));
    const wrapped = host.wrapCommand({ ...w, mode: 'full' });
    if (!wrapped.ok) throw new Error(wrapped.reason);
    expect(up(wrapNative(w.ins, wrapped.body))).toBe(write.expected['capdu']);
    const spec = commandSpec(Ins.WriteDataIsoChaining);
    if (spec === undefined) throw new Error('spec');
    const headerBytes = headerLengthFor(spec, wrapped.body) ?? 0;
    const atCard = card.unwrapCommand({ ins: w.ins, header: wrapped.body.subarray(0, headerBytes), body: wrapped.body.subarray(headerBytes), mode: 'full' });
    expect(atCard.ok && up(atCard.data)).toBe(up(w.data));
    const answer = card.wrapResponse({ status: DesfireStatus.OPERATION_OK, data: new Uint8Array(0), mode: 'mac' });
    expect(up(nativeResponse(answer, DesfireStatus.OPERATION_OK))).toBe(write.expected['rapdu']);
    expect(host.unwrapResponse({ status: DesfireStatus.OPERATION_OK, body: answer, mode: 'mac' }).ok).toBe(true);
    expect(host.cmdCtr).toBe(1);
    expect(card.cmdCtr).toBe(1);

    // Table 19: ChangeFileSettings in full mode, CmdCtr 1.
    const header = h(cfs.inputs['cmd_header']);
    const data = h(cfs.inputs['cmd_data']);
    const c = host.wrapCommand({ ins: Ins.ChangeFileSettings, header, data, mode: 'full' });
    if (!c.ok) throw new Error(c.reason);
    expect(up(c.body)).toBe(cfs.expected['capdu_data']);
    const cAtCard = card.unwrapCommand({ ins: Ins.ChangeFileSettings, header, body: c.body.subarray(header.length), mode: 'full' });
    expect(cAtCard.ok && up(cAtCard.data)).toBe(up(data));
    const cAnswer = card.wrapResponse({ status: DesfireStatus.OPERATION_OK, data: new Uint8Array(0), mode: 'mac' });
    expect(up(cAnswer)).toBe(cfs.expected['response_mac_t']);
    expect(host.unwrapResponse({ status: DesfireStatus.OPERATION_OK, body: cAnswer, mode: 'mac' }).ok).toBe(true);

    host.end();
    card.end();
    expect(host.wrapCommand({ ...w, mode: 'full' })).toMatchObject({ ok: false, reason: 'session_ended' });
  });

  it('rejects a flipped MAC byte with integrity_error and ends the session', () => {
    const auth = vector('ev2-auth-first-an12196-table14-key00');
    const cfs = vector('ev2-full-an12196-table19-changefilesettings');
    const trace = ev2AuthTrace({
      method: 'ev2-first', key: h(auth.inputs['key']), keyNo: 0, rndA: h(auth.inputs['rnd_a']), rndB: h(auth.inputs['rnd_b']),
      ti: h(auth.expected['ti']), pdCap2: h(auth.expected['pdcap2']),
    });
    const header = h(cfs.inputs['cmd_header']);
    const c = trace.hostSession.wrapCommand({ ins: Ins.ChangeFileSettings, header, data: h(cfs.inputs['cmd_data']), mode: 'full' });
    if (!c.ok) throw new Error(c.reason);
    const tampered = c.body.slice(header.length);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
    const r = trace.cardSession.unwrapCommand({ ins: Ins.ChangeFileSettings, header, body: tampered, mode: 'full' });
    expect(r).toEqual({ ok: false, status: DesfireStatus.INTEGRITY_ERROR, reason: 'integrity_error' });
    expect(trace.cardSession.ended).toBe(true);
    trace.hostSession.end();
  });
});
