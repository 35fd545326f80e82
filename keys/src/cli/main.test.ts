import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import { makeTempDir, TEST_PASSPHRASE, type TempDir } from '../store/key-store.fixtures.js';
import { Sam } from '../sam/sam.js';
import { makeTestDevice } from '../sam/sam.fixtures.js';
import type { CliDependencies } from './cli-context.js';
import { runCli } from './main.js';


const UID_HEX = '04a1b2c3d4e5f6';
let dir: TempDir;
let store: string;

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: readonly string[], options: { env?: Record<string, string>; deps?: CliDependencies } = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const env = options.env ?? { ONECARD_KEYSTORE_PASSPHRASE: TEST_PASSPHRASE };
  const io = { stdout: (text: string) => (stdout += text), stderr: (text: string) => (stderr += text), env };
  const code = await runCli(['--weak-kdf-for-testing', '--principal', 'cli-tester', ...args], io, options.deps ?? {});
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stdout + stderr).not.toContain(TEST_PASSPHRASE);
  return { code, stdout, stderr };
}

async function initWithTransit(): Promise<void> {
  expect((await run(['init', '--store', store, '--environment', 'test', '--scrypt-cost-log2', '10'])).code).toBe(0);
  expect((await run(['master', 'add', '--store', store, '--app', 'transit', '--key-no', '2', '--type', 'aes128'])).code).toBe(0);
}

const derive = (extra: readonly string[] = []): Promise<RunResult> => run(['derive', '--store', store, '--app', 'transit', '--key-no', '2', '--uid', UID_HEX, ...extra]);

beforeEach(() => {
  dir = makeTempDir('onecard-cli-');
  store = join(dir.path, 'masters.json');
});
afterEach(() => {
  dir.remove();
});

