/**
 * Pre-EV2 mutual authentication, card and host side, as explicit state
 * machines (MF2DLHX0 §10.1.1-10.1.3; libfreefare authenticate()).
 *
 * legacy 0x0A (D40; DES/2TDEA, 8-byte randoms): the card only enciphers, IV
 *   zero for every message: card → E(RndB); host → Dsend(RndA ‖ RndB')
 *   (legacyCbc send + decipher); card → E(RndA'). Session: D40.
 * iso 0x1A (DES/2TDEA 8-byte, 3TDEA 16-byte randoms) and aes 0xAA (AES,
 *   16-byte randoms): ordinary CBC with the IV chained through the handshake
 *   (starts at zero, then the last ciphertext block seen): card → E(RndB);
 *   host → E(RndA ‖ RndB'); card → E(RndA'). Session: EV1, IV reset to zero.
 * RndX' = RndX rotated left by one byte. Randoms are injected by the caller.
 */
import { CIPHERS, cbcDecrypt, cbcEncrypt, concatBytes, equalBytes, lastBlock, legacyCbc, rotateLeft, zeroize, type CipherName } from '@onecard/keys';
import { Ins, type InsCode } from '../protocol/commands.js';
import { DesfireStatus } from '../protocol/status.js';
import { smFailure, type SmFailure } from './result.js';
import { D40Session } from './session-d40.js';
import { Ev1Session } from './session-ev1.js';
import { EV1_RND_BYTES, ev1SessionKey } from './session-keys.js';

export type Ev1AuthMethod = 'legacy' | 'iso' | 'aes';

export const EV1_AUTH_INS: Readonly<Record<Ev1AuthMethod, InsCode>> = {
  legacy: Ins.AuthenticateLegacy,
  iso: Ins.AuthenticateISO,
  aes: Ins.AuthenticateAES,
};

const ACCEPTED: Readonly<Record<Ev1AuthMethod, readonly CipherName[]>> = {
  legacy: ['des', '2tdea'],
  iso: ['des', '2tdea', '3tdea'],
  aes: ['aes128'],
};

export function authMethodAccepts(method: Ev1AuthMethod, keyType: CipherName): boolean {
  return ACCEPTED[method].includes(keyType);
}

export interface AuthStepAnswer {
  readonly ok: true;
  readonly status: number;
  readonly body: Uint8Array;
}
export type CardAuthFinish<S> = { readonly ok: true; readonly status: number; readonly body: Uint8Array; readonly session: S } | SmFailure;
export type HostAuthFinish<S> = { readonly ok: true; readonly session: S } | SmFailure;
export type Ev1FamilySession = D40Session | Ev1Session;

interface Params {
  readonly method: Ev1AuthMethod;
  readonly keyNo: number;
  readonly key: Uint8Array;
  readonly keyType: CipherName;
}

function checkParams(p: Params): void {
  if (!authMethodAccepts(p.method, p.keyType)) throw new TypeError(`${p.method} authentication does not take ${p.keyType} keys`);
  if (p.key.length !== CIPHERS[p.keyType].keyLengthBytes) throw new RangeError('key length does not match key type');
}

