/**
 * A TypeScript child process for crash tests (`node --import tsx <script>`):
 * its stdout as whole lines as they come, and the signal that ended it, so a
 * test can kill it at a chosen moment (SIGKILL, as kill -9 or a power cut)
 * and check what it left on disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const POLL_INTERVAL_MS = 5;
/** How long a test waits for a tsx child to start and make progress on the shared 2-core machine. */
export const TSX_CHILD_TIMEOUT_MS = 30_000;
/** A test that starts tsx children: twice one child's time. */
export const TSX_CHILD_TEST_TIMEOUT_MS = 2 * TSX_CHILD_TIMEOUT_MS;

export interface TsxChild {
  readonly child: ChildProcess;
  /** The non-empty lines the child has written to stdout so far (a line counts once its newline arrived). */
  readonly lines: readonly string[];
  /** The signal that ended the child; null when it exited by itself. */
  readonly exited: Promise<NodeJS.Signals | null>;
}

export function startTsxChild(script: string, args: readonly string[]): TsxChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((line) => line.length > 0));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => { resolve(signal); }));
  return { child, lines, exited };
}

/** Polls `condition` until it holds; rejects naming `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, options: { readonly what: string; readonly timeoutMs: number }): Promise<void> {
  const startedMs = Date.now();
  while (!condition()) {
    if (Date.now() - startedMs > options.timeoutMs) throw new Error(`timed out waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
