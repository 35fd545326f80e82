/**
 * Vector-runner entry for EV2 authentication traces (AN12196 Table 14
 * AuthenticateEV2First, Table 24 AuthenticateEV2NonFirst): drives the real
 * card and host state machines against each other with injected RndA, RndB
 * and TI, and reports every intermediate value the vectors list.
 */
import { cbcDecrypt, rotateLeft } from '@onecard/keys';
import { nativeResponse, wrapNative } from '../protocol/apdu.js';
import { ev2DeriveSessionKeys } from './ev2-crypto.js';
import { CardEv2Auth, HostEv2Auth, parseEv2AuthCommand, type Ev2AuthMethod } from './auth-ev2.js';
import type { Ev2Session } from './session-ev2.js';

export interface Ev2AuthTrace {
  readonly capdu1: Uint8Array;
  readonly rapdu1: Uint8Array;
  readonly encRndB: Uint8Array;
  readonly rndBRotated: Uint8Array;
  readonly capdu2: Uint8Array;
  readonly part2Cryptogram: Uint8Array;
  readonly rapdu2: Uint8Array;
  /** Deciphered final answer (First: TI ‖ RndA' ‖ PDcap2 ‖ PCDcap2; NonFirst: RndA'). */
  readonly rapdu2Plain: Uint8Array;
  readonly rndARotated: Uint8Array;
  readonly ti: Uint8Array;
  readonly pdCap2: Uint8Array | undefined;
  readonly sesAuthEncKey: Uint8Array;
  readonly sesAuthMacKey: Uint8Array;
  /** Live sessions, so a caller can continue with secure messaging; end() them. */
  readonly hostSession: Ev2Session;
  readonly cardSession: Ev2Session;
}

export function ev2AuthTrace(options: {
  method: Ev2AuthMethod;
  key: Uint8Array;
  keyNo: number;
  rndA: Uint8Array;
  rndB: Uint8Array;
  /** First: the TI the card issues. NonFirst: the TI kept from the previous session. */
  ti: Uint8Array;
  pdCap2?: Uint8Array;
  pcdCap2?: Uint8Array;
}): Ev2AuthTrace {
  const { method, key, keyNo } = options;
  const host = new HostEv2Auth({
    method, keyNo, key,
    ...(method === 'ev2-first' ? { pcdCap2: options.pcdCap2 ?? new Uint8Array(0) } : { ti: options.ti }),
  });
  const first = host.command();
  const parsed = parseEv2AuthCommand(method, first.data);
  if (!parsed.ok) throw new Error(`card rejected the command: ${parsed.reason}`);
  const card = new CardEv2Auth();
  const challenge = card.start({
    method, keyNo: parsed.keyNo, key, rndB: options.rndB, ti: options.ti,
    ...(method === 'ev2-first' ? { pdCap2: options.pdCap2 ?? new Uint8Array(0), pcdCap2: parsed.pcdCap2 } : {}),
  });
  const reply = host.answerChallenge({ status: challenge.status, body: challenge.body, rndA: options.rndA });
  if (!reply.ok) throw new Error(`host rejected the challenge: ${reply.reason}`);
  const done = card.finish(reply.data);
  if (!done.ok) throw new Error(`card rejected the cryptogram: ${done.reason}`);
  const hostDone = host.finish({ status: done.status, body: done.body });
  if (!hostDone.ok) {
    done.session.end();
    throw new Error(`host rejected the card: ${hostDone.reason}`);
  }
  const rapdu2Plain = cbcDecrypt({ cipher: 'aes128', key, iv: new Uint8Array(16), data: done.body });
  return {
    capdu1: wrapNative(first.ins, first.data),
    rapdu1: nativeResponse(challenge.body, challenge.status),
    encRndB: challenge.body,
    rndBRotated: rotateLeft(options.rndB, 1),
    capdu2: wrapNative(reply.ins, reply.data),
    part2Cryptogram: reply.data,
    rapdu2: nativeResponse(done.body, done.status),
    rapdu2Plain,
    rndARotated: rotateLeft(options.rndA, 1),
    ti: hostDone.session.ti,
    pdCap2: hostDone.pdCap2,
    ...exportKeys(options),
    hostSession: hostDone.session,
    cardSession: done.session,
  };
}

function exportKeys(options: { key: Uint8Array; rndA: Uint8Array; rndB: Uint8Array }): { sesAuthEncKey: Uint8Array; sesAuthMacKey: Uint8Array } {
  const { sesAuthEncKey, sesAuthMacKey } = ev2DeriveSessionKeys(options);
  return { sesAuthEncKey, sesAuthMacKey };
}
