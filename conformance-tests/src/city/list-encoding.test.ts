/**
 * The city's list encoder: snapshots as the clearing house stores them become
 * envelopes the validator-side decoders accept (full and delta, deny and
 * action), and a row the format cannot carry is a clear error, not a list.
 */
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, openActionList, openDenyList } from '@onecard/card-os/profile';
import { generateEd25519KeyPair } from '@onecard/keys';
import { listEncoder } from './list-encoding.js';

const NOW_MS = Date.UTC(2026, 11, 4, 3);
const key = generateEd25519KeyPair();
const encode = listEncoder({ signer: { keyId: 'city-lists-test', secretKey: key.secretKey }, nowMs: () => NOW_MS });
const trust = { trustedKeys: [{ keyId: 'city-lists-test', publicKey: key.publicKey }] };

function cardNumber(serial: number): string {
  const body = `970400${String(serial).padStart(9, '0')}`;
  return `${body}${luhnCheckDigit(body)}`;
}

const autoload = (serial: number, addedVersion: number) => ({
  entryKey: `topup:order-${serial}`,
  cardNumber: cardNumber(serial),
  payload: { kind: 'autoload', actionId: `topup:order-${serial}`, application: 'transit', amountVnd: 50_000 },
  addedVersion,
});

describe('listEncoder', () => {
  it('encodes action lists the validator decoders accept, the list version as each action seq', () => {
    const full = openActionList(encode({ status: 'full', kind: 'action', version: 4, entries: [autoload(2, 4), autoload(1, 3)] }), trust);
    expect(full.ok).toBe(true);
    if (!full.ok || full.value.kind !== 'full') throw new Error('a full action list');
    expect(full.value.entries.map((e) => [e.cardNumber, e.seq, e.kind, e.kind === 'autoload' ? e.amountVnd : undefined])).toEqual([
      [cardNumber(1), 3, 'autoload', 50_000],
      [cardNumber(2), 4, 'autoload', 50_000],
    ]);
    expect(full.value.entries.every((e) => e.expiresAt.getTime() > NOW_MS)).toBe(true);
    const delta = openActionList(encode({ status: 'delta', kind: 'action', fromVersion: 4, version: 5, added: [autoload(3, 5)], removedKeys: ['topup:order-1'] }), trust);
    expect(delta.ok && delta.value.kind === 'delta' ? [delta.value.baseVersion, delta.value.adds.length, delta.value.removes] : undefined).toEqual([4, 1, ['topup:order-1']]);
  });

  it('encodes deny lists, full and delta', () => {
    const denied = { entryKey: cardNumber(7), cardNumber: cardNumber(7), payload: { reason: 'stolen' }, addedVersion: 2 };
    const full = openDenyList(encode({ status: 'full', kind: 'deny', version: 2, entries: [denied] }), trust);
    expect(full.ok && full.value.kind === 'full' ? full.value.entries.keys.length : undefined).toBe(1);
    const delta = openDenyList(encode({ status: 'delta', kind: 'deny', fromVersion: 2, version: 3, added: [], removedKeys: [cardNumber(7)] }), trust);
    expect(delta.ok && delta.value.kind === 'delta' ? delta.value.removes.length : undefined).toBe(1);
    expect(encode({ status: 'full', kind: 'deny', version: 3, entries: [] }).length).toBeGreaterThan(0);
  });

  it('refuses a stored row the wire format cannot carry', () => {
    expect(() => encode({ status: 'full', kind: 'deny', version: 2, entries: [{ entryKey: 'x', cardNumber: cardNumber(7), payload: { reason: 'bored' }, addedVersion: 2 }] })).toThrow();
    expect(() => encode({ status: 'full', kind: 'action', version: 2, entries: [{ ...autoload(1, 2), payload: { kind: 'refund' } }] })).toThrow();
    expect(() => encode({ status: 'full', kind: 'action', version: 2, entries: [{ ...autoload(1, 2), cardNumber: '9704000000000019' }] })).toThrow(RangeError);
  });
});
