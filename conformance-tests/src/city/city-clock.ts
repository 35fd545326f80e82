/**
 * The city's clock. `simulated`: a service day compressed into the run, from
 * `startMs` forward, advanced by the tap loop (a tap at every step, never
 * ahead of real time by design of the caller). `real`: the wall clock, for
 * the live demo.
 */
export interface CityClock {
  now(): Date;
  nowMs(): number;
  /** Moves a simulated clock forward; a real clock ignores it. */
  advanceMs(stepMs: number): void;
}

export function simulatedClock(startMs: number): CityClock {
  let currentMs = startMs;
  return {
    now: () => new Date(currentMs),
    nowMs: () => currentMs,
    advanceMs: (stepMs) => {
      if (!(stepMs >= 0)) throw new RangeError('a clock only moves forward');
      currentMs += stepMs;
    },
  };
}

export function realClock(): CityClock {
  return { now: () => new Date(), nowMs: () => Date.now(), advanceMs: () => undefined };
}

/** YYYY-MM-DD of an instant in Asia/Ho_Chi_Minh (the business day). */
export function hanoiDayOf(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** Buses start at 05:00 Hanoi time (UTC+7, no daylight saving). */
const SERVICE_START_HOUR_HANOI = 5;
const HANOI_OFFSET_MS = 7 * 3_600_000;
const HOUR_MS = 3_600_000;

/**
 * Where a replayed service day starts: today's 05:00 in Hanoi when that is at
 * least an hour ago (the replay then fills today's business day up to now),
 * else `spanMs` before now.
 */
export function serviceDayStartMs(input: { readonly nowMs: number; readonly spanMs: number }): number {
  const localMs = input.nowMs + HANOI_OFFSET_MS;
  const todayStartMs = localMs - (localMs % (24 * HOUR_MS)) + SERVICE_START_HOUR_HANOI * HOUR_MS - HANOI_OFFSET_MS;
  return input.nowMs - todayStartMs >= HOUR_MS ? Math.max(todayStartMs, input.nowMs - input.spanMs) : input.nowMs - input.spanMs;
}
