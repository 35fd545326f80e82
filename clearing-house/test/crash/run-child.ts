/** Runs test/crash/ingest-child.ts in a child process; `onProgress` may stop it (SIGKILL) or stop its database. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./ingest-child.ts', import.meta.url));
export const CHILD_TIMEOUT_MS = 60_000;
/** The child's exit code when the database went away under it (pg_ctl stop -m immediate). */
export const CHILD_DATABASE_LOST_EXIT_CODE = 3;

export type ChildEnd = 'finished' | 'killed' | 'database_lost';

export function runChild(input: { readonly file: string; readonly url: string; readonly onProgress?: (doneCount: number, kill: () => void) => void }): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, input.file, input.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let doneCount = 0;
    let finished = false;
    let stderr = '';
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, CHILD_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line.startsWith('done ')) {
          doneCount += 1;
          input.onProgress?.(doneCount, kill);
        }
        if (line === 'finished') finished = true;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (finished && code === 0) resolve('finished');
      else if (signal === 'SIGKILL') resolve('killed');
      else if (code === CHILD_DATABASE_LOST_EXIT_CODE) resolve('database_lost');
      else reject(new Error(`child failed (${code ?? signal ?? 'unknown'}): ${stderr.slice(0, 500)}`));
    });
  });
}
