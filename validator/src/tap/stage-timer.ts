/** Milliseconds per pipeline stage (performance.now, monotonic), one timer per tap. */
import type { StageTimings, TapStage } from './outcome.js';

export class StageTimer {
  readonly #startedMs: number;
  readonly #timings: Record<string, number> = {};

  constructor() {
    this.#startedMs = performance.now();
  }

  /** Runs `work` and adds its duration to `stage` (a stage may run more than once: autoload commits twice). */
  async time<T>(stage: TapStage, work: () => Promise<T>): Promise<T> {
    const startMs = performance.now();
    try {
      return await work();
    } finally {
      this.#timings[stage] = (this.#timings[stage] ?? 0) + (performance.now() - startMs);
    }
  }

  timeSync<T>(stage: TapStage, work: () => T): T {
    const startMs = performance.now();
    try {
      return work();
    } finally {
      this.#timings[stage] = (this.#timings[stage] ?? 0) + (performance.now() - startMs);
    }
  }

  timings(): StageTimings {
    return { ...this.#timings };
  }

  elapsedMs(): number {
    return performance.now() - this.#startedMs;
  }
}
