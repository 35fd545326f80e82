import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same text for the same value whatever the insertion order', () => {
    const first = { seq: 1, action: 'derive', keyNo: 2 };
    const second = { keyNo: 2, action: 'derive', seq: 1 };
    expect(canonicalJson(first)).toBe(canonicalJson(second));
    expect(canonicalJson(JSON.parse(canonicalJson(first)))).toBe(canonicalJson(first));
  });

  it('omits undefined properties and escapes strings', () => {
    expect(canonicalJson({ a: undefined, b: 'line\nbreak"' })).toBe('{"b":"line\\nbreak\\""}');
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(RangeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
    expect(() => canonicalJson(new Date(0))).toThrow(TypeError);
    expect(() => canonicalJson([undefined])).toThrow(TypeError);
  });
});
