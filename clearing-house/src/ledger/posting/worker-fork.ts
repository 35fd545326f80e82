/**
 * Starts worker-process.ts as a child process (the TypeScript sources run through tsx, as every
 * entry point of this repository does) and answers a handle to drain or stop it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EndedMessage } from './worker-process.js';

const WORKER_PROCESS_PATH = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface PostingWorkerProcess {
  readonly child: ChildProcess;
  /** Resolves once the process is connected and posting; rejects if it exits before (a bad URL …). */
  readonly started: Promise<void>;
  /** Posts until the queue is empty, then the process exits: its totals and CPU. */
  drain(): Promise<EndedMessage>;
  /** SIGKILL: what the round in flight took rolls back into the queue. */
  kill(): Promise<void>;
}

export interface ForkPostingWorkerInput {
  readonly databaseUrl: string;
  readonly cardsPerRound?: number;
  readonly onOutput?: (line: string) => void;
  /** Told after each round the process commits. */
  readonly onRound?: () => void;
}

export function forkPostingWorker(input: ForkPostingWorkerInput): PostingWorkerProcess {
  const env = { ...process.env, DATABASE_URL: input.databaseUrl, ONECARD_POSTING_CARDS_PER_ROUND: input.cardsPerRound === undefined ? '' : String(input.cardsPerRound) };
  const child = fork(WORKER_PROCESS_PATH, [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') input.onOutput?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => {
      resolve({ code, signal });
    }));
  let ended: EndedMessage | undefined;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    markStarted = resolve;
    void exited.then(({ code, signal }) => {
      reject(new Error(`posting worker process exited before it started (exit ${code ?? signal ?? 'unknown'})`));
    });
  });
  started.catch(() => undefined); // callers that never await it (a process killed on purpose) leave no unhandled rejection
  child.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null || !('type' in message)) return;
    if (message.type === 'started') markStarted();
    else if (message.type === 'ended') ended = message as EndedMessage;
    else if (message.type === 'round') input.onRound?.();
  });
  return {
    child,
    started,
    async drain() {
      child.send({ type: 'drain' });
      const { code, signal } = await exited;
      if (ended === undefined || code !== 0) throw new Error(`posting worker process ended without draining (exit ${code ?? signal ?? 'unknown'})`);
      return ended;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
