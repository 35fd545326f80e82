import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { judgeVector, normalise, type KindHandler } from './judge.js';
import { allKinds } from './registry.js';
import { main, runVectorFile } from './run.js';

const PUBLIC_FILE = new URL('../../vectors/desfire-public.json', import.meta.url).pathname;
/** Kinds that must pass: keys/ primitives (issue 2) and card-os secure messaging (issue 3). LRP and SDM are optional. */
const KINDS_REQUIRED = [
  'aes-cmac',
  'cmac-subkeys',
  'tdea-cmac',
  'des-cmac',
  'des-legacy-cbc',
  'an10922-diversify-aes128',
  'an10922-diversify-tdea',
  'crc32-desfire',
  'crc16-iso14443a',
  'ev1-session-key',
  'ev2-session-keys',
  'ev2-auth-trace',
  'ev2-iv',
  'ev2-cmd-mac',
  'ev2-full-command',
  'ev2-full-response',
  'ev2-changekey',
  'tmac-session-keys',
];

function writeVectors(vectors: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vectors-'));
  const path = join(dir, 'v.json');
  writeFileSync(path, JSON.stringify({ vectors }));
  return path;
}

describe('the public DESFire vectors', () => {
  const result = runVectorFile(PUBLIC_FILE);
  it('loads', () => {
    expect(result.ok).toBe(true);
  });
  const verdicts = result.ok ? result.verdicts : [];
  it('fails none', () => {
    expect(verdicts.filter((v) => v.result === 'fail')).toEqual([]);
  });
  for (const kind of KINDS_REQUIRED) {
    it(`passes every ${kind} vector`, () => {
      const ofKind = verdicts.filter((v) => v.kind === kind);
      expect(ofKind.length).toBeGreaterThan(0);
      expect(ofKind.every((v) => v.result === 'pass')).toBe(true);
    });
  }
});

describe('judging', () => {
  const handlers = new Map<string, KindHandler>([['echo', (inputs) => ({ out: inputs['x'] ?? '' })]]);
  it('passes only when every expected field matched (hex case and spaces ignored)', () => {
    const v = { id: 'a', kind: 'echo', inputs: { x: 'AB CD' }, expected: { out: 'abcd' } };
    expect(judgeVector(v, handlers).result).toBe('pass');
  });
  it('fails on a mismatch and names the field', () => {
    const verdict = judgeVector({ id: 'a', kind: 'echo', inputs: { x: 'ab' }, expected: { out: 'cd' } }, handlers);
    expect(verdict).toMatchObject({ result: 'fail', detail: 'mismatch in out' });
  });
  it('is unsupported, never passed, when a field cannot be computed', () => {
    const verdict = judgeVector({ id: 'a', kind: 'echo', inputs: { x: 'ab' }, expected: { out: 'ab', other: '00' } }, handlers);
    expect(verdict).toMatchObject({ result: 'unsupported', detail: 'cannot compute other' });
  });
  it('lets handlers read only the card-random fields among the expected ones', () => {
    const peek: KindHandler = (_inputs, _fields, cardRandom) => ({ ti: cardRandom('ti') ?? 'none', other: cardRandom('other') ?? 'none' });
    const verdict = judgeVector({ id: 'a', kind: 'peek', inputs: {}, expected: { ti: 'aabbccdd', other: 'secret' } }, new Map([['peek', peek]]));
    expect(verdict).toMatchObject({ result: 'fail', detail: 'mismatch in other' });
  });
  it('a mismatch wins over an unsupported field', () => {
    const verdict = judgeVector({ id: 'a', kind: 'echo', inputs: { x: 'ab' }, expected: { out: 'cd', other: '00' } }, handlers);
    expect(verdict.result).toBe('fail');
  });
  it('is unsupported for an unknown kind', () => {
    expect(judgeVector({ id: 'a', kind: 'nope', inputs: {}, expected: { y: '1' } }, handlers).result).toBe('unsupported');
  });
  it('fails (not crashes) when the implementation throws on bad inputs', () => {
    const verdict = judgeVector({ id: 'a', kind: 'aes-cmac', inputs: { key: 'zz', message: '' }, expected: { cmac: '00' } }, allKinds());
    expect(verdict).toMatchObject({ result: 'fail', detail: 'error: input key is not valid hex' });
  });
  it('normalises 0x integers and hex', () => {
    expect(normalise('0x10')).toBe('16');
    expect(normalise('AB cd')).toBe('abcd');
    expect(normalise(3)).toBe('3');
  });
});

describe('the CLI', () => {
  it('prints a line per vector and the tally, exit 1 on a failure', () => {
    const path = writeVectors([
      { id: 'good', kind: 'crc16-iso14443a', inputs: { data: '313233343536373839' }, expected: { crc_value: 'BF05' } },
      { id: 'bad', kind: 'crc16-iso14443a', inputs: { data: '313233343536373839' }, expected: { crc_value: '0000' } },
      { id: 'unknown', kind: 'quantum', inputs: {}, expected: { a: '1' } },
    ]);
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
    const status = main([path]);
    spy.mockRestore();
    expect(status).toBe(1);
    expect(lines).toEqual([
      'good  crc16-iso14443a  pass',
      'bad  crc16-iso14443a  fail  (mismatch in crc_value)',
      'unknown  quantum  unsupported  (kind not implemented)',
      '1 passed, 1 failed, 1 unsupported',
    ]);
  });
  it('exit 2 with a clear message for a missing, non-JSON or malformed file', () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
    const dir = mkdtempSync(join(tmpdir(), 'vectors-'));
    writeFileSync(join(dir, 'garbage.json'), '{"vectors": [');
    writeFileSync(join(dir, 'shape.json'), '{"vectors": [{"id": 1}]}');
    expect(main([join(dir, 'missing.json')])).toBe(2);
    expect(main([join(dir, 'garbage.json')])).toBe(2);
    expect(main([join(dir, 'shape.json')])).toBe(2);
    expect(main([])).toBe(2);
    spy.mockRestore();
    expect(errors[0]).toMatch(/cannot read/);
    expect(errors[1]).toMatch(/not valid JSON/);
    expect(errors[2]).toMatch(/not a vector file: vectors\.0\.id/);
  });
});
