/**
 * `npm start` headless: scripts/start.ts as a child process with
 * ONECARD_DEMO_EXIT_AFTER_MS, checking it starts the city, serves the
 * dashboard it prints (vi and en), keeps tapping, and stops cleanly (exit 0)
 * — once by the timer, once by SIGINT as Ctrl-C sends it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const STARTUP_WAIT_MS = 50_000;

interface Child {
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  signal(name: NodeJS.Signals): void;
}

function startScript(env: Record<string, string>): Child {
  // The embedded defaults: no PostgreSQL, no real Stripe, whatever this shell has set.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['DATABASE_URL', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'].includes(name)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: REPO_DIR, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners: (() => void)[] = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      resolve(code);
    });
  });
  return {
    output: () => text,
    exited,
    signal: (name) => {
      child.kill(name);
    },
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(text);
          if (match !== null) resolve(match);
        };
        listeners.push(check);
        check();
        void exited.then(() => {
          reject(new Error(`the script exited before printing ${String(pattern)}:\n${text}`));
        });
      }),
  };
}

async function stopsByItself(): Promise<void> {
  const child = startScript({ ONECARD_DEMO_EXIT_AFTER_MS: '5000' });
  const [, dashboardUrl] = await child.waitFor(/Dashboard \(English\): +(http:\/\/127\.0\.0\.1:\d+\/dashboard)\?lang=en/);
  expect(child.output()).toMatch(/Dashboard \(tiếng Việt\): +http:\/\/127\.0\.0\.1:\d+\/dashboard\?lang=vi/);
  expect(child.output()).toMatch(/Stripe fake: +http:\/\/127\.0\.0\.1:\d+/);
  for (const lang of ['vi', 'en']) {
    const response = await fetch(`${dashboardUrl ?? ''}?lang=${lang}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(lang === 'vi' ? 'Doanh thu theo đơn vị vận hành' : 'Revenue by operator');
  }
  await child.waitFor(/accepted:[a-z-]+ ×\d+.*synced \d+ batch/);
  expect(await child.exited).toBe(0);
  expect(child.output()).toContain('stopped.');
}

async function stopsOnSigint(): Promise<void> {
  const child = startScript({});
  await child.waitFor(/OneCard is running\./);
  child.signal('SIGINT');
  expect(await child.exited).toBe(0);
  expect(child.output()).toMatch(/stopping…\nstopped\.\n$/);
}

describe('npm start (scripts/start.ts)', () => {
  // Both runs at once: each is mostly waiting (startup, the exit timer).
  it('starts the city, serves the dashboard it prints, taps live, and stops by itself or on SIGINT (Ctrl-C)', async () => {
    await Promise.all([stopsByItself(), stopsOnSigint()]);
  }, STARTUP_WAIT_MS);
});
