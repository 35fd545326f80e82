/**
 * Host session against card session, end to end, for every scheme and key
 * type, with random keys and randoms: every mode, data lengths around block
 * boundaries, many commands in a row (running IV / CmdCtr stay in step),
 * tampering and error statuses.
 */
import { toHex, type CipherName } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import type { CommunicationMode } from '../protocol/commands.js';
import { DesfireStatus } from '../protocol/status.js';
import type { Ev1AuthMethod } from './auth-ev1.js';
import type { SecureSession } from './session.js';
import { ev1Pair, ev2Pair, rnd } from './test-helpers.js';

const MODES: readonly CommunicationMode[] = ['plain', 'mac', 'full'];
const LENGTHS_BYTES = [0, 1, 3, 4, 7, 8, 12, 15, 16, 17, 31, 59, 100];
const WRITE_DATA_INS = 0x3d;
const HEADER = Uint8Array.of(0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00);

function pair(method: Ev1AuthMethod | 'ev2', keyType: CipherName): { host: SecureSession; card: SecureSession } {
  if (method === 'ev2') return ev2Pair();
  const p = ev1Pair({ method, keyType });
  if (!p.ok) throw new Error(p.reason);
  return p;
}

const CASES: readonly { method: Ev1AuthMethod | 'ev2'; keyType: CipherName; scheme: string }[] = [
  { method: 'legacy', keyType: 'des', scheme: 'd40' },
  { method: 'legacy', keyType: '2tdea', scheme: 'd40' },
  { method: 'iso', keyType: 'des', scheme: 'ev1' },
  { method: 'iso', keyType: '2tdea', scheme: 'ev1' },
  { method: 'iso', keyType: '3tdea', scheme: 'ev1' },
  { method: 'aes', keyType: 'aes128', scheme: 'ev1' },
  { method: 'ev2', keyType: 'aes128', scheme: 'ev2' },
];

describe.each(CASES)('$method authentication with $keyType', ({ method, keyType, scheme }) => {
  it(`yields ${scheme} sessions that agree on every mode and length`, () => {
    const { host, card } = pair(method, keyType);
    expect(host.scheme).toBe(scheme);
    expect(card.scheme).toBe(scheme);
    for (const mode of MODES) {
      for (const lengthBytes of LENGTHS_BYTES) {
        const data = rnd(lengthBytes);
        const wrapped = host.wrapCommand({ ins: WRITE_DATA_INS, header: HEADER, data, mode });
        if (!wrapped.ok) throw new Error(wrapped.reason);
        const split = card.splitCommand({ headerLengthBytes: HEADER.length, message: wrapped.body, mode });
        if (split === undefined) throw new Error('split');
        const atCard = card.unwrapCommand({ ins: WRITE_DATA_INS, header: split.header, body: split.body, mode, plainLengthBytes: lengthBytes });
        expect(atCard.ok && toHex(atCard.data), `${mode} command ${lengthBytes}`).toBe(toHex(data));
        if (mode === 'full' && lengthBytes >= 8) expect(toHex(wrapped.body)).not.toContain(toHex(data));

        const answerData = rnd(lengthBytes);
        const body = card.wrapResponse({ status: DesfireStatus.OPERATION_OK, data: answerData, mode });
        const atHost = host.unwrapResponse({ status: DesfireStatus.OPERATION_OK, body, mode, plainLengthBytes: lengthBytes });
        expect(atHost.ok && toHex(atHost.data), `${mode} answer ${lengthBytes}`).toBe(toHex(answerData));
      }
    }
    host.end();
    card.end();
    expect(host.ended && card.ended).toBe(true);
  });

  it('turns a flipped command byte into integrity_error and ends the card session', () => {
    const { host, card } = pair(method, keyType);
    const wrapped = host.wrapCommand({ ins: WRITE_DATA_INS, header: HEADER, data: rnd(20), mode: 'full' });
    if (!wrapped.ok) throw new Error(wrapped.reason);
    const body = wrapped.body.slice(HEADER.length);
    body[0] = (body[0] ?? 0) ^ 0x80;
    const r = card.unwrapCommand({ ins: WRITE_DATA_INS, header: HEADER, body, mode: 'full' });
    expect(r).toMatchObject({ ok: false, status: DesfireStatus.INTEGRITY_ERROR, reason: 'integrity_error' });
    expect(card.ended).toBe(true);
    expect(card.unwrapCommand({ ins: WRITE_DATA_INS, header: HEADER, body, mode: 'full' })).toMatchObject({ ok: false, reason: 'session_ended' });
    host.end();
  });

  it('turns a flipped answer MAC byte into integrity_error on the host', () => {
    const { host, card } = pair(method, keyType);
    const wrapped = host.wrapCommand({ ins: 0x6c, header: Uint8Array.of(1), data: new Uint8Array(0), mode: 'plain' });
    if (!wrapped.ok) throw new Error(wrapped.reason);
    card.unwrapCommand({ ins: 0x6c, header: Uint8Array.of(1), body: new Uint8Array(0), mode: 'plain' });
    const body = card.wrapResponse({ status: DesfireStatus.OPERATION_OK, data: rnd(4), mode: 'mac' });
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0x01;
    expect(host.unwrapResponse({ status: DesfireStatus.OPERATION_OK, body, mode: 'mac' })).toMatchObject({ ok: false, reason: 'integrity_error' });
    expect(host.ended).toBe(true);
    card.end();
  });

  it('ends both sessions on an error status, passing the status through', () => {
    const { host, card } = pair(method, keyType);
    expect(card.wrapResponse({ status: DesfireStatus.PERMISSION_DENIED, data: new Uint8Array(0), mode: 'mac' })).toHaveLength(0);
    expect(card.ended).toBe(true);
    expect(host.unwrapResponse({ status: DesfireStatus.PERMISSION_DENIED, body: new Uint8Array(0), mode: 'mac' }))
      .toEqual({ ok: false, status: DesfireStatus.PERMISSION_DENIED, reason: 'permission_denied' });
    expect(host.ended).toBe(true);
  });

  it('refuses the wrong side of the session', () => {
    const { host, card } = pair(method, keyType);
    expect(() => host.wrapResponse({ status: 0, data: new Uint8Array(0), mode: 'plain' })).toThrow();
    expect(() => card.wrapCommand({ ins: 0x60, header: new Uint8Array(0), data: new Uint8Array(0), mode: 'plain' })).toThrow();
    host.end();
    card.end();
  });
});

describe('authentication failures', () => {
  it.each([
    ['legacy', 'des'], ['legacy', '2tdea'], ['iso', '3tdea'], ['aes', 'aes128'],
  ] as const)('%s with %s and a wrong host key → authentication_error', (method, keyType) => {
    const wrongKey = rnd(keyType === 'des' ? 8 : keyType === '3tdea' ? 24 : 16);
    const r = ev1Pair({ method, keyType, hostKey: wrongKey });
    expect(r).toMatchObject({ ok: false, reason: 'authentication_error' });
  });

  it('rejects a key type the method does not take', () => {
    expect(() => ev1Pair({ method: 'aes', keyType: '2tdea' })).toThrow(TypeError);
  });
});
