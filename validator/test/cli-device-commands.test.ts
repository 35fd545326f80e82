/**
 * The device commands in-process (runCli): init-demo, status, sync and run
 * on the demo it writes, and every way a configuration can be wrong —
 * missing, truncated, hostile, a key bundle of another role, a truncated
 * bundle, a missing key file — each with its exit code and a message that
 * names the field, never a value or a path's content.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessChannel, openCardWithStateFile } from '@onecard/card-os';
import { toHex } from '@onecard/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runCli } from '../src/cli/main.js';
import { readDeviceConfig } from '../src/runtime/config-file.js';
import { DEMO_DEVICE_ID } from '../src/runtime/demo-setup.js';
import { openValidatorDevice } from '../src/runtime/open-device.js';
import { TEST_JOURNAL_SEED, TEST_LIST_KEY_ID, TEST_LIST_PUBLIC_KEY_HEX, TestClearingHouse } from '../src/runtime/testing/device-files.js';

interface Run { readonly code: number; readonly stdout: string; readonly stderr: string }

async function cli(argv: readonly string[], stopSignal?: AbortSignal): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, ...(stopSignal === undefined ? {} : { stopSignal }) });
  return { code, stdout, stderr };
}

let root: string;
let demo: string;
let demoConfig: Record<string, unknown>;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'onecard-cli-device-'));
  demo = join(root, 'demo');
  const init = await cli(['init-demo', '--dir', demo]);
  expect(init).toMatchObject({ code: EXIT_OK, stderr: '' });
  expect(init.stdout).toContain(`npx validator run --config ${join(demo, 'device.json')}`);
  demoConfig = JSON.parse(readFileSync(join(demo, 'device.json'), 'utf8')) as Record<string, unknown>;
});
afterAll(() => { rmSync(root, { recursive: true, force: true }); });

/** A config file next to the demo's (same relative paths) with some fields replaced. */
function variant(name: string, fields: Record<string, unknown>): string {
  const path = join(demo, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...demoConfig, ...fields }));
  return path;
}

async function tapDemoCard(input: { readonly configPath: string; readonly demoDir: string }): Promise<void> {
  const { configPath } = input;
  const read = await readDeviceConfig(configPath);
  if (!read.ok) throw new Error(read.problems.join('; '));
  const device = await openValidatorDevice(read.config, { sync: 'manual' });
  try {
    const card = openCardWithStateFile({ imagePath: join(input.demoDir, 'card.state') });
    expect(await device.tap({ channel: new InProcessChannel(card).tap(), uid: undefined })).toMatchObject({ accepted: true, kind: 'fare', amountVnd: 12_000 });
  } finally {
    await device.close();
  }
}

