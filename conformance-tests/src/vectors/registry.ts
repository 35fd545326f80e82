/** All vector kinds the project computes, by the workspace that implements them. */
import type { KindHandler } from './judge.js';
import { CARD_OS_KINDS } from './kinds-card-os.js';
import { KEYS_KINDS } from './kinds-keys.js';

export function allKinds(): ReadonlyMap<string, KindHandler> {
  const sources: ReadonlyMap<string, KindHandler>[] = [KEYS_KINDS, CARD_OS_KINDS];
  const merged = new Map<string, KindHandler>();
  for (const source of sources) {
    for (const [kind, handler] of source) {
      if (merged.has(kind)) throw new Error(`vector kind ${kind} registered twice`);
      merged.set(kind, handler);
    }
  }
  return merged;
}
