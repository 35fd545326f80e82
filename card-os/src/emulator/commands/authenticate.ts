/**
 * AuthenticateLegacy (0x0A), AuthenticateISO (0x1A), AuthenticateAES (0xAA),
 * AuthenticateEV2First (0x71), AuthenticateEV2NonFirst (0x77): the card side
 * of sm/'s handshakes. The handler only finds the
 * key and hands it to the state machine; RndB comes from the injectable
 * random source. Starting an authentication ends the current one and drops
 * the pending transaction; a failed one leaves the card unauthenticated.
 */
import { equalBytes, type CipherName } from '@onecard/keys';
import { DesfireStatus } from '../../protocol/status.js';
import { CardEv1Auth, authMethodAccepts, type Ev1AuthMethod } from '../../sm/auth-ev1.js';
import { CardEv2Auth, PDCAP2_BYTES, parseEv2AuthCommand, type Ev2AuthMethod } from '../../sm/auth-ev2.js';
import { EV2_RND_BYTES, EV2_TI_BYTES } from '../../sm/ev2-crypto.js';
import { Ev2Session } from '../../sm/session-ev2.js';
import { EV1_RND_BYTES } from '../../sm/session-keys.js';
import type { KeyEntry, KeyFamily } from '../image/types.js';
import { PICC_KEY_COUNT } from '../limits.js';
import { atPiccLevel } from './access.js';
import { fail, selectedApplication, type CardContext, type CommandHandler } from './types.js';

const DES_KEY_LENGTH_BYTES = 8;
const PARITY_MASK = 0xfe;

export interface CipherKey {
  readonly cipher: CipherName;
  readonly key: Uint8Array;
}

/** A DES-family key whose halves are equal (ignoring parity/version bits) is single DES. */
export function cipherKeyOf(family: KeyFamily, entry: KeyEntry): CipherKey {
  switch (family) {
    case 'aes128':
      return { cipher: 'aes128', key: entry.material.slice() };
    case '3tdea':
      return { cipher: '3tdea', key: entry.material.slice() };
    case 'des-2tdea': {
      const k1 = entry.material.subarray(0, DES_KEY_LENGTH_BYTES).map((b) => b & PARITY_MASK);
      const k2 = entry.material.subarray(DES_KEY_LENGTH_BYTES).map((b) => b & PARITY_MASK);
      return equalBytes(k1, k2)
        ? { cipher: 'des', key: entry.material.slice(0, DES_KEY_LENGTH_BYTES) }
        : { cipher: '2tdea', key: entry.material.slice() };
    }
  }
}

/** The key `keyNo` of the selected level and its family, or undefined (NO_SUCH_KEY). */
export function levelKey(ctx: CardContext, keyNo: number): { family: KeyFamily; entry: KeyEntry } | undefined {
  if (atPiccLevel(ctx)) {
    return keyNo < PICC_KEY_COUNT ? { family: ctx.image.masterKeyFamily, entry: ctx.image.masterKey } : undefined;
  }
  const app = selectedApplication(ctx);
  const entry = app?.keys[keyNo];
  return app === undefined || entry === undefined ? undefined : { family: app.keyFamily, entry };
}

function ev1Authenticate(method: Ev1AuthMethod): CommandHandler {
  return {
    run(ctx, data) {
      ctx.session.endAuthentication();
      ctx.session.dropTransaction();
      if (data.length !== 1) return fail(DesfireStatus.LENGTH_ERROR);
      const keyNo = data[0] ?? 0;
      const found = levelKey(ctx, keyNo);
      if (found === undefined) return fail(DesfireStatus.NO_SUCH_KEY);
      const { cipher, key } = cipherKeyOf(found.family, found.entry);
      if (!authMethodAccepts(method, cipher)) return fail(DesfireStatus.AUTHENTICATION_ERROR);
      const machine = new CardEv1Auth();
      const challenge = machine.start({ method, keyNo, key, keyType: cipher, rndB: ctx.random(EV1_RND_BYTES[cipher]) });
      ctx.session.continuation = {
        kind: 'authentication',
        step: {
          continue(readerData) {
            const finished = machine.finish(readerData);
            if (!finished.ok) return { kind: 'failed', status: finished.status };
            return { kind: 'authenticated', data: finished.body, session: { keyNo, scheme: finished.session.scheme, channel: finished.session } };
          },
        },
      };
      return { status: challenge.status, data: challenge.body };
    },
  };
}

export const authenticateLegacy = ev1Authenticate('legacy');
export const authenticateISO = ev1Authenticate('iso');
export const authenticateAES = ev1Authenticate('aes');

/** PDcap2 of an EV2 in its delivery configuration: no optional features announced. */
export const PD_CAP2_EV2_DEFAULT = new Uint8Array(PDCAP2_BYTES);

/**
 * AuthenticateEV2First (0x71) / AuthenticateEV2NonFirst (0x77): AES keys
 * only. First draws a new TI; NonFirst keeps the TI of the current EV2
 * session and needs one.
 */
function ev2Authenticate(method: Ev2AuthMethod): CommandHandler {
  return {
    run(ctx, data) {
      const previous = ctx.session.auth?.channel;
      const previousTi = previous instanceof Ev2Session && !previous.ended ? previous.ti : undefined;
      ctx.session.endAuthentication();
      ctx.session.dropTransaction();
      const parsed = parseEv2AuthCommand(method, data);
      if (!parsed.ok) return fail(parsed.status);
      const { keyNo } = parsed;
      const found = levelKey(ctx, keyNo);
      if (found === undefined) return fail(DesfireStatus.NO_SUCH_KEY);
      if (found.family !== 'aes128') return fail(DesfireStatus.AUTHENTICATION_ERROR);
      const ti = method === 'ev2-first' ? ctx.random(EV2_TI_BYTES) : previousTi;
      if (ti === undefined) return fail(DesfireStatus.AUTHENTICATION_ERROR);
      const machine = new CardEv2Auth();
      const challenge = machine.start({
        method,
        keyNo,
        key: found.entry.material.slice(),
        rndB: ctx.random(EV2_RND_BYTES),
        ti,
        pdCap2: PD_CAP2_EV2_DEFAULT,
        pcdCap2: parsed.pcdCap2,
      });
      ctx.session.continuation = {
        kind: 'authentication',
        step: {
          continue(readerData) {
            const finished = machine.finish(readerData);
            if (!finished.ok) return { kind: 'failed', status: finished.status };
            return { kind: 'authenticated', data: finished.body, session: { keyNo, scheme: 'ev2', channel: finished.session } };
          },
        },
      };
      return { status: challenge.status, data: challenge.body };
    },
  };
}

export const authenticateEV2First = ev2Authenticate('ev2-first');
export const authenticateEV2NonFirst = ev2Authenticate('ev2-non-first');
