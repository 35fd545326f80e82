import { describe, expect, it } from 'vitest';
import { Random } from './seeded-random.js';

const DRAW_COUNT = 10_000;

describe('Random (mulberry32)', () => {
  it('answers the reference mulberry32 sequence, so a recorded seed replays the same run', () => {
    const random = new Random(1);
    expect([random.next(), random.next(), random.next()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
    const zero = new Random(0);
    expect([zero.next(), zero.next()]).toEqual([0.26642920868471265, 0.0003297457005828619]);
  });

  it('reduces the seed to 32 bits: 2^32 + 1 is seed 1, -1 is 0xffffffff', () => {
    expect(new Random(2 ** 32 + 1).next()).toBe(new Random(1).next());
    expect(new Random(-1).next()).toBe(new Random(0xffffffff).next());
  });

  it('two generators with one seed agree; another seed differs', () => {
    const a = new Random(99);
    const b = new Random(99);
    const c = new Random(100);
    const draw = (random: Random): number[] => Array.from({ length: 5 }, () => random.next());
    const fromA = draw(a);
    expect(draw(b)).toEqual(fromA);
    expect(draw(c)).not.toEqual(fromA);
  });

  it('next() stays in [0, 1) and int(min, max) in [min, max], reaching both ends', () => {
    const random = new Random(42);
    const seen = new Set<number>();
    for (let i = 0; i < DRAW_COUNT; i += 1) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      seen.add(random.int(-2, 3));
    }
    expect([...seen].sort((p, q) => p - q)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(Array.from({ length: 10 }, () => new Random(5).int(7, 7))).toEqual(Array<number>(10).fill(7));
  });

  it('int draws a pinned sequence for seed 42', () => {
    const random = new Random(42);
    expect(Array.from({ length: 10 }, () => random.int(1, 6))).toEqual([4, 3, 6, 5, 2, 4, 2, 4, 6, 3]);
  });

  it('shuffle answers a permutation, pinned for seed 7, and leaves its input alone', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8] as const;
    const shuffled = new Random(7).shuffle(items);
    expect(shuffled).toEqual([5, 7, 2, 3, 4, 6, 8, 1]);
    expect([...shuffled].sort((p, q) => p - q)).toEqual([...items]);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Random(7).shuffle([])).toEqual([]);
  });

  it('pick answers an element and refuses an empty list', () => {
    expect(new Random(7).pick(['a', 'b', 'c'])).toBe('a');
    expect(() => new Random(7).pick([])).toThrow('assertion failed: pick from an empty list');
  });
});
