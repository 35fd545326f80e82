/**
 * The benchmark reporter every workspace uses (`npm run bench`): runs
 * tinybench tasks and prints median, p99 and throughput per task, and each
 * task's median as a ratio to a named baseline task. Benchmarks print; they
 * never fail a build on a time (shared, noisy machines).
 */
import { Bench } from 'tinybench';

export interface BenchTask {
  readonly name: string;
  readonly fn: () => unknown;
}

export interface BenchRow {
  readonly name: string;
  readonly medianUs: number;
  readonly p99Us: number;
  readonly opsPerSecond: number;
  readonly ratioToBaseline: number;
}

/** Default measuring time per task; short, because CI runs benches rarely and humans wait. */
export const BENCH_TIME_MS_DEFAULT = 500;

export async function runBench(options: {
  title: string;
  tasks: readonly BenchTask[];
  baseline: string;
  timeMs?: number;
}): Promise<BenchRow[]> {
  const bench = new Bench({ time: options.timeMs ?? BENCH_TIME_MS_DEFAULT, warmupTime: 100 });
  for (const task of options.tasks) bench.add(task.name, task.fn);
  await bench.run();
  const measured = bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`bench task ${task.name} did not complete (${result.state})`);
    return { name: task.name, medianMs: result.latency.p50, p99Ms: result.latency.p99 };
  });
  const base = measured.find((m) => m.name === options.baseline);
  if (base === undefined) throw new Error(`baseline task ${options.baseline} not in the bench`);
  const rows = measured.map((m) => ({
    name: m.name,
    medianUs: m.medianMs * 1000,
    p99Us: m.p99Ms * 1000,
    opsPerSecond: m.medianMs > 0 ? 1000 / m.medianMs : Number.POSITIVE_INFINITY,
    ratioToBaseline: base.medianMs > 0 ? m.medianMs / base.medianMs : Number.NaN,
  }));
  printRows(options.title, options.baseline, rows);
  return rows;
}

export function printRows(title: string, baseline: string, rows: readonly BenchRow[]): void {
  console.log(`\n${title}  (ratio = median / median of "${baseline}")`);
  const nameWidth = Math.max(...rows.map((r) => r.name.length), 4);
  console.log(`${'task'.padEnd(nameWidth)}  ${'median µs'.padStart(10)}  ${'p99 µs'.padStart(10)}  ${'ops/s'.padStart(12)}  ${'ratio'.padStart(7)}`);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(nameWidth)}  ${r.medianUs.toFixed(2).padStart(10)}  ${r.p99Us.toFixed(2).padStart(10)}  ${Math.round(r.opsPerSecond).toLocaleString('en-US').padStart(12)}  ${r.ratioToBaseline.toFixed(2).padStart(7)}`,
    );
  }
}
