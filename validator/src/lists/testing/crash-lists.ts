/** The lists the crash test writes: version v lists every (v+1)-th card, so a file shows which version it holds. */
import { CARD_KEY_BASE, packedDenyEntries, signedDenyDelta, signedFullDenyList, cardNumber } from './fixtures.js';

/** ≈ 0.5 MB per snapshot: big enough that a kill often lands inside a write. */
export const CRASH_LIST_ENTRY_COUNT = 200_000;

export const crashStrideKeys = (version: number): number => version + 1;

export function crashFullList(version: number): Uint8Array {
  return signedFullDenyList(version, packedDenyEntries({ count: CRASH_LIST_ENTRY_COUNT, strideKeys: crashStrideKeys(version) }));
}

/** A delta from `baseVersion` removing the first card of the list. */
export function crashDelta(baseVersion: number): Uint8Array {
  return signedDenyDelta({ version: baseVersion + 1, baseVersion, adds: [], removes: [cardNumber(0)] });
}

/** Card numbers that version `version` lists (at `index`) and one it does not. */
export function crashProbe(version: number, index: number): { readonly listed: string; readonly unlisted: string } {
  const key = CARD_KEY_BASE + index * crashStrideKeys(version);
  return { listed: cardNumber(key - CARD_KEY_BASE), unlisted: cardNumber(key - CARD_KEY_BASE + 1) };
}
