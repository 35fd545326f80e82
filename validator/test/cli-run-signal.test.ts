/**
 * The real `validator` binary stops cleanly on SIGTERM and SIGINT: exit 0,
 * "validator stopped", the journal released (status opens it again) and
 * the status file written at close.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK, runCli } from '../src/cli/main.js';

const BIN = new URL('../bin/validator.js', import.meta.url).pathname;
const START_WAIT_MS_MAX = 20_000;

let dir: string;
let configPath: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onecard-cli-signal-'));
  expect(await runCli(['init-demo', '--dir', join(dir, 'demo')], { stdout: () => undefined, stderr: () => undefined })).toBe(EXIT_OK);
  const config = JSON.parse(readFileSync(join(dir, 'demo', 'device.json'), 'utf8')) as Record<string, unknown>;
  configPath = join(dir, 'demo', 'no-reader.json');
  writeFileSync(configPath, JSON.stringify({ ...config, reader: { kind: 'none' }, webView: undefined }));
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function runUntilSignal(signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let signalled = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no start within ${START_WAIT_MS_MAX} ms: ${stdout}`)); }, START_WAIT_MS_MAX);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // Once: a second signal is the operator's "stop now" and kills the process (the journal is crash-safe).
      if (!signalled && stdout.includes('Ctrl-C stops')) {
        signalled = true;
        child.kill(signal);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

describe('validator run and process signals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops the device cleanly', async (signal) => {
    const run = await runUntilSignal(signal);
    expect(run.code).toBe(EXIT_OK);
    expect(run.stdout).toContain('validator stopped');
    let status = '';
    expect(await runCli(['status', '--config', configPath], { stdout: (t) => { status += t; }, stderr: () => undefined })).toBe(EXIT_OK);
    expect(status).not.toContain('locked');
    expect(JSON.parse(readFileSync(join(dir, 'demo', 'data', 'device-status.json'), 'utf8'))).toMatchObject({ deviceId: 4242, mode: 'bus' });
  }, START_WAIT_MS_MAX * 2);
});
