/**
 * EV2 mutual authentication, card and host side (MF2DLHX0 §10.1.4-10.1.5;
 * AN12196 §5.6 Table 14 / §5.14; AN12343 §3). AES-128, 16-byte randoms,
 * CBC with a zero IV for every cryptogram.
 *
 * AuthenticateEV2First 0x71: KeyNo ‖ LenCap ‖ PCDcap2[LenCap]
 *   card → E(K, RndB) (AF); host → AF ‖ E(K, RndA ‖ RndB');
 *   card → E(K, TI ‖ RndA' ‖ PDcap2 ‖ PCDcap2) (00). New TI, CmdCtr = 0.
 * AuthenticateEV2NonFirst 0x77: KeyNo
 *   same first two steps; card → E(K, RndA'). TI kept, CmdCtr = 0.
 * Session keys: ev2-crypto.ts (SV1/SV2). Randoms and TI are injected.
 */
import { cbcDecrypt, cbcEncrypt, concatBytes, equalBytes, rotateLeft, zeroize } from '@onecard/keys';
import { Ins, type InsCode } from '../protocol/commands.js';
import { DesfireStatus } from '../protocol/status.js';
import type { AuthStepAnswer, CardAuthFinish, HostAuthFinish } from './auth-ev1.js';
import { EV2_KEY_BYTES, EV2_RND_BYTES, EV2_TI_BYTES, ev2DeriveSessionKeys } from './ev2-crypto.js';
import { smFailure, type SmFailure } from './result.js';
import { Ev2Session } from './session-ev2.js';

export type Ev2AuthMethod = 'ev2-first' | 'ev2-non-first';
export const PDCAP2_BYTES = 6;
export const PCDCAP2_BYTES = 6;
const FIRST_ANSWER_BYTES = EV2_TI_BYTES + EV2_RND_BYTES + PDCAP2_BYTES + PCDCAP2_BYTES;

export const EV2_AUTH_INS: Readonly<Record<Ev2AuthMethod, InsCode>> = {
  'ev2-first': Ins.AuthenticateEV2First,
  'ev2-non-first': Ins.AuthenticateEV2NonFirst,
};

function enc(key: Uint8Array, data: Uint8Array): Uint8Array {
  return cbcEncrypt({ cipher: 'aes128', key, iv: new Uint8Array(EV2_RND_BYTES), data });
}
function dec(key: Uint8Array, data: Uint8Array): Uint8Array {
  return cbcDecrypt({ cipher: 'aes128', key, iv: new Uint8Array(EV2_RND_BYTES), data });
}
function fixed(bytes: Uint8Array, lengthBytes: number, name: string): Uint8Array {
  if (bytes.length > lengthBytes) throw new RangeError(`${name} is at most ${lengthBytes} bytes`);
  const out = new Uint8Array(lengthBytes);
  out.set(bytes);
  return out;
}

/** Parses the data of 0x71 / 0x77 (after INS). PCDcap2 is returned zero-filled to 6 bytes. */
export function parseEv2AuthCommand(method: Ev2AuthMethod, data: Uint8Array): { ok: true; keyNo: number; pcdCap2: Uint8Array } | SmFailure {
  const keyNo = data[0];
  if (keyNo === undefined) return smFailure('length_error');
  if (method === 'ev2-non-first') return data.length === 1 ? { ok: true, keyNo, pcdCap2: new Uint8Array(PCDCAP2_BYTES) } : smFailure('length_error');
  const lenCap = data[1];
  if (lenCap === undefined || lenCap > PCDCAP2_BYTES || data.length !== 2 + lenCap) return smFailure('length_error');
  return { ok: true, keyNo, pcdCap2: fixed(data.subarray(2), PCDCAP2_BYTES, 'PCDcap2') };
}

