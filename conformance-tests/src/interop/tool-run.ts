/**
 * Runs a third-party command-line tool (a libfreefare or libnfc example) as
 * a child process with a time limit, bounded output and a given stdin. The
 * tools prompt "[yN]" with fgets(stdin): stdin is always fed and closed, so
 * a prompt never waits (an empty stdin reads as "no").
 *
 * The outcome is a value (exit code, signal, timed out, output); only a tool
 * that cannot be started at all is an error (ToolRunError).
 */
import { spawn } from 'node:child_process';

/** Each of stdout and stderr keeps at most this much; the rest is counted and dropped. */
export const TOOL_OUTPUT_BYTES_MAX = 256 * 1024;
/** After SIGTERM on timeout, the tool gets this long before SIGKILL. */
export const TOOL_KILL_GRACE_MS = 1_000;

export interface ToolRunOptions {
  /** A command on PATH or a path. */
  readonly command: string;
  readonly args?: readonly string[];
  /** Written to the tool's stdin, which is then closed. Default: empty. */
  readonly stdin?: string | Uint8Array;
  /** The child's whole environment (nothing is inherited implicitly). */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly timeoutMs: number;
}

export interface ToolRun {
  readonly command: string;
  readonly args: readonly string[];
  /** null when the tool was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** Raw stdout: a tool may write binary data there (read-ndef -o -). */
  readonly stdoutBytes: Uint8Array;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputTruncated: boolean;
  readonly durationMs: number;
}

export type ToolRunErrorCode = 'spawn_failed';

export class ToolRunError extends Error {
  override readonly name = 'ToolRunError';
  readonly code: ToolRunErrorCode;
  constructor(code: ToolRunErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

class BoundedBuffer {
  readonly #chunks: Buffer[] = [];
  #keptBytes = 0;
  truncated = false;

  push(chunk: Buffer): void {
    const roomBytes = TOOL_OUTPUT_BYTES_MAX - this.#keptBytes;
    if (chunk.length > roomBytes) this.truncated = true;
    if (roomBytes <= 0) return;
    const kept = chunk.subarray(0, roomBytes);
    this.#chunks.push(kept);
    this.#keptBytes += kept.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

export function runTool(options: ToolRunOptions): Promise<ToolRun> {
  const args = options.args ?? [];
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, args, {
      env: { ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout = new BoundedBuffer();
    const stderr = new BoundedBuffer();
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), TOOL_KILL_GRACE_MS);
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => { stdout.push(chunk); });
    child.stderr.on('data', (chunk: Buffer) => { stderr.push(chunk); });
    // A tool that exits without reading stdin closes the pipe: EPIPE is not a failure of the run.
    child.stdin.on('error', () => undefined);
    child.once('error', (cause) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      reject(new ToolRunError('spawn_failed', `cannot start ${options.command}`, { cause }));
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      const stdoutBytes = stdout.bytes();
      resolve({
        command: options.command,
        args,
        exitCode,
        signal,
        timedOut,
        stdoutBytes: new Uint8Array(stdoutBytes),
        stdout: stdoutBytes.toString('utf8'),
        stderr: stderr.bytes().toString('utf8'),
        outputTruncated: stdout.truncated || stderr.truncated,
        durationMs: performance.now() - startedMs,
      });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** One paragraph for an assertion message: how the tool ended and what it printed. */
export function describeToolRun(run: ToolRun): string {
  const ending = run.timedOut ? 'timed out' : run.signal === null ? `exit ${run.exitCode ?? '?'}` : `killed by ${run.signal}`;
  return [
    `$ ${[run.command, ...run.args].join(' ')}  (${ending}, ${run.durationMs.toFixed(0)} ms${run.outputTruncated ? ', output truncated' : ''})`,
    `--- stdout\n${run.stdout.trimEnd()}`,
    `--- stderr\n${run.stderr.trimEnd()}`,
  ].join('\n');
}
