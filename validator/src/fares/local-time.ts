/**
 * Local dates and times of fare events. Timeframes are matched in the feed's
 * local time (reference.md, "Timeframe Local Time Semantics"); caps and pass
 * validity use Vietnamese civil dates (Asia/Ho_Chi_Minh, UTC+7, no daylight
 * saving since 1975), computed by arithmetic so a tap allocates no formatter.
 */

export const MS_PER_SECOND = 1000;
export const SECONDS_PER_DAY = 86_400;
export const MS_PER_DAY = SECONDS_PER_DAY * MS_PER_SECOND;
export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const VIETNAM_UTC_OFFSET_MS = 7 * 3600 * MS_PER_SECOND;

/** Zones with one fixed offset, computed without Intl. */
const FIXED_OFFSET_ZONES_MS: Readonly<Record<string, number>> = {
  UTC: 0,
  'Etc/UTC': 0,
  'Asia/Ho_Chi_Minh': VIETNAM_UTC_OFFSET_MS,
  'Asia/Saigon': VIETNAM_UTC_OFFSET_MS,
  'Asia/Bangkok': VIETNAM_UTC_OFFSET_MS,
};

export interface LocalInstant {
  /** yyyymmdd of the local "current day". */
  readonly date: number;
  /** Seconds since local midnight. */
  readonly secondsOfDay: number;
  /** 0 = Sunday. */
  readonly weekday: number;
}

export interface LocalClock {
  readonly timeZone: string;
  localInstant(at: Date): LocalInstant;
}

function fromShiftedMs(shiftedMs: number): LocalInstant {
  const day = Math.floor(shiftedMs / MS_PER_DAY);
  const date = new Date(day * MS_PER_DAY);
  return {
    date: date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate(),
    secondsOfDay: Math.floor((shiftedMs - day * MS_PER_DAY) / MS_PER_SECOND),
    weekday: date.getUTCDay(),
  };
}

/** A clock for an IANA zone, or undefined if the zone is unknown. */
export function localClockFor(timeZone: string): LocalClock | undefined {
  const fixed = FIXED_OFFSET_ZONES_MS[timeZone];
  if (fixed !== undefined) return { timeZone, localInstant: (at) => fromShiftedMs(at.getTime() + fixed) };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    return undefined;
  }
  return {
    timeZone,
    localInstant(at) {
      const parts: Record<string, number> = {};
      for (const part of format.formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
      const shifted = Date.UTC(parts['year'] ?? 0, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
      return fromShiftedMs(shifted);
    },
  };
}

/**
 * 'YYYY-MM-DD' civil date in Vietnam: the same result as card-os civilDateAt (Intl, ~20–50 µs a call) in
 * well under a microsecond, which matters inside the tap decision. The tap pipeline and every mode use
 * this one (checked against civilDateAt in tap-display.test.ts and money.test.ts).
 */
export function vietnamCivilDate(at: Date): string {
  return new Date(at.getTime() + VIETNAM_UTC_OFFSET_MS).toISOString().slice(0, 10);
}