describe('keys CLI: happy paths', () => {
  it('init, add, list, derive, rotate, retire, audit verify', async () => {
    await initWithTransit();
    const listed = await run(['master', 'list', '--store', store, '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ application: 'transit', keyNo: 2, keyType: 'aes128', activeVersion: 1 })]);
    const first = await derive(['--json']);
    expect(first.code).toBe(0);
    const v1 = JSON.parse(first.stdout) as { keyHex: string; version: number };
    expect(v1).toMatchObject({ keyType: 'aes128', version: 1 });
    expect(v1.keyHex).toMatch(/^[0-9a-f]{32}$/);
    expect((await run(['master', 'rotate', '--store', store, '--app', 'transit', '--key-no', '2'])).stdout).toContain('active 2');
    expect(JSON.parse((await derive(['--json', '--version', '1'])).stdout)).toEqual(v1);
    expect(JSON.parse((await derive(['--json'])).stdout)).toMatchObject({ version: 2 });
    expect((await run(['master', 'retire', '--store', store, '--app', 'transit', '--key-no', '2', '--version', '1'])).code).toBe(0);
    const retired = await derive(['--version', '1']);
    expect(retired).toMatchObject({ code: 1, stderr: expect.stringContaining('key_version_retired') as unknown });
    const verified = await run(['audit', 'verify', '--store', store]);
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/^audit log OK: 7 entries/) as unknown });
    expect(readFileSync(`${store}.audit.jsonl`, 'utf8')).not.toContain(UID_HEX);
  });

  it('imports a key from a file, never from an argument', async () => {
    expect((await run(['init', '--store', store, '--environment', 'test', '--scrypt-cost-log2', '10'])).code).toBe(0);
    const keyFile = join(dir.path, 'key.hex');
    writeFileSync(keyFile, '00112233445566778899aabbccddeeff\n');
    const added = await run(['master', 'add', '--store', store, '--app', 'civil', '--key-no', '3', '--type', 'aes128', '--import-file', keyFile, '--version', '4']);
    expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining('active 4') as unknown });
    expect(added.stdout).not.toContain('00112233445566778899aabbccddeeff');
    expect((await run(['master', 'add', '--store', store, '--app', 'civil', '--key-no', '4', '--type', 'aes128', '--import-file', keyFile])).code).toBe(2);
  });

  it('changes the passphrase; the old one then fails', async () => {
    await initWithTransit();
    const newFile = join(dir.path, 'new-pass');
    writeFileSync(newFile, 'the new operator passphrase\n');
    expect((await run(['passphrase', 'change', '--store', store, '--scrypt-cost-log2', '10', '--new-passphrase-file', newFile])).code).toBe(0);
    expect(await derive()).toMatchObject({ code: 1, stderr: 'error: wrong passphrase\n' });
    expect((await run(['--passphrase-file', newFile, 'derive', '--store', store, '--app', 'transit', '--key-no', '2', '--uid', UID_HEX], { env: {} })).code).toBe(0);
  });

  it('exports a sealed bundle for a role (sealer injected; see bundle-export.test.ts for the real one)', async () => {
    await initWithTransit();
    await run(['master', 'add', '--store', store, '--app', 'transit', '--key-no', '3', '--type', 'aes128']);
    await run(['master', 'add', '--store', store, '--app', 'identity', '--key-no', '1', '--type', 'aes128']);
    const certFile = join(dir.path, 'device.pem');
    writeFileSync(certFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const out = join(dir.path, 'bundle.bin');
    const args = ['bundle', 'export', '--store', store, '--role', 'bus-validator', '--device-id', 'hn-bus-0042-v1', '--cert', certFile, '--ca-dir', dir.path, '--out', out];
    const device = makeTestDevice();
    const seen: string[] = [];
    const deps: CliDependencies = {
      sealKeyBundle: ({ certificatePem, certificateRole, bundle }) => {
        seen.push(certificatePem, certificateRole);
        return device.seal(bundle);
      },
    };
    const exported = await run(args, { deps });
    expect(exported).toMatchObject({ code: 0, stdout: expect.stringContaining('transit/2 v1 (active)') as unknown });
    expect(seen[0]).toContain('BEGIN CERTIFICATE');
    expect(seen[1]).toBe('validator');
    const sam = Sam.fromBundle({ bundle: device.unseal(readFileSync(out)) });
    const onDevice = sam.deriveCardKey({ application: 'transit', keyNo: 2, uid: fromHex(UID_HEX), version: 'active', principal: 'bus-1', purpose: 'tap' });
    expect(toHex(onDevice.key)).toBe((JSON.parse((await derive(['--json'])).stdout) as { keyHex: string }).keyHex);
    expect((await run(args, { deps })).code).toBe(1);
  });

  it('prints help with exit 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('derive');
  });
});