describe('validator device commands', () => {
  it('init-demo writes a device that opens, and refuses a folder in use', async () => {
    const status = await cli(['status', '--config', join(demo, 'device.json')]);
    expect(status.code).toBe(EXIT_OK);
    expect(JSON.parse(status.stdout)).toMatchObject({ deviceId: DEMO_DEVICE_ID, mode: 'bus', journal: { state: 'ok', lastSeq: 0 }, lists: { deny: { version: 0 } }, sync: null });
    expect(await cli(['init-demo', '--dir', demo])).toMatchObject({ code: EXIT_USAGE, stderr: expect.stringContaining('must be empty') as unknown });
  });

  it('exits 2 with path: rule lines for missing, truncated and hostile configs', async () => {
    expect((await cli(['status'])).code).toBe(EXIT_USAGE);
    const missing = await cli(['status', '--config', join(root, 'nope.json')]);
    expect(missing).toMatchObject({ code: EXIT_USAGE, stderr: expect.stringContaining('(file): cannot be read (ENOENT)') as unknown });
    const text = readFileSync(join(demo, 'device.json'), 'utf8');
    const truncated = join(root, 'truncated.json');
    writeFileSync(truncated, text.slice(0, text.length / 2));
    for (const command of ['status', 'sync', 'run']) expect(await cli([command, '--config', truncated])).toMatchObject({ code: EXIT_USAGE, stderr: expect.stringContaining('config_not_json') as unknown });
    const secret = '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkq';
    const hostile = variant('hostile', { operator: secret, deviceId: -1, keys: { bundle: { kind: 'sealed', sealedFile: secret }, journalSeedFile: 'x', journalKeyId: secret }, mode: { kind: 'bus; rm -rf /' } });
    const refused = await cli(['status', '--config', hostile]);
    expect(refused.code).toBe(EXIT_USAGE);
    expect(refused.stderr).toContain('operator: must be a lowercase code');
    expect(refused.stderr).toContain('mode.kind: must be one of bus');
    expect(refused.stderr).toContain('keys.bundle.privateKeyFile: is required');
    expect(refused.stderr).not.toContain('BEGIN');
    expect(refused.stderr).not.toContain('rm -rf');
  });

  it('exits 2 for a key bundle of another role, a truncated bundle and a missing key file, naming the field only', async () => {
    const gate = variant('gate', { mode: { kind: 'school-gate', siteCode: 12, gateNo: 1 } });
    const wrongRole = await cli(['status', '--config', gate]);
    expect(wrongRole).toMatchObject({ code: EXIT_USAGE, stderr: expect.stringContaining('key_bundle_role_mismatch') as unknown });
    expect(wrongRole.stderr).toContain('the key bundle is for bus-validator');
    const bundle = readFileSync(join(demo, 'keys', 'bus-validator.bundle'));
    writeFileSync(join(demo, 'keys', 'cut.bundle'), bundle.subarray(0, bundle.length - 40));
    const cut = await cli(['status', '--config', variant('cut', { keys: { bundle: { kind: 'plain-test', file: 'keys/cut.bundle' }, journalSeedFile: 'keys/journal.ed25519-seed', journalKeyId: 'demo-bus-4242' } })]);
    expect(cut).toMatchObject({ code: EXIT_USAGE, stderr: expect.stringContaining('keys.bundle: is not a device key bundle (malformed or truncated) [key_bundle_invalid]') as unknown });
    const absent = await cli(['status', '--config', variant('absent', { keys: { bundle: { kind: 'sealed', sealedFile: 'keys/secret-name.sealed', privateKeyFile: 'keys/device.key' }, journalSeedFile: 'keys/journal.ed25519-seed', journalKeyId: 'demo-bus-4242' } })]);
    expect(absent).toMatchObject({ code: EXIT_USAGE, stderr: 'error: keys.bundle.sealedFile: cannot read the file (ENOENT) [file_unreadable]\n' });
    const badFeed = await cli(['status', '--config', variant('feed', { mode: { kind: 'bus', routeId: '01', fareFeedDir: 'keys' } })]);
    expect(badFeed).toMatchObject({ code: EXIT_USAGE, stderr: expect.stringContaining('mode.fareFeedDir: ') as unknown });
  });

  it('sync: 2 when offline; uploads the tapped event once and installs the deny list; 1 when the clearing house is down', async () => {
    expect(await cli(['sync', '--config', join(demo, 'device.json')])).toMatchObject({ code: EXIT_USAGE, stderr: expect.stringContaining('clearingHouse: is not configured') as unknown });
    const house = await TestClearingHouse.start({ deviceId: DEMO_DEVICE_ID });
    try {
      // The test clearing house knows the test journal key and signs lists with the test list key.
      const syncDir = join(root, 'sync');
      await cli(['init-demo', '--dir', syncDir]);
      writeFileSync(join(syncDir, 'keys', 'journal.ed25519-seed'), `${toHex(TEST_JOURNAL_SEED)}\n`);
      const config = JSON.parse(readFileSync(join(syncDir, 'device.json'), 'utf8')) as Record<string, unknown>;
      const configPath = join(syncDir, 'online.json');
      writeFileSync(configPath, JSON.stringify({ ...config, clearingHouse: { baseUrl: house.baseUrl }, lists: { trustedKeys: [{ keyId: TEST_LIST_KEY_ID, publicKeyHex: TEST_LIST_PUBLIC_KEY_HEX }] } }));
      await tapDemoCard({ configPath, demoDir: syncDir });
      house.denyVersions.push([]);
      const round = await cli(['sync', '--config', configPath]);
      expect(round.code).toBe(EXIT_OK);
      expect(JSON.parse(round.stdout)).toMatchObject({ ok: true, uploaded: { batchSeqs: [1], eventCount: 1 }, pendingBatchCount: 0, downloaded: { deny: { versionBefore: 0, versionAfter: 1 }, actions: { versionBefore: 0, versionAfter: 0 } } });
      expect(house.batches.events.map((e) => [e.seq, e.kind, e.amountVnd])).toEqual([[1, 'fare', 12_000]]);
      const again = await cli(['sync', '--config', configPath]);
      expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, uploaded: { batchSeqs: [], eventCount: 0 } });
      expect(house.batches.events).toHaveLength(1);
      await house.stop();
      const down = await cli(['sync', '--config', configPath]);
      expect(down.code).toBe(EXIT_FAILED);
      expect(JSON.parse(down.stdout)).toMatchObject({ ok: false, errorCode: 'network_error' });
      const status = JSON.parse((await cli(['status', '--config', configPath])).stdout) as { sync: { lastAttemptAt: string | null; lastSuccessAt: string | null } };
      // The last success is the earlier round's, kept across processes in the status file; the failed attempt is later.
      expect(status.sync.lastSuccessAt).not.toBeNull();
      expect(String(status.sync.lastAttemptAt) >= String(status.sync.lastSuccessAt)).toBe(true);
    } finally {
      await house.stop().catch(() => undefined);
    }
  });

  it('run: starts without a reader, reports while status says the journal is locked, and stops cleanly', async () => {
    const configPath = variant('run', { reader: { kind: 'none' }, webView: { port: 0, host: '127.0.0.1' } });
    const stop = new AbortController();
    let stdout = '';
    const running = runCli(['run', '--config', configPath], { stdout: (t) => { stdout += t; }, stderr: () => undefined, stopSignal: stop.signal });
    for (let waitedMs = 0; !stdout.includes('running') && waitedMs < 5_000; waitedMs += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stdout).toMatch(/web view: http:\/\/127\.0\.0\.1:\d+\//);
    const locked = await cli(['status', '--config', configPath]);
    expect(locked.code).toBe(EXIT_OK);
    expect(locked.stdout).toContain('The journal is locked by a running device');
    expect(locked.stdout).toContain(`"deviceId": ${DEMO_DEVICE_ID}`);
    stop.abort();
    expect(await running).toBe(EXIT_OK);
    expect(stdout).toContain('validator stopped');
    // The journal was released: status opens it again.
    expect((await cli(['status', '--config', configPath])).code).toBe(EXIT_OK);
  });
});