/** One direction of the handshake's cipher: legacy or CBC with a chained IV. */
class HandshakeCipher {
  #iv: Uint8Array;
  constructor(private readonly p: Params) {
    this.#iv = new Uint8Array(CIPHERS[p.keyType].blockSizeBytes);
  }
  /** Card → host, and host → card for iso/aes. */
  encipher(data: Uint8Array): Uint8Array {
    if (this.p.method === 'legacy') return legacyCbc({ ...this.#legacy(data), direction: 'send', operation: 'encipher' }).output;
    const out = cbcEncrypt({ cipher: this.p.keyType, key: this.p.key, iv: this.#iv, data });
    this.#iv = lastBlock(this.p.keyType, out);
    return out;
  }
  /** Receiving side of `encipher`. */
  decipher(data: Uint8Array): Uint8Array {
    if (this.p.method === 'legacy') return legacyCbc({ ...this.#legacy(data), direction: 'receive', operation: 'decipher' }).output;
    const out = cbcDecrypt({ cipher: this.p.keyType, key: this.p.key, iv: this.#iv, data });
    this.#iv = lastBlock(this.p.keyType, data);
    return out;
  }
  /** Legacy host → card: the reader deciphers in send mode; the card enciphers in receive mode. */
  legacyHostSend(data: Uint8Array): Uint8Array {
    return legacyCbc({ ...this.#legacy(data), direction: 'send', operation: 'decipher' }).output;
  }
  legacyCardReceive(data: Uint8Array): Uint8Array {
    return legacyCbc({ ...this.#legacy(data), direction: 'receive', operation: 'encipher' }).output;
  }
  #legacy(data: Uint8Array): { cipher: 'des' | '2tdea' | '3tdea'; key: Uint8Array; iv: Uint8Array; data: Uint8Array } {
    const cipher = this.p.keyType;
    if (cipher === 'aes128') throw new TypeError('legacy authentication has no AES');
    return { cipher, key: this.p.key, iv: new Uint8Array(CIPHERS[cipher].blockSizeBytes), data };
  }
}

function makeSession(p: Params, role: 'host' | 'card', rndA: Uint8Array, rndB: Uint8Array): Ev1FamilySession {
  const sessionKey = ev1SessionKey({ keyType: p.keyType, rndA, rndB });
  try {
    if (p.method === 'legacy') {
      const cipher = p.keyType === 'des' ? 'des' : '2tdea';
      return new D40Session({ role, keyNo: p.keyNo, cipher, sessionKey });
    }
    return new Ev1Session({ role, keyNo: p.keyNo, cipher: p.keyType, sessionKey });
  } finally {
    zeroize(sessionKey);
  }
}

/** Card side: idle → challenged → done. */
export class CardEv1Auth {
  #state: 'idle' | 'challenged' | 'done' = 'idle';
  #p: Params | undefined;
  #rndB: Uint8Array = new Uint8Array(0);
  #cipher: HandshakeCipher | undefined;

  /** Answers the authenticate command: E(RndB) with status ADDITIONAL_FRAME. */
  start(options: Params & { rndB: Uint8Array }): AuthStepAnswer {
    if (this.#state !== 'idle') throw new Error('authentication already started');
    checkParams(options);
    if (options.rndB.length !== EV1_RND_BYTES[options.keyType]) throw new RangeError('rndB length does not match key type');
    this.#p = { ...options, key: options.key.slice() };
    this.#rndB = options.rndB.slice();
    this.#cipher = new HandshakeCipher(this.#p);
    this.#state = 'challenged';
    return { ok: true, status: DesfireStatus.ADDITIONAL_FRAME, body: this.#cipher.encipher(this.#rndB) };
  }

  /** Drops a handshake the reader abandoned (another command, field off): zeroizes the copies. */
  abort(): void {
    if (this.#state === 'challenged' && this.#p !== undefined) zeroize(this.#rndB, this.#p.key);
    this.#state = 'done';
  }

  /** Checks the reader's E(RndA ‖ RndB'); answers E(RndA') and the session, or a failure. */
  finish(cryptogram: Uint8Array): CardAuthFinish<Ev1FamilySession> {
    const p = this.#p;
    const cipher = this.#cipher;
    if (this.#state !== 'challenged' || p === undefined || cipher === undefined) throw new Error('authentication not started');
    this.#state = 'done';
    const rndBytes = this.#rndB.length;
    try {
      if (cryptogram.length !== 2 * rndBytes) return smFailure('length_error');
      const plain = p.method === 'legacy' ? cipher.legacyCardReceive(cryptogram) : cipher.decipher(cryptogram);
      const rndA = plain.slice(0, rndBytes);
      const ok = equalBytes(plain.subarray(rndBytes), rotateLeft(this.#rndB, 1));
      zeroize(plain);
      if (!ok) return smFailure('authentication_error');
      const body = cipher.encipher(rotateLeft(rndA, 1));
      const session = makeSession(p, 'card', rndA, this.#rndB);
      zeroize(rndA);
      return { ok: true, status: DesfireStatus.OPERATION_OK, body, session };
    } finally {
      zeroize(this.#rndB, p.key);
    }
  }
}

/** Host side: command → answerChallenge → finish. */
export class HostEv1Auth {
  #state: 'idle' | 'sent' | 'answered' | 'done' = 'idle';
  readonly #p: Params;
  readonly #cipher: HandshakeCipher;
  #rndA: Uint8Array = new Uint8Array(0);
  #rndB: Uint8Array = new Uint8Array(0);

  constructor(options: Params) {
    checkParams(options);
    this.#p = { ...options, key: options.key.slice() };
    this.#cipher = new HandshakeCipher(this.#p);
  }

  /** The authenticate command: INS and KeyNo. */
  command(): { ins: InsCode; data: Uint8Array } {
    if (this.#state !== 'idle') throw new Error('authentication already started');
    this.#state = 'sent';
    return { ins: EV1_AUTH_INS[this.#p.method], data: Uint8Array.of(this.#p.keyNo) };
  }

  /** Takes the card's E(RndB) (status AF) and the host's RndA; returns the AF frame data. */
  answerChallenge(options: { status: number; body: Uint8Array; rndA: Uint8Array }): { ok: true; ins: InsCode; data: Uint8Array } | SmFailure {
    if (this.#state !== 'sent') throw new Error('no challenge expected');
    const rndBytes = EV1_RND_BYTES[this.#p.keyType];
    if (options.status !== DesfireStatus.ADDITIONAL_FRAME) return this.#abort(smFailure('authentication_error'));
    if (options.body.length !== rndBytes || options.rndA.length !== rndBytes) return this.#abort(smFailure('length_error'));
    this.#rndB = this.#cipher.decipher(options.body);
    this.#rndA = options.rndA.slice();
    const token = concatBytes(this.#rndA, rotateLeft(this.#rndB, 1));
    const data = this.#p.method === 'legacy' ? this.#cipher.legacyHostSend(token) : this.#cipher.encipher(token);
    zeroize(token);
    this.#state = 'answered';
    return { ok: true, ins: Ins.AdditionalFrame, data };
  }

  /** Checks the card's E(RndA') and returns the host session. */
  finish(options: { status: number; body: Uint8Array }): HostAuthFinish<Ev1FamilySession> {
    if (this.#state !== 'answered') throw new Error('no final answer expected');
    if (options.status !== DesfireStatus.OPERATION_OK) return this.#abort(smFailure('authentication_error'));
    if (options.body.length !== this.#rndA.length) return this.#abort(smFailure('length_error'));
    const rndARotated = this.#cipher.decipher(options.body);
    const ok = equalBytes(rndARotated, rotateLeft(this.#rndA, 1));
    zeroize(rndARotated);
    if (!ok) return this.#abort(smFailure('authentication_error'));
    const session = makeSession(this.#p, 'host', this.#rndA, this.#rndB);
    this.#abort(undefined);
    return { ok: true, session };
  }

  #abort<T>(value: T): T {
    this.#state = 'done';
    zeroize(this.#rndA, this.#rndB, this.#p.key);
    return value;
  }
}
