/** The device configuration file: valid files, and malformed, hostile and truncated ones, answered as `path: rule` lines that never echo a value. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDeviceConfig, readDeviceConfig } from '../src/runtime/config-file.js';
import { roleOfMode } from '../src/runtime/device-keys-setup.js';
import { CONFIG_FILE_BYTES_MAX, CONFIG_PROBLEM_COUNT_MAX } from '../src/runtime/limits.js';

const dir = mkdtempSync(join(tmpdir(), 'onecard-runtime-config-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const PEM_LIKE = '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC';
const VALID = {
  deviceId: 4242,
  operator: 'hanoi-bus',
  dataDir: 'data',
  mode: { kind: 'bus', routeId: '01', fareFeedDir: '../feeds/hanoi' },
  keys: { bundle: { kind: 'sealed', sealedFile: 'keys/device.sealed', privateKeyFile: '/etc/onecard/device.key' }, journalSeedFile: 'keys/journal.seed', journalKeyId: 'bus-4242' },
  lists: { trustedKeys: [{ keyId: 'ch-lists-1', publicKeyHex: 'ab'.repeat(32) }] },
  clearingHouse: { baseUrl: 'https://clearing.example.vn' },
  reader: { kind: 'pcsc', name: 'OneCard vpcd 00 01' },
};

function problemsOf(json: unknown): readonly string[] {
  const result = parseDeviceConfig(json, { baseDir: '/srv/device' });
  if (result.ok) throw new Error('expected the config to be refused');
  return result.problems;
}

describe('device configuration', () => {
  it('accepts a valid file, fills the defaults and reads relative paths from the file folder', () => {
    const result = parseDeviceConfig(VALID, { baseDir: '/srv/device' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      language: 'vi',
      dataDir: '/srv/device/data',
      mode: { kind: 'bus', fareFeedDir: '/srv/feeds/hanoi', fareMediaId: 'onecard', autoload: false, recoveryWindowMs: 15 * 60_000, repeatWindowMs: 2 * 60_000 },
      keys: { bundle: { sealedFile: '/srv/device/keys/device.sealed', privateKeyFile: '/etc/onecard/device.key' } },
    });
    expect(roleOfMode(result.config.mode)).toBe('bus-validator');
  });

  it('derives the bundle role from the mode', () => {
    const role = (mode: Record<string, unknown>) => {
      const result = parseDeviceConfig({ ...VALID, mode }, { baseDir: '/' });
      if (!result.ok) throw new Error(result.problems.join('; '));
      return roleOfMode(result.config.mode);
    };
    expect(role({ kind: 'bus', routeId: '01', fareFeedDir: 'f', autoload: true })).toBe('bus-validator-autoload');
    expect(role({ kind: 'school-gate', siteCode: 12, gateNo: 1 })).toBe('school-gate');
    expect(role({ kind: 'office', siteCode: 12, gateNo: 1, agencyCode: 17 })).toBe('office-gate');
    expect(role({ kind: 'canteen', siteCode: 12, counterNo: 2, amountVnd: 25_000 })).toBe('canteen-terminal');
    expect(role({ kind: 'library', libraryCode: 3, schoolCode: 12, action: 'loan', itemId: 9001 })).toBe('library-terminal');
    expect(role({ kind: 'clinic', facility: '01001', visitType: 'outpatient', reason: 'J06.9' })).toBe('clinic-terminal');
  });

  it('names each faulty field with its rule', () => {
    const problems = problemsOf({ ...VALID, deviceId: 0, operator: 'Hanoi Bus', mode: { kind: 'bus', routeId: '' }, lists: { trustedKeys: [{ keyId: 'k', publicKeyHex: 'AB' }] }, clearingHouse: { baseUrl: 'ftp://x' }, colour: 'red' });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^deviceId: /),
      'operator: must be a lowercase code [a-z0-9][a-z0-9_.:-]*',
      expect.stringMatching(/^mode\.routeId: must be a GTFS id/),
      'mode.fareFeedDir: is required',
      'lists.trustedKeys[0].publicKeyHex: must be 32 bytes of lowercase hex',
      expect.stringMatching(/^clearingHouse\.baseUrl: /),
      'colour: unknown field',
    ]));
    expect(problemsOf({ ...VALID, mode: { kind: 'train' } })).toEqual(['mode.kind: must be one of bus, school-gate, office, canteen, library, clinic']);
    expect(problemsOf({ ...VALID, reader: { kind: 'usb' } })).toEqual(['reader.kind: must be one of pcsc, none']);
    expect(problemsOf({ ...VALID, deviceId: '4242' })).toEqual(['deviceId: must be number']);
    expect(problemsOf([])).toEqual(['(file): must be a JSON object']);
  });

  it('never echoes a value, however hostile', () => {
    const hostile = {
      ...VALID,
      operator: PEM_LIKE,
      keys: { ...VALID.keys, journalKeyId: PEM_LIKE, bundle: { kind: 'plain-test', file: 7, [PEM_LIKE]: 1 } },
      ['__proto__']: { polluted: true },
      [`${'x'.repeat(500)}\n\u001b[31m`]: 1,
      mode: { kind: 'clinic', facility: PEM_LIKE, visitType: PEM_LIKE, reason: PEM_LIKE },
    };
    const problems = problemsOf(JSON.parse(JSON.stringify(hostile)));
    for (const problem of problems) {
      expect(problem).not.toContain('BEGIN');
      expect(problem).not.toContain('\u001b');
      expect(problem.length).toBeLessThan(300);
    }
    expect(problems).toContain('keys.bundle.<field>: unknown field');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('caps the number of problems reported', () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`extra${i}`, i]));
    const problems = problemsOf({ ...VALID, ...many });
    expect(problems).toHaveLength(CONFIG_PROBLEM_COUNT_MAX + 1);
    expect(problems.at(-1)).toBe(`… and ${100 - CONFIG_PROBLEM_COUNT_MAX} more`);
  });

  it('refuses missing, truncated, non-JSON and oversized files without quoting them', async () => {
    expect(await readDeviceConfig(join(dir, 'absent.json'))).toMatchObject({ ok: false, code: 'config_unreadable', problems: ['(file): cannot be read (ENOENT)'] });
    expect(await readDeviceConfig(dir)).toMatchObject({ ok: false, code: 'config_unreadable' });
    const text = JSON.stringify({ ...VALID, operator: PEM_LIKE });
    for (const cut of [1, 40, text.length - 1]) {
      const path = join(dir, `cut-${cut}.json`);
      writeFileSync(path, text.slice(0, cut));
      const result = await readDeviceConfig(path);
      expect(result).toMatchObject({ ok: false, code: 'config_not_json' });
      expect(JSON.stringify(result)).not.toContain('BEGIN');
    }
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"pad":"${'a'.repeat(CONFIG_FILE_BYTES_MAX)}"}`);
    expect(await readDeviceConfig(big)).toMatchObject({ ok: false, code: 'config_too_large' });
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, '['.repeat(CONFIG_FILE_BYTES_MAX / 2) + ']'.repeat(CONFIG_FILE_BYTES_MAX / 2 - 1));
    expect(await readDeviceConfig(deep)).toMatchObject({ ok: false });
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    expect(await readDeviceConfig(empty)).toMatchObject({ ok: false, code: 'config_not_json' });
  });
});
