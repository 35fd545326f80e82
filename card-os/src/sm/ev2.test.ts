import { fromHex, toHex } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { DesfireStatus } from '../protocol/status.js';
import { CardEv2Auth, HostEv2Auth, parseEv2AuthCommand } from './auth-ev2.js';
import { EV2_CMD_CTR_MAX, m2UnpadLength } from './ev2-crypto.js';
import { Ev2Session } from './session-ev2.js';
import { ev1SessionKey } from './session-keys.js';
import { ev2Pair, rnd } from './test-helpers.js';

describe('EV2 sessions', () => {
  it('advances CmdCtr once per command/response pair, plain mode included (AN12343 §4.1)', () => {
    const { host, card } = ev2Pair();
    for (let i = 0; i < 3; i++) {
      const w = host.wrapCommand({ ins: 0x60, header: new Uint8Array(0), data: new Uint8Array(0), mode: 'plain' });
      expect(w.ok).toBe(true);
      card.unwrapCommand({ ins: 0x60, header: new Uint8Array(0), body: new Uint8Array(0), mode: 'plain' });
      const body = card.wrapResponse({ status: DesfireStatus.OPERATION_OK, data: rnd(7), mode: 'plain' });
      expect(host.unwrapResponse({ status: DesfireStatus.OPERATION_OK, body, mode: 'plain' }).ok).toBe(true);
    }
    expect(host.cmdCtr).toBe(3);
    expect(card.cmdCtr).toBe(3);
    host.end();
    card.end();
  });

  it('stops at CmdCtr 0xFFFF with command_counter_exhausted', () => {
    const state = { keyNo: 0, sesAuthEncKey: rnd(16), sesAuthMacKey: rnd(16), ti: rnd(4), cmdCtr: EV2_CMD_CTR_MAX };
    const host = new Ev2Session({ ...state, role: 'host' });
    expect(host.wrapCommand({ ins: 0x60, header: new Uint8Array(0), data: new Uint8Array(0), mode: 'mac' }))
      .toMatchObject({ ok: false, reason: 'command_counter_exhausted' });
    expect(host.ended).toBe(true);
  });

  it('rejects bad M2 padding even under a valid MAC', () => {
    expect(m2UnpadLength(fromHex('0102038000000000'), 8)).toBe(3);
    expect(m2UnpadLength(fromHex('0102030000000000'), 8)).toBeUndefined();
    expect(m2UnpadLength(fromHex('8000000000000000' + '0000000000000000'), 8)).toBeUndefined();
  });

  it('NonFirst keeps the TI, resets CmdCtr and derives fresh keys', () => {
    const first = ev2Pair();
    const ti = first.host.ti;
    const host = new HostEv2Auth({ method: 'ev2-non-first', keyNo: 2, key: first.key, ti });
    const cmd = host.command();
    expect(toHex(cmd.data)).toBe('02');
    const parsed = parseEv2AuthCommand('ev2-non-first', cmd.data);
    if (!parsed.ok) throw new Error(parsed.reason);
    const card = new CardEv2Auth();
    const challenge = card.start({ method: 'ev2-non-first', keyNo: 2, key: first.key, rndB: rnd(16), ti: first.card.ti });
    const reply = host.answerChallenge({ status: challenge.status, body: challenge.body, rndA: rnd(16) });
    if (!reply.ok) throw new Error(reply.reason);
    const done = card.finish(reply.data);
    if (!done.ok) throw new Error(done.reason);
    expect(done.body).toHaveLength(16);
    const hostDone = host.finish({ status: done.status, body: done.body });
    if (!hostDone.ok) throw new Error(hostDone.reason);
    expect(toHex(hostDone.session.ti)).toBe(toHex(ti));
    expect(hostDone.session.cmdCtr).toBe(0);
    const w = hostDone.session.wrapCommand({ ins: 0x6c, header: Uint8Array.of(1), data: new Uint8Array(0), mode: 'mac' });
    if (!w.ok) throw new Error(w.reason);
    expect(done.session.unwrapCommand({ ins: 0x6c, header: Uint8Array.of(1), body: w.body.subarray(1), mode: 'mac' }).ok).toBe(true);
    for (const s of [first.host, first.card, hostDone.session, done.session]) s.end();
  });

  it('answers length_error / authentication_error as values', () => {
    expect(parseEv2AuthCommand('ev2-first', fromHex('0007000000000000000000'))).toMatchObject({ ok: false, reason: 'length_error' });
    expect(parseEv2AuthCommand('ev2-first', fromHex('0002AABB'))).toMatchObject({ ok: true, keyNo: 0 });
    const card = new CardEv2Auth();
    card.start({ method: 'ev2-first', keyNo: 0, key: rnd(16), rndB: rnd(16), ti: rnd(4) });
    expect(card.finish(rnd(31))).toMatchObject({ ok: false, status: DesfireStatus.LENGTH_ERROR });
    const card2 = new CardEv2Auth();
    card2.start({ method: 'ev2-first', keyNo: 0, key: rnd(16), rndB: rnd(16), ti: rnd(4) });
    expect(card2.finish(rnd(32))).toMatchObject({ ok: false, status: DesfireStatus.AUTHENTICATION_ERROR, reason: 'authentication_error' });
    expect(() => card2.finish(rnd(32))).toThrow();
  });
});

describe('EV1 session key layouts (libfreefare mifare_desfire_session_key_new)', () => {
  const rndA = fromHex('00112233445566778899AABBCCDDEEFF');
  const rndB = fromHex('FFEEDDCCBBAA99887766554433221100');
  it('2TDEA takes bytes 0-3 and 4-7 of each random', () => {
    expect(toHex(ev1SessionKey({ keyType: '2tdea', rndA: rndA.subarray(0, 8), rndB: rndB.subarray(0, 8) }))).toBe('00112233ffeeddcc44556677bbaa9988');
  });
  it('3TDEA takes bytes 0-3, 6-9 and 12-15', () => {
    expect(toHex(ev1SessionKey({ keyType: '3tdea', rndA, rndB }))).toBe('00112233ffeeddcc6677889999887766ccddeeff33221100');
  });
});
