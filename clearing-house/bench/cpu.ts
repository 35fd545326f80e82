/**
 * CPU spent by the bench (this Node process) and by the PostgreSQL backends
 * serving its database, read from /proc (the bench and the server share this
 * machine). Wall-clock figures swing 2× with other work on the 2 cores; CPU
 * per event does not, so the bench prints both.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/open.js';
import { queryRows, toNumber } from '../src/db/rows.js';

/** Linux USER_HZ (`getconf CLK_TCK`): /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_S = 100;
const US_PER_S = 1_000_000;
/** utime and stime: fields 14 and 15 of /proc/<pid>/stat, i.e. 12 and 13 after the ") " that ends the command name. */
const UTIME_FIELD_AFTER_COMM = 11;

export interface CpuSnapshot {
  readonly clientUs: number;
  readonly serverUsByPid: ReadonlyMap<number, number>;
}

function backendCpuUs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const ticks = Number(fields[UTIME_FIELD_AFTER_COMM]) + Number(fields[UTIME_FIELD_AFTER_COMM + 1]);
    return Number.isFinite(ticks) ? (ticks * US_PER_S) / CLOCK_TICKS_PER_S : 0;
  } catch {
    return 0; // the backend exited, or /proc is not readable (server elsewhere)
  }
}

export async function cpuSnapshot(database: Database): Promise<CpuSnapshot> {
  const rows = await queryRows<Record<string, unknown>>(database.db, sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const usage = process.cpuUsage();
  return { clientUs: usage.user + usage.system, serverUsByPid: new Map(rows.map((r) => [toNumber(r['pid']), backendCpuUs(toNumber(r['pid']))])) };
}

/** CPU between two snapshots, in seconds (a backend first seen in `after` counts from zero). */
export function cpuSecondsBetween(before: CpuSnapshot, after: CpuSnapshot): { readonly clientS: number; readonly serverS: number } {
  let serverUs = 0;
  for (const [pid, us] of after.serverUsByPid) serverUs += us - (before.serverUsByPid.get(pid) ?? 0);
  return { clientS: (after.clientUs - before.clientUs) / US_PER_S, serverS: serverUs / US_PER_S };
}

const BACKEND_SAMPLE_INTERVAL_MS = 250;

/**
 * Snapshots every BACKEND_SAMPLE_INTERVAL_MS while running, keeping each backend's last reading: a
 * backend that exits before the end (another process's connections, closed when it is done) still
 * counts up to its last sample. `stop()` answers the merged snapshot.
 */
export function sampleCpu(database: Database): { stop(): Promise<CpuSnapshot> } {
  const lastUsByPid = new Map<number, number>();
  const merge = (snapshot: CpuSnapshot): void => {
    for (const [pid, us] of snapshot.serverUsByPid) lastUsByPid.set(pid, Math.max(us, lastUsByPid.get(pid) ?? 0));
  };
  let pending: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending
      .then(async () => {
        merge(await cpuSnapshot(database));
      })
      .catch(() => undefined);
  }, BACKEND_SAMPLE_INTERVAL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      const last = await cpuSnapshot(database);
      merge(last);
      return { clientUs: last.clientUs, serverUsByPid: new Map(lastUsByPid) };
    },
  };
}

/**
 * This machine's speed, for comparing figures across machines (shared VMs differ 2× or more): the median
 * of node:crypto Ed25519 verifies of a 100-byte message, in µs. The machine the first figures in
 * README "Measured" come from verified in ~80 µs.
 */
export function machineReferenceUs(): number {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const message = Buffer.alloc(100, 7);
  const signature = sign(null, message, privateKey);
  const timesUs: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    const t0 = performance.now();
    verify(null, message, publicKey, signature);
    timesUs.push((performance.now() - t0) * 1000);
  }
  timesUs.sort((a, b) => a - b);
  return timesUs[timesUs.length >> 1] ?? 0;
}
