import { describe, expect, it } from 'vitest';
import { TOOL_OUTPUT_BYTES_MAX, ToolRunError, describeToolRun, runTool } from './tool-run.js';

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C' };
const TIMEOUT_MS = 5_000;

describe('runTool', () => {
  it('feeds stdin and collects exit code, stdout and stderr', async () => {
    const run = await runTool({
      command: 'sh',
      args: ['-c', 'read answer; echo "got $answer"; echo "on stderr" >&2; exit 3'],
      stdin: 'y\n',
      env,
      timeoutMs: TIMEOUT_MS,
    });
    expect(run).toMatchObject({ exitCode: 3, signal: null, timedOut: false, stdout: 'got y\n', stderr: 'on stderr\n', outputTruncated: false });
  });

  it('closes stdin, so a prompt reads end-of-file instead of waiting', async () => {
    const run = await runTool({ command: 'sh', args: ['-c', 'if read answer; then echo answered; else echo eof; fi'], env, timeoutMs: TIMEOUT_MS });
    expect(run.stdout).toBe('eof\n');
  });

  it('passes only the given environment', async () => {
    const run = await runTool({ command: 'sh', args: ['-c', 'echo "${LIBNFC_DEVICE:-unset} ${HOME:-unset}"'], env: { ...env, LIBNFC_DEVICE: 'pcsc:x' }, timeoutMs: TIMEOUT_MS });
    expect(run.stdout).toBe('pcsc:x unset\n');
  });

  it('kills a tool that outlives its time limit and says so', async () => {
    const run = await runTool({ command: 'sleep', args: ['30'], env, timeoutMs: 100 });
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBeNull();
    expect(run.signal).toBe('SIGTERM');
    expect(run.durationMs).toBeLessThan(TIMEOUT_MS);
    expect(describeToolRun(run)).toContain('timed out');
  });

  it('keeps at most TOOL_OUTPUT_BYTES_MAX of output and flags the cut', async () => {
    const run = await runTool({ command: 'head', args: ['-c', String(TOOL_OUTPUT_BYTES_MAX * 2), '/dev/zero'], env, timeoutMs: TIMEOUT_MS });
    expect(run.exitCode).toBe(0);
    expect(run.stdoutBytes.length).toBe(TOOL_OUTPUT_BYTES_MAX);
    expect(run.outputTruncated).toBe(true);
  });

  it('rejects with ToolRunError when the tool cannot be started', async () => {
    const failure = await runTool({ command: 'onecard-no-such-tool', env, timeoutMs: TIMEOUT_MS }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ToolRunError);
    expect((failure as ToolRunError).code).toBe('spawn_failed');
  });
});
