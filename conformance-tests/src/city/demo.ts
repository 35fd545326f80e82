/**
 * `npm start`: the city on its embedded defaults, kept running. A service day
 * of taps is replayed first so the dashboard has something to show, then a few
 * taps every few seconds, each round synced to the clearing house. Stops
 * cleanly on SIGINT/SIGTERM, or after ONECARD_DEMO_EXIT_AFTER_MS (tests).
 * DATABASE_URL: a fresh database on that PostgreSQL server (dropped on exit
 * unless ONECARD_DEMO_KEEP_DATABASE=1); STRIPE_SECRET_KEY + STRIPE_WEBHOOK_SECRET:
 * Stripe test mode instead of the local fake.
 */
import { setTimeout as sleepMs } from 'node:timers/promises';
import postgres from 'postgres';
import { RecentTaps, startWebView, type TapOutcome, type WebView } from '@onecard/validator';
import { demoHelpText } from './demo-help.js';
import { startCity, type City, type CityProgress } from './start-city.js';

export const DEMO_BUS_VALIDATOR_COUNT = 3;
export const DEMO_CARD_COUNT = 14;
/** Taps replayed over the past service day before the demo goes live. */
export const DEMO_REPLAYED_TAP_COUNT = 240;
export const DEMO_TICK_INTERVAL_MS = 4_000;
export const DEMO_TAP_COUNT_PER_TICK = 3;
/** ONECARD_DEMO_EXIT_AFTER_MS is accepted up to this (a day). */
const DEMO_EXIT_AFTER_MS_MAX = 86_400_000;
const WEB_VIEW_PORT_ANY = 0;

export interface DemoIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  write(text: string): void;
  /** Resolves when the user asks to stop (Ctrl-C). */
  readonly stopRequested: Promise<void>;
}

function exitAfterMsOf(env: DemoIo['env']): number | undefined {
  const text = env['ONECARD_DEMO_EXIT_AFTER_MS'];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > DEMO_EXIT_AFTER_MS_MAX) throw new RangeError(`ONECARD_DEMO_EXIT_AFTER_MS must be an integer 0..${DEMO_EXIT_AFTER_MS_MAX}`);
  return value;
}

/** A fresh database on the server DATABASE_URL names; its URL has no password in what is printed. */
export async function freshPostgresDatabase(url: string): Promise<{ readonly url: string; readonly name: string; drop(): Promise<void> }> {
  const stamp = new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 14);
  const name = `onecard_demo_${stamp}_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    name,
    drop: async () => {
      const dropper = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** The tap's own instant (the city's clock), as journaled. */
function tapInstantOf(outcome: TapOutcome): Date {
  const at = outcome.events[0]?.at;
  return at === undefined ? new Date() : new Date(at);
}

function progressPrinter(write: (text: string) => void, isLive: () => boolean): (progress: CityProgress) => void {
  return (progress) => {
    if (isLive()) return;
    if (progress.phase === 'cards' || progress.phase === 'taps' || progress.done === progress.total) write(`  ${progress.phase.padEnd(15)} ${progress.done}/${progress.total}\n`);
  };
}

export async function runDemo(io: DemoIo): Promise<number> {
  const write = (text: string): void => {
    io.write(text);
  };
  const exitAfterMs = exitAfterMsOf(io.env);
  const databaseUrl = io.env['DATABASE_URL'];
  const database = databaseUrl === undefined || databaseUrl === '' ? undefined : await freshPostgresDatabase(databaseUrl);
  write(`OneCard city: ${DEMO_BUS_VALIDATOR_COUNT} bus validators + 1 school gate, ${DEMO_CARD_COUNT} cards, ${database === undefined ? 'PGlite (embedded)' : `PostgreSQL database ${database.name}`}\n`);
  let city: City | undefined;
  let webView: WebView | undefined;
  try {
    const recent = new RecentTaps();
    let live = false;
    city = await startCity({
      busValidatorCount: DEMO_BUS_VALIDATOR_COUNT,
      cardCount: DEMO_CARD_COUNT,
      clock: 'simulated',
      env: io.env,
      ...(database === undefined ? {} : { databaseUrl: database.url }),
      onProgress: progressPrinter(write, () => live),
      onOutcome: (outcome, validator) => {
        if (validator.canAutoload) recent.add({ at: tapInstantOf(outcome), outcome });
      },
    });
    write('  replaying the past service day\n');
    await city.runTaps({ count: DEMO_REPLAYED_TAP_COUNT });
    await city.syncAll();
    webView = await startWebView({ recent, language: 'vi', port: WEB_VIEW_PORT_ANY, host: '127.0.0.1' });
    write(demoHelpText({ city, webViewUrl: webView.url }));
    live = true;
    const stop = exitAfterMs === undefined ? io.stopRequested : Promise.race([io.stopRequested, sleepMs(exitAfterMs)]);
    const state = { stopping: false };
    void stop.then(() => {
      state.stopping = true;
    });
    for (;;) {
      await Promise.race([sleepMs(DEMO_TICK_INTERVAL_MS), stop]);
      if (state.stopping) break;
      const tally = await city.runTaps({ count: DEMO_TAP_COUNT_PER_TICK, stepMs: Math.floor(DEMO_TICK_INTERVAL_MS / DEMO_TAP_COUNT_PER_TICK) });
      const sync = await city.syncAll();
      write(`  ${new Date().toISOString()}  ${Object.entries(tally.byOutcome).map(([k, n]) => `${k} ×${n}`).join(', ')}  · synced ${sync.acknowledgedBatchCount} batch(es)\n`);
    }
    write('stopping…\n');
    return 0;
  } finally {
    await webView?.close();
    await city?.close();
    if (database !== undefined && io.env['ONECARD_DEMO_KEEP_DATABASE'] !== '1') await database.drop();
    write('stopped.\n');
  }
}
