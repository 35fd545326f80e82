/** The last taps, newest first, bounded: what the web view shows. One instance per validator (no module state). */
import type { TapOutcome } from '../tap/outcome.js';

export const RECENT_TAPS_MAX = 50;

export interface RecentTap {
  readonly at: Date;
  readonly outcome: TapOutcome;
}

export class RecentTaps {
  readonly #taps: RecentTap[] = [];
  readonly #countMax: number;

  constructor(options: { countMax: number } = { countMax: RECENT_TAPS_MAX }) {
    if (!Number.isInteger(options.countMax) || options.countMax < 1) throw new RangeError('countMax must be a positive integer');
    this.#countMax = options.countMax;
  }

  add(tap: RecentTap): void {
    this.#taps.unshift(tap);
    if (this.#taps.length > this.#countMax) this.#taps.length = this.#countMax;
  }

  list(): readonly RecentTap[] {
    return [...this.#taps];
  }
}
