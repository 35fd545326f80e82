/**
 * Daily and monthly fare caps (OneCard extension, onecard_fare_caps.txt;
 * fare capping is not in adopted GTFS-Fares v2). The card keeps the spend of
 * the current Vietnamese civil day and month (PROFILE.md §5.3); a counter of
 * an earlier day or month counts as zero. A fare is cut to what the tightest
 * applicable cap leaves.
 */
import type { TransitFareState } from '@onecard/card-os/profile';
import type { FareFeed } from './feed-model.js';

/** The card's counters are u32 (PROFILE.md §5.3). */
export const CAP_COUNTER_VND_MAX = 0xffff_ffff;

export interface CapPeriodKeys {
  /** 'YYYY-MM-DD' in Asia/Ho_Chi_Minh. */
  readonly day: string;
  /** 'YYYY-MM'. */
  readonly month: string;
}

export interface CapOutcome {
  /** What the rider pays after caps (≤ the fare). */
  readonly payableVnd: number;
  readonly capDay: string;
  readonly capDaySpentVnd: number;
  readonly capMonth: string;
  readonly capMonthSpentVnd: number;
}

export function spentSoFar(state: TransitFareState, keys: CapPeriodKeys): { readonly dayVnd: number; readonly monthVnd: number } {
  return { dayVnd: state.capDay === keys.day ? state.capDaySpentVnd : 0, monthVnd: state.capMonth === keys.month ? state.capMonthSpentVnd : 0 };
}

export function applyCaps(feed: FareFeed, input: { readonly riderCategoryId: string; readonly fareVnd: number; readonly state: TransitFareState; readonly keys: CapPeriodKeys }): CapOutcome {
  const spent = spentSoFar(input.state, input.keys);
  let payable = input.fareVnd;
  for (const cap of feed.fareCaps) {
    if (cap.riderCategoryId !== undefined && cap.riderCategoryId !== input.riderCategoryId) continue;
    const left = cap.amountMinorUnits - (cap.period === 'day' ? spent.dayVnd : spent.monthVnd);
    payable = Math.min(payable, Math.max(0, left));
  }
  return {
    payableVnd: payable,
    capDay: input.keys.day,
    capDaySpentVnd: Math.min(CAP_COUNTER_VND_MAX, spent.dayVnd + payable),
    capMonth: input.keys.month,
    capMonthSpentVnd: Math.min(CAP_COUNTER_VND_MAX, spent.monthVnd + payable),
  };
}
