import { describe, expect, it } from 'vitest';
import { KnownCards } from './known-cards.js';

describe('KnownCards', () => {
  it('answers the cards it has not been told of, and nothing once told', () => {
    const known = new KnownCards({ countMax: 10 });
    expect(known.unknownOf(['1', '2'])).toEqual(['1', '2']);
    known.remember(['1']);
    expect(known.unknownOf(['1', '2'])).toEqual(['2']);
    expect(known.size).toBe(1);
  });

  it('forgets everything when full, so it never grows past its bound (a forgotten card is only looked up again)', () => {
    const known = new KnownCards({ countMax: 3 });
    known.remember(['1', '2', '3']);
    known.remember(['4']);
    expect(known.size).toBe(1);
    expect(known.unknownOf(['1', '4'])).toEqual(['1']);
    known.remember(['5', '6', '7', '8', '9']);
    expect(known.size).toBeLessThanOrEqual(3);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new KnownCards({ countMax: 0 })).toThrow(RangeError);
    expect(() => new KnownCards({ countMax: 1.5 })).toThrow(RangeError);
  });
});
