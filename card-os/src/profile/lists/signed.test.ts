/** Signed lists: the envelope, the context binding, trusted key ids, tampering. */
import { Ed25519BulkVerifier, SIGNING_CONTEXTS, decodeEnvelope, ed25519KeyPairFromSeed, encodeEnvelope, signEnvelope } from '@onecard/keys';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../codecs/bcd.js';
import { encodeActionList } from './action-list.js';
import { packDenyEntries } from './deny-entries.js';
import type { DenyListDocument } from './deny-list.js';
import { openActionList, openDenyList, signActionList, signDenyList } from './signed.js';

const listKey = ed25519KeyPairFromSeed(new Uint8Array(32).fill(7));
const otherKey = ed25519KeyPairFromSeed(new Uint8Array(32).fill(8));
const KEY_ID = 'ch-lists-2026';
const signer = { keyId: KEY_ID, secretKey: listKey.secretKey };
const trusted = { trustedKeys: [{ keyId: KEY_ID, publicKey: listKey.publicKey }] };
const ISSUED_AT = new Date('2026-12-04T00:00:00Z');
const A = '970400000000001' + luhnCheckDigit('970400000000001');
const deny: DenyListDocument = { kind: 'full', version: 4, baseVersion: 0, issuedAt: ISSUED_AT, entries: packDenyEntries([{ cardNumber: A, reason: 'stolen' }]) };

describe('signed lists', () => {
  it('open what the clearing house signed, with tweetnacl or node:crypto', () => {
    const bytes = signDenyList(deny, signer);
    expect(openDenyList(bytes, trusted)).toEqual({ ok: true, value: deny });
    expect(openDenyList(bytes, { ...trusted, verifier: new Ed25519BulkVerifier({ cachedKeyCountMax: 4 }) })).toEqual({ ok: true, value: deny });
    const actions = signActionList({ kind: 'full', version: 1, baseVersion: 0, issuedAt: ISSUED_AT, entries: [] }, signer);
    expect(openActionList(actions, trusted).ok).toBe(true);
  });

  it('a deny list never verifies as an action list (context binding)', () => {
    expect(openActionList(signDenyList(deny, signer), trusted)).toEqual({ ok: false, code: 'signature_invalid', field: 'envelope.signature' });
    const actionPayloadSignedAsDeny = encodeEnvelope(signEnvelope({ context: SIGNING_CONTEXTS.denyList, keyId: KEY_ID, payload: encodeActionList({ kind: 'full', version: 1, baseVersion: 0, issuedAt: ISSUED_AT, entries: [] }), secretKey: listKey.secretKey }));
    expect(openDenyList(actionPayloadSignedAsDeny, trusted)).toMatchObject({ ok: false, code: 'bad_magic' });
  });

  it('refuses unknown keys, other keys, tampered payloads and garbage', () => {
    const bytes = signDenyList(deny, signer);
    expect(openDenyList(bytes, { trustedKeys: [] })).toEqual({ ok: false, code: 'key_unknown', field: 'envelope.keyId' });
    expect(openDenyList(bytes, { trustedKeys: [{ keyId: KEY_ID, publicKey: otherKey.publicKey }] })).toMatchObject({ code: 'signature_invalid' });
    const envelope = decodeEnvelope(bytes);
    const tamperedPayload = envelope.payload.slice();
    tamperedPayload[tamperedPayload.length - 1] = (tamperedPayload[tamperedPayload.length - 1] ?? 0) ^ 1;
    expect(openDenyList(encodeEnvelope({ ...envelope, payload: tamperedPayload }), trusted)).toMatchObject({ code: 'signature_invalid' });
    for (const garbage of [new Uint8Array(0), bytes.subarray(0, bytes.length - 1), Uint8Array.from([...bytes, 0]), new TextEncoder().encode('OCSE')]) {
      expect(openDenyList(garbage, trusted)).toMatchObject({ ok: false, code: 'envelope_malformed' });
    }
  });
});
