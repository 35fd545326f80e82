import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startTsxChild, TSX_CHILD_TEST_TIMEOUT_MS, TSX_CHILD_TIMEOUT_MS, waitUntil } from './tsx-child.js';

const ECHO = fileURLToPath(new URL('./tsx-child-echo.fixtures.ts', import.meta.url));

describe('startTsxChild', () => {
  it('collects whole non-empty stdout lines, also when a line comes in two writes, and answers null for a normal exit', async () => {
    const echo = startTsxChild(ECHO, ['exit']);
    expect(await echo.exited).toBeNull();
    expect(echo.child.exitCode).toBe(0);
    expect(echo.lines).toEqual(['one', 'two', 'three']);
  }, TSX_CHILD_TEST_TIMEOUT_MS);

  it('answers SIGKILL for a child killed while it runs', async () => {
    const echo = startTsxChild(ECHO, ['hang']);
    await waitUntil(() => echo.lines.includes('waiting'), { what: 'the child to wait', timeoutMs: TSX_CHILD_TIMEOUT_MS });
    echo.child.kill('SIGKILL');
    expect(await echo.exited).toBe('SIGKILL');
    expect(echo.lines).toEqual(['one', 'two', 'three', 'waiting']);
  }, TSX_CHILD_TEST_TIMEOUT_MS);
});

describe('waitUntil', () => {
  it('resolves once the condition holds and rejects naming what it waited for after the timeout', async () => {
    let polls = 0;
    await waitUntil(() => ++polls === 3, { what: 'three polls', timeoutMs: 1_000 });
    expect(polls).toBe(3);
    await expect(waitUntil(() => false, { what: 'nothing', timeoutMs: 20 })).rejects.toThrow('timed out waiting for nothing');
  });
});
