/** Test helper: authenticates a host and a card state machine against each other with random keys. */
import { randomBytes } from 'node:crypto';
import { CIPHERS, type CipherName } from '@onecard/keys';
import { CardEv1Auth, EV1_AUTH_INS, HostEv1Auth, type Ev1AuthMethod, type Ev1FamilySession } from './auth-ev1.js';
import { CardEv2Auth, HostEv2Auth, parseEv2AuthCommand } from './auth-ev2.js';
import { EV1_RND_BYTES } from './session-keys.js';
import type { Ev2Session } from './session-ev2.js';

export function rnd(lengthBytes: number): Uint8Array {
  return Uint8Array.from(randomBytes(lengthBytes));
}

export function ev1Pair(options: { method: Ev1AuthMethod; keyType: CipherName; keyNo?: number; hostKey?: Uint8Array }):
  | { ok: true; host: Ev1FamilySession; card: Ev1FamilySession; key: Uint8Array }
  | { ok: false; reason: string } {
  const key = rnd(CIPHERS[options.keyType].keyLengthBytes);
  const keyNo = options.keyNo ?? 1;
  const host = new HostEv1Auth({ method: options.method, keyNo, key: options.hostKey ?? key, keyType: options.keyType });
  const cmd = host.command();
  if (cmd.ins !== EV1_AUTH_INS[options.method]) throw new Error('wrong INS');
  const card = new CardEv1Auth();
  const challenge = card.start({ method: options.method, keyNo, key, keyType: options.keyType, rndB: rnd(EV1_RND_BYTES[options.keyType]) });
  const reply = host.answerChallenge({ status: challenge.status, body: challenge.body, rndA: rnd(EV1_RND_BYTES[options.keyType]) });
  if (!reply.ok) return reply;
  const done = card.finish(reply.data);
  if (!done.ok) return done;
  const hostDone = host.finish({ status: done.status, body: done.body });
  if (!hostDone.ok) return hostDone;
  return { ok: true, host: hostDone.session, card: done.session, key };
}

export function ev2Pair(): { host: Ev2Session; card: Ev2Session; key: Uint8Array } {
  const key = rnd(16);
  const host = new HostEv2Auth({ method: 'ev2-first', keyNo: 2, key });
  const cmd = host.command();
  const parsed = parseEv2AuthCommand('ev2-first', cmd.data);
  if (!parsed.ok) throw new Error(parsed.reason);
  const card = new CardEv2Auth();
  const challenge = card.start({ method: 'ev2-first', keyNo: parsed.keyNo, key, rndB: rnd(16), ti: rnd(4), pcdCap2: parsed.pcdCap2 });
  const reply = host.answerChallenge({ status: challenge.status, body: challenge.body, rndA: rnd(16) });
  if (!reply.ok) throw new Error(reply.reason);
  const done = card.finish(reply.data);
  if (!done.ok) throw new Error(done.reason);
  const hostDone = host.finish({ status: done.status, body: done.body });
  if (!hostDone.ok) throw new Error(hostDone.reason);
  return { host: hostDone.session, card: done.session, key };
}
