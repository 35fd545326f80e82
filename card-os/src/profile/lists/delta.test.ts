/**
 * Deltas: for random pairs of lists, merging the diff of (from, to) into
 * `from` gives `to`, after a round trip through the wire format; merging
 * refuses a delta made for another base.
 */
import { describe, expect, it } from 'vitest';
import { actionDeltaOf, diffActionEntries, mergeActionDelta } from './action-delta.js';
import type { ActionListEntry } from './action-entry.js';
import { decodeActionList, encodeActionList, sortActionEntries } from './action-list.js';
import { cardNumberOfKey } from './card-key.js';
import { denyDeltaOf, diffDenyEntries, mergeDenyDelta } from './deny-delta.js';
import { unpackDenyEntries, type DenyEntries } from './deny-entries.js';
import { decodeDenyList, encodeDenyList } from './deny-list.js';

const ROUNDS = 60;
const KEY_SPACE = 300;
const CARD_SPACE = 12;
const ACTION_SPACE = 40;
const REASON_COUNT = 5;
const KEY_BASE = 970_400_000_000_000;
const ISSUED_AT = new Date('2026-12-04T00:00:00Z');
const FROM = new Date('2026-12-04T01:00:00Z');

function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function randomDenyEntries(random: () => number): DenyEntries {
  const keys: number[] = [];
  const codes: number[] = [];
  for (let i = 0; i < KEY_SPACE; i++) {
    if (random() < 0.4) {
      keys.push(KEY_BASE + i);
      codes.push(1 + Math.floor(random() * REASON_COUNT));
    }
  }
  return { keys: Float64Array.from(keys), reasonCodes: Uint8Array.from(codes) };
}

function randomActions(random: () => number): ActionListEntry[] {
  const entries: ActionListEntry[] = [];
  const seqs = new Map<string, number>();
  for (let i = 0; i < ACTION_SPACE; i++) {
    if (random() < 0.5) continue;
    const cardNumber = cardNumberOfKey(KEY_BASE + Math.floor(random() * CARD_SPACE));
    const seq = (seqs.get(cardNumber) ?? 0) + 1 + Math.floor(random() * 2);
    seqs.set(cardNumber, seq);
    const expiresAt = new Date(FROM.getTime() + (1 + Math.floor(random() * 3)) * 86_400_000);
    entries.push({ actionId: `a-${i}`, cardNumber, seq, validFrom: FROM, expiresAt, kind: 'autoload', application: 'transit', amountVnd: 10_000 * (1 + Math.floor(random() * 5)) });
  }
  return sortActionEntries(entries);
}

describe('deny deltas', () => {
  it('merge(from, diff(from, to)) = to, through the wire format', () => {
    const random = prng(5);
    for (let round = 0; round < ROUNDS; round++) {
      const [from, to] = [randomDenyEntries(random), randomDenyEntries(random)];
      const diff = diffDenyEntries(from, to);
      const decoded = decodeDenyList(encodeDenyList({ kind: 'delta', version: 2, baseVersion: 1, issuedAt: ISSUED_AT, ...diff }));
      if (!decoded.ok || decoded.value.kind !== 'delta') throw new Error('delta does not decode');
      expect(mergeDenyDelta(from, decoded.value)).toEqual(to);
    }
  });

  it('an identical list diffs to nothing; a removal of an unlisted card is a no-op', () => {
    const entries = randomDenyEntries(prng(9));
    const diff = diffDenyEntries(entries, entries);
    expect([diff.adds.keys.length, diff.removes.length]).toEqual([0, 0]);
    expect(mergeDenyDelta(entries, { adds: diff.adds, removes: Float64Array.of(KEY_BASE + KEY_SPACE + 1) })).toEqual(entries);
  });
});

describe('action deltas', () => {
  it('merge(from, diff(from, to)) = to, through the wire format', () => {
    const random = prng(11);
    for (let round = 0; round < ROUNDS; round++) {
      const [from, to] = [randomActions(random), randomActions(random)];
      const diff = diffActionEntries(from, to);
      const decoded = decodeActionList(encodeActionList({ kind: 'delta', version: 2, baseVersion: 1, issuedAt: ISSUED_AT, ...diff }));
      if (!decoded.ok || decoded.value.kind !== 'delta') throw new Error(`delta does not decode: ${decoded.ok ? 'full' : decoded.code}`);
      const merged = mergeActionDelta(from, decoded.value);
      expect(merged).toEqual({ ok: true, value: to });
    }
  });

  it('refuses a delta whose add collides with another action of the same card and seq', () => {
    const [first] = randomActions(prng(3));
    if (first === undefined) throw new Error('fixture empty');
    const clash: ActionListEntry = { ...first, actionId: 'other' };
    expect(mergeActionDelta([first], { adds: [clash], removes: [] })).toEqual({ ok: false, code: 'entry_duplicate', field: 'adds[0].seq' });
  });
});

describe('deltas from database rows', () => {
  const [a, b] = [cardNumberOfKey(KEY_BASE + 1), cardNumberOfKey(KEY_BASE + 2)];

  it('a card removed and added again in one delta stays denied with the new reason', () => {
    const delta = denyDeltaOf({ adds: [{ cardNumber: b, reason: 'stolen' }, { cardNumber: a, reason: 'lost' }], removes: [a, b, cardNumberOfKey(KEY_BASE + 3)] });
    expect([...unpackDenyEntries(delta.adds)]).toEqual([{ cardNumber: a, reason: 'lost' }, { cardNumber: b, reason: 'stolen' }]);
    expect([...delta.removes]).toEqual([KEY_BASE + 3]);
    expect(() => encodeDenyList({ kind: 'delta', version: 3, baseVersion: 2, issuedAt: ISSUED_AT, ...delta })).not.toThrow();
  });

  it('an action id removed and added again is kept; removes come sorted and unique', () => {
    const [first, second] = randomActions(prng(21));
    if (first === undefined || second === undefined) throw new Error('fixture too small');
    const delta = actionDeltaOf({ adds: [second, first], removes: ['z-9', first.actionId, 'b-1', 'z-9'] });
    expect(delta).toEqual({ adds: [first, second], removes: ['b-1', 'z-9'] });
    expect(() => encodeActionList({ kind: 'delta', version: 3, baseVersion: 2, issuedAt: ISSUED_AT, ...delta })).not.toThrow();
  });
});
