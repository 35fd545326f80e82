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

  it('encodes a sold pass (load-contract) and an unblock as the validator decodes them', () => {
    const pass = {
      entryKey: 'pass:sale-1',
      cardNumber: cardNumber(8),
      payload: { kind: 'load-contract', actionId: 'pass:sale-1', application: 'transit', saleId: 3, contractKind: 'monthly-all-routes', tariff: 'concession', routeId: 0, validFrom: '2026-12-01', validUntil: '2026-12-31', pricePaidVnd: 140_000, saleUuid: 'x', operatorId: 'transerco', paymentMethod: 'cash' },
      addedVersion: 6,
    };
    const unblock = { entryKey: 'unblock:9', cardNumber: cardNumber(9), payload: { kind: 'unblock', actionId: 'unblock:9', application: 'transit' }, addedVersion: 7 };
    const full = openActionList(encode({ status: 'full', kind: 'action', version: 7, entries: [pass, unblock] }), trust);
    if (!full.ok || full.value.kind !== 'full') throw new Error('a full action list');
    const [loaded, unblocked] = full.value.entries;
    expect(loaded).toMatchObject({ kind: 'load-contract', seq: 6, contract: { kind: 'monthly-all-routes', tariff: 'concession', routeId: 0, validFrom: '2026-12-01', validUntil: '2026-12-31', pricePaidVnd: 140_000, saleId: 3 } });
    expect(unblocked).toMatchObject({ kind: 'unblock', seq: 7, application: 'transit' });
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
