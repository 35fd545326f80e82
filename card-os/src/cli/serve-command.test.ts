/**
 * `card-os serve` end to end, in-process: runCli against a fake vpcd
 * (fake-vpcd.fixtures.ts), with an AbortController standing in for SIGINT.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex, toHex } from '@onecard/keys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESFIRE_ATR } from '../emulator/card.js';
import { DesfireClient } from '../host/client.js';
import { createApplication, getApplicationIDs, getVersion } from '../host/picc.js';
import type { CliDependencies } from './cli-context.js';
import { FakeVpcd, unusedPort, type FakeVpcdLink } from './fake-vpcd.fixtures.js';
import { runCli } from './main.js';
import type { ConnectRetryPolicy } from './serve-policy.js';

const UID_HEX = '04c0ffee123456';
const OTHER_UID_HEX = '04beef00654321';
const FAST_RETRY: ConnectRetryPolicy = { attemptsMax: 40, backoffMsInitial: 5, backoffMsMax: 25 };
const AID = 0x0a0b0c;

interface Running {
  readonly stop: (reason?: string) => void;
  readonly done: Promise<{ code: number; stdout: string; stderr: string }>;
}

function serve(args: readonly string[], deps: Omit<CliDependencies, 'stopSignal'> = { connectRetry: FAST_RETRY }): Running {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  const io = { stdout: (text: string) => { stdout += text; }, stderr: (text: string) => { stderr += text; }, env: {} };
  const done = runCli(['serve', ...args], io, { ...deps, stopSignal: controller.signal }).then((code) => {
    for (const uid of [UID_HEX, OTHER_UID_HEX]) expect(stdout + stderr).not.toContain(uid);
    expect(stderr).not.toMatch(/\n\s+at /);
    return { code, stdout, stderr };
  });
  return { stop: (reason = 'SIGINT') => { controller.abort(reason); }, done };
}

async function uidOf(link: FakeVpcdLink): Promise<string> {
  expect(toHex(await link.powerOn())).toBe(toHex(DESFIRE_ATR));
  const version = await getVersion(new DesfireClient(link));
  if (!version.ok) throw new Error(version.reason);
  return toHex(version.value.uid);
}

let vpcd: FakeVpcd;
let dir: string;
beforeEach(async () => {
  vpcd = await FakeVpcd.listen();
  dir = mkdtempSync(join(tmpdir(), 'onecard-serve-'));
});
afterEach(async () => {
  await vpcd.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('card-os serve', () => {
  it('inserts a volatile card with the given UID, answers APDUs, and removes it on SIGINT', async () => {
    const run = serve(['--vpcd', `127.0.0.1:${vpcd.port}`, '--uid', UID_HEX]);
    const link = await vpcd.nextLink();
    expect(await uidOf(link)).toBe(UID_HEX);
    run.stop('SIGINT');
    await link.closed;
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      `card-os: card inserted into vpcd at 127.0.0.1:${vpcd.port} (volatile card)`,
      `card-os: card removed from vpcd at 127.0.0.1:${vpcd.port} (SIGINT)`,
    ]);
    expect(result.stderr).toBe('');
  });

  it('keeps the card in --state across runs, and refuses a --uid that differs from the stored card', async () => {
    const state = join(dir, 'card.bin');
    const first = serve(['--vpcd', `127.0.0.1:${vpcd.port}`, '--state', state, '--uid', UID_HEX]);
    const link = await vpcd.nextLink();
    expect(await uidOf(link)).toBe(UID_HEX);
    const created = await createApplication(new DesfireClient(link), {
      aid: AID,
      keySettings: { changeKeyAccess: { kind: 'key', keyNo: 0 }, configurationChangeable: true, freeCreateDelete: true, freeDirectoryList: true, masterKeyChangeable: true },
      keyType: 'aes128',
      keyCount: 1,
    });
    expect(created.ok).toBe(true);
    first.stop('SIGTERM');
    expect((await first.done).stdout).toContain('(SIGTERM)');

    const second = serve(['--vpcd', `127.0.0.1:${vpcd.port}`, '--state', state]);
    const again = await vpcd.nextLink();
    expect(await uidOf(again)).toBe(UID_HEX);
    expect(await getApplicationIDs(new DesfireClient(again))).toEqual({ ok: true, value: [AID] });
    second.stop();
    expect((await second.done).code).toBe(0);

    const conflicting = await serve(['--vpcd', `127.0.0.1:${vpcd.port}`, '--state', state, '--uid', OTHER_UID_HEX]).done;
    expect(conflicting).toMatchObject({ code: 2, stderr: 'error: --uid differs from the card already kept in the --state file\n' });
  });

  it('fails in one line on an unreadable state file', async () => {
    const state = join(dir, 'garbage.bin');
    writeFileSync(state, fromHex('00112233'));
    const result = await serve(['--vpcd', `127.0.0.1:${vpcd.port}`, '--state', state]).done;
    expect(result).toMatchObject({ code: 1, stderr: 'error: the --state file does not hold a readable card image\n' });
  });

  it('retries while vpcd is not listening yet, then connects', async () => {
    const port = await unusedPort();
    const run = serve(['--vpcd', `127.0.0.1:${port}`]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = await FakeVpcd.listen(port);
    try {
      const link = await late.nextLink();
      expect(await uidOf(link)).toMatch(/^04[0-9a-f]{12}$/);
      run.stop();
      const result = await run.done;
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(`card-os: waiting for vpcd at 127.0.0.1:${port} (up to 40 attempts over 1 s)\n`);
      expect(result.stdout).toContain('card inserted');
    } finally {
      await late.close();
    }
  });

  it('gives up after the attempts run out: exit 1, one line', async () => {
    const port = await unusedPort();
    const result = await serve(['--vpcd', `127.0.0.1:${port}`], { connectRetry: { attemptsMax: 3, backoffMsInitial: 1, backoffMsMax: 2 } }).done;
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error:'))).toEqual([
      `error: vpcd at 127.0.0.1:${port} is not reachable after 3 attempts (is pcscd running with the vpcd driver?)`,
    ]);
    expect(result.stdout).toBe('');
  });

  it('stops promptly when told to while still waiting for vpcd', async () => {
    const port = await unusedPort();
    const run = serve(['--vpcd', `127.0.0.1:${port}`], { connectRetry: { attemptsMax: 10, backoffMsInitial: 60_000, backoffMsMax: 60_000 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const startedMs = performance.now();
    run.stop();
    const result = await run.done;
    expect(performance.now() - startedMs).toBeLessThan(1_000);
    expect(result).toMatchObject({ code: 0, stdout: '' });
  });

  it('reconnects when vpcd drops the card (pcscd restarted)', async () => {
    const run = serve(['--vpcd', `127.0.0.1:${vpcd.port}`, '--uid', UID_HEX]);
    const first = await vpcd.nextLink();
    expect(await uidOf(first)).toBe(UID_HEX);
    await first.close();
    const second = await vpcd.nextLink();
    expect(await uidOf(second)).toBe(UID_HEX);
    run.stop();
    const result = await run.done;
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe(`card-os: card removed from vpcd at 127.0.0.1:${vpcd.port} by the reader side (peer_closed); reconnecting`);
    expect(lines[2]).toContain('card inserted');
  });

  it.each([
    [['serve'], /required option '--vpcd/],
    [['serve', '--vpcd', 'localhost'], /^error: --vpcd must be HOST:PORT/],
    [['serve', '--vpcd', '127.0.0.1:0'], /^error: --vpcd must be HOST:PORT/],
    [['serve', '--vpcd', '127.0.0.1:40059', '--uid', '0411223344'], /^error: --uid must be 7 bytes/],
    [['serve', '--vpcd', '127.0.0.1:40059', '--uid', '08112233445566'], /^error: --uid must be 7 bytes/],
    [['serve', '--vpcd', '127.0.0.1:40059', '--uid', 'xyz'], /^error: --uid must be 7 bytes/],
    [['serv'], /unknown command 'serv'/],
  ])('%j is a usage error (exit 2, one line)', async (argv, message) => {
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (text: string) => { stderr += text; }, env: {} };
    const code = await runCli(argv, io, { stopSignal: AbortSignal.abort('test') });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')[0]).toMatch(/error/);
  });
});