export interface CardEv2Start {
  readonly method: Ev2AuthMethod;
  readonly keyNo: number;
  readonly key: Uint8Array;
  readonly rndB: Uint8Array;
  /** First: the new TI (random, injected). NonFirst: the TI of the current session. */
  readonly ti: Uint8Array;
  /** First only: the card's capabilities and the reader's (echoed). */
  readonly pdCap2?: Uint8Array;
  readonly pcdCap2?: Uint8Array;
}

export class CardEv2Auth {
  #state: 'idle' | 'challenged' | 'done' = 'idle';
  #s: CardEv2Start | undefined;

  start(options: CardEv2Start): AuthStepAnswer {
    if (this.#state !== 'idle') throw new Error('authentication already started');
    if (options.key.length !== EV2_KEY_BYTES || options.rndB.length !== EV2_RND_BYTES || options.ti.length !== EV2_TI_BYTES) {
      throw new RangeError('EV2 authentication needs a 16-byte key, 16-byte RndB and 4-byte TI');
    }
    this.#s = { ...options, key: options.key.slice(), rndB: options.rndB.slice(), ti: options.ti.slice() };
    this.#state = 'challenged';
    return { ok: true, status: DesfireStatus.ADDITIONAL_FRAME, body: enc(this.#s.key, this.#s.rndB) };
  }

  /** Drops a handshake the reader abandoned (another command, field off): zeroizes the copies. */
  abort(): void {
    if (this.#state === 'challenged' && this.#s !== undefined) zeroize(this.#s.key, this.#s.rndB);
    this.#state = 'done';
  }

  finish(cryptogram: Uint8Array): CardAuthFinish<Ev2Session> {
    const s = this.#s;
    if (this.#state !== 'challenged' || s === undefined) throw new Error('authentication not started');
    this.#state = 'done';
    try {
      if (cryptogram.length !== 2 * EV2_RND_BYTES) return smFailure('length_error');
      const plain = dec(s.key, cryptogram);
      const rndA = plain.slice(0, EV2_RND_BYTES);
      const ok = equalBytes(plain.subarray(EV2_RND_BYTES), rotateLeft(s.rndB, 1));
      zeroize(plain);
      if (!ok) return smFailure('authentication_error');
      const answer = s.method === 'ev2-first'
        ? concatBytes(s.ti, rotateLeft(rndA, 1), fixed(s.pdCap2 ?? new Uint8Array(0), PDCAP2_BYTES, 'PDcap2'), fixed(s.pcdCap2 ?? new Uint8Array(0), PCDCAP2_BYTES, 'PCDcap2'))
        : rotateLeft(rndA, 1);
      const body = enc(s.key, answer);
      const keys = ev2DeriveSessionKeys({ key: s.key, rndA, rndB: s.rndB });
      const session = new Ev2Session({ role: 'card', keyNo: s.keyNo, sesAuthEncKey: keys.sesAuthEncKey, sesAuthMacKey: keys.sesAuthMacKey, ti: s.ti, cmdCtr: 0 });
      zeroize(rndA, answer, keys.sv1, keys.sv2, keys.sesAuthEncKey, keys.sesAuthMacKey);
      return { ok: true, status: DesfireStatus.OPERATION_OK, body, session };
    } finally {
      zeroize(s.key, s.rndB);
    }
  }
}

export class HostEv2Auth {
  #state: 'idle' | 'sent' | 'answered' | 'done' = 'idle';
  readonly #method: Ev2AuthMethod;
  readonly #keyNo: number;
  readonly #key: Uint8Array;
  readonly #pcdCap2: Uint8Array;
  readonly #ti: Uint8Array | undefined;
  #rndA: Uint8Array = new Uint8Array(0);
  #rndB: Uint8Array = new Uint8Array(0);

  /** `ti`: NonFirst only, the TI of the session being continued. `pcdCap2`: First only (LenCap = its length). */
  constructor(options: { method: Ev2AuthMethod; keyNo: number; key: Uint8Array; pcdCap2?: Uint8Array; ti?: Uint8Array }) {
    if (options.key.length !== EV2_KEY_BYTES) throw new RangeError('EV2 key must be 16 bytes');
    if (options.method === 'ev2-non-first' && options.ti?.length !== EV2_TI_BYTES) throw new TypeError('NonFirst needs the current 4-byte TI');
    this.#method = options.method;
    this.#keyNo = options.keyNo;
    this.#key = options.key.slice();
    this.#pcdCap2 = options.pcdCap2?.slice() ?? new Uint8Array(0);
    if (this.#pcdCap2.length > PCDCAP2_BYTES) throw new RangeError('PCDcap2 is at most 6 bytes');
    this.#ti = options.ti?.slice();
  }

  command(): { ins: InsCode; data: Uint8Array } {
    if (this.#state !== 'idle') throw new Error('authentication already started');
    this.#state = 'sent';
    const data = this.#method === 'ev2-first'
      ? concatBytes(Uint8Array.of(this.#keyNo, this.#pcdCap2.length), this.#pcdCap2)
      : Uint8Array.of(this.#keyNo);
    return { ins: EV2_AUTH_INS[this.#method], data };
  }

  answerChallenge(options: { status: number; body: Uint8Array; rndA: Uint8Array }): { ok: true; ins: InsCode; data: Uint8Array } | SmFailure {
    if (this.#state !== 'sent') throw new Error('no challenge expected');
    if (options.status !== DesfireStatus.ADDITIONAL_FRAME) return this.#abort(smFailure('authentication_error'));
    if (options.body.length !== EV2_RND_BYTES || options.rndA.length !== EV2_RND_BYTES) return this.#abort(smFailure('length_error'));
    this.#rndB = dec(this.#key, options.body);
    this.#rndA = options.rndA.slice();
    const token = concatBytes(this.#rndA, rotateLeft(this.#rndB, 1));
    const data = enc(this.#key, token);
    zeroize(token);
    this.#state = 'answered';
    return { ok: true, ins: Ins.AdditionalFrame, data };
  }

  finish(options: { status: number; body: Uint8Array }): HostAuthFinish<Ev2Session> & { pdCap2?: Uint8Array; pcdCap2?: Uint8Array } {
    if (this.#state !== 'answered') throw new Error('no final answer expected');
    if (options.status !== DesfireStatus.OPERATION_OK) return this.#abort(smFailure('authentication_error'));
    const first = this.#method === 'ev2-first';
    if (options.body.length !== (first ? FIRST_ANSWER_BYTES : EV2_RND_BYTES)) return this.#abort(smFailure('length_error'));
    const plain = dec(this.#key, options.body);
    const rndAAt = first ? EV2_TI_BYTES : 0;
    const ok = equalBytes(plain.subarray(rndAAt, rndAAt + EV2_RND_BYTES), rotateLeft(this.#rndA, 1));
    if (!ok) {
      zeroize(plain);
      return this.#abort(smFailure('authentication_error'));
    }
    const ti = first ? plain.slice(0, EV2_TI_BYTES) : (this.#ti ?? new Uint8Array(0));
    const keys = ev2DeriveSessionKeys({ key: this.#key, rndA: this.#rndA, rndB: this.#rndB });
    const session = new Ev2Session({ role: 'host', keyNo: this.#keyNo, sesAuthEncKey: keys.sesAuthEncKey, sesAuthMacKey: keys.sesAuthMacKey, ti, cmdCtr: 0 });
    zeroize(keys.sv1, keys.sv2, keys.sesAuthEncKey, keys.sesAuthMacKey);
    const caps = first
      ? { pdCap2: plain.slice(EV2_TI_BYTES + EV2_RND_BYTES, EV2_TI_BYTES + EV2_RND_BYTES + PDCAP2_BYTES), pcdCap2: plain.slice(FIRST_ANSWER_BYTES - PCDCAP2_BYTES) }
      : {};
    zeroize(plain);
    this.#abort(undefined);
    return { ok: true, session, ...caps };
  }

  #abort<T>(value: T): T {
    this.#state = 'done';
    zeroize(this.#rndA, this.#rndB, this.#key);
    return value;
  }
}
