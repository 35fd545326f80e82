/** DenyTable against a Map reference model: random tables and deltas, every key checked. */
import { describe, expect, it } from 'vitest';
import { DenyTable } from './deny-table.js';
import { CARD_KEY_BASE } from './testing/fixtures.js';
import { cardNumberOfKey, DENY_REASON } from './wire.js';

const ROUNDS = 40;
const KEY_SPACE = 400;
const REASON_COUNT = 5;

/** A small deterministic PRNG (mulberry32) so a failure replays. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function packed(model: ReadonlyMap<number, number>): { keys: Float64Array; reasonCodes: Uint8Array } {
  const keys = Float64Array.from([...model.keys()].sort((a, b) => a - b));
  return { keys, reasonCodes: Uint8Array.from(keys, (key) => model.get(key) ?? 0) };
}

describe('DenyTable', () => {
  it('looks up and merges deltas exactly like a Map', () => {
    const random = prng(20_261_204);
    for (let round = 0; round < ROUNDS; round++) {
      const model = new Map<number, number>();
      for (let i = 0; i < KEY_SPACE; i++) if (random() < 0.3) model.set(CARD_KEY_BASE + i, 1 + Math.floor(random() * REASON_COUNT));
      let table = new DenyTable(packed(model));
      const adds = new Map<number, number>();
      const removes = new Set<number>();
      for (let i = 0; i < KEY_SPACE; i++) {
        const roll = random();
        if (roll < 0.1) adds.set(CARD_KEY_BASE + i, 1 + Math.floor(random() * REASON_COUNT));
        else if (roll < 0.2) removes.add(CARD_KEY_BASE + i);
      }
      table = table.withDelta(packed(adds), Float64Array.from([...removes].sort((a, b) => a - b)));
      for (const [key, code] of adds) model.set(key, code);
      for (const key of removes) model.delete(key);
      expect(table.entryCount).toBe(model.size);
      for (let i = -1; i <= KEY_SPACE; i++) {
        const key = CARD_KEY_BASE + i;
        const code = model.get(key);
        expect(table.lookup(cardNumberOfKey(key))).toBe(code === undefined ? undefined : DENY_REASON.nameOf(code));
      }
    }
  });

  it('an empty table and an empty delta', () => {
    const empty = DenyTable.empty();
    expect(empty.lookup(cardNumberOfKey(CARD_KEY_BASE))).toBeUndefined();
    expect(empty.withDelta({ keys: new Float64Array(0), reasonCodes: new Uint8Array(0) }, Float64Array.of(CARD_KEY_BASE)).entryCount).toBe(0);
    expect(empty.sizeBytes).toBe(0);
  });
});