describe('keys CLI: hostile and malformed input', () => {
  it.each([
    ['short UID', ['--uid', '04a1b2c3']],
    ['long UID', ['--uid', '04a1b2c3d4e5f6a7b8']],
    ['non-hex UID', ['--uid', '04a1b2c3d4e5zz']],
    ['odd-length UID', ['--uid', '04a1b2c3d4e5f']],
    ['key number out of range', ['--key-no', '14']],
    ['version out of range', ['--version', '256']],
    ['fractional key number', ['--key-no', '1.5']],
    ['application with a slash', ['--app', '../etc']],
  ])('%s is a usage error (exit 2) that does not echo the input', async (_label, override) => {
    await initWithTransit();
    const args = ['derive', '--store', store, '--app', 'transit', '--key-no', '2', '--uid', UID_HEX];
    const [flag = '', value = ''] = override;
    if (args.includes(flag)) args[args.indexOf(flag) + 1] = value;
    else args.push(flag, value);
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).not.toContain(value);
  });

  it('unknown application, unknown key, wrong passphrase, missing passphrase, passphrase as an argument', async () => {
    await initWithTransit();
    await run(['master', 'add', '--store', store, '--app', 'parking', '--key-no', '1', '--type', 'aes128']);
    expect(await run(['derive', '--store', store, '--app', 'parking', '--key-no', '1', '--uid', UID_HEX])).toMatchObject({ code: 2, stderr: expect.stringContaining('no AID registered') as unknown });
    expect(await run(['derive', '--store', store, '--app', 'transit', '--key-no', '5', '--uid', UID_HEX])).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown_key') as unknown });
    expect(await run(['master', 'list', '--store', store], { env: { ONECARD_KEYSTORE_PASSPHRASE: 'not the passphrase at all' } })).toMatchObject({ code: 1, stderr: 'error: wrong passphrase\n' });
    expect((await run(['master', 'list', '--store', store], { env: {} })).code).toBe(2);
    expect((await run(['master', 'list', '--store', store, '--passphrase', TEST_PASSPHRASE], { env: {} })).code).toBe(2);
    expect((await run(['master', 'list'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it.each([
    ['truncated', (text: string) => text.slice(0, text.length / 3), 'unreadable'],
    ['garbage JSON', () => '{"format":"onecard-keystore",', 'unreadable'],
    ['a JSON array', () => '[1,2,3]', 'schema'],
    ['binary noise', () => '\u0000\u00ff\u0001', 'unreadable'],
    [
      'a flipped ciphertext byte',
      (text: string) => {
        const json = JSON.parse(text) as { masters: { versions: { sealed: { ciphertextHex: string } }[] }[] };
        const sealed = json.masters[0]?.versions[0]?.sealed;
        if (sealed === undefined) throw new Error('fixture');
        sealed.ciphertextHex = (sealed.ciphertextHex.startsWith('0') ? '1' : '0') + sealed.ciphertextHex.slice(1);
        return JSON.stringify(json);
      },
      'entry_authentication',
    ],
  ] as const)('a store file with %s fails with one clear line (exit 1)', async (_label, damage, detail) => {
    await initWithTransit();
    writeFileSync(store, damage(readFileSync(store, 'utf8')));
    const result = await derive();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: key store is corrupt or has been tampered with (${detail}) [store_corrupt]\n`);
  });

  it('refuses to print card keys from a production store, and a second writer while the lock is held', async () => {
    expect((await run(['init', '--store', store, '--environment', 'production', '--scrypt-cost-log2', '10'])).code).toBe(1);
    expect((await run(['init', '--store', store, '--environment', 'production', '--scrypt-cost-log2', '15'])).code).toBe(0);
    expect((await run(['master', 'add', '--store', store, '--app', 'transit', '--key-no', '2', '--type', 'aes128'])).code).toBe(0);
    expect(await derive()).toMatchObject({ code: 1, stderr: expect.stringContaining('production store') as unknown });
    writeFileSync(`${store}.lock`, '');
    expect(await run(['master', 'rotate', '--store', store, '--app', 'transit', '--key-no', '2'])).toMatchObject({ code: 1, stderr: expect.stringContaining('store_locked') as unknown });
    expect(existsSync(`${store}.lock`)).toBe(true);
  });

  it('audit verify reports the broken line, and a store/audit revision mismatch', async () => {
    await initWithTransit();
    const auditPath = `${store}.audit.jsonl`;
    const original = readFileSync(auditPath, 'utf8');
    const lines = original.split('\n');
    lines[1] = (lines[1] ?? '').replace('cli-tester', 'cli-tester2');
    writeFileSync(auditPath, lines.join('\n'));
    expect(await run(['audit', 'verify', '--store', store])).toMatchObject({ code: 1, stderr: 'error: audit log broken at line 2 (hash_mismatch)\n' });
    writeFileSync(auditPath, original.split('\n').slice(0, -2).join('\n') + '\n');
    expect(await run(['audit', 'verify', '--store', store])).toMatchObject({ code: 1, stderr: expect.stringContaining('disagree') as unknown });
  });
});
