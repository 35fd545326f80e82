/**
 * Deltas between deny lists, the same code on both sides: the clearing
 * house computes a delta from two versions (diffDenyEntries), a validator
 * merges it into the list it holds (mergeDenyDelta). Both are single passes
 * over sorted keys; neither changes its inputs.
 */
import { packCardKeys, packDenyEntries, type DenyEntries, type DenyEntry } from './deny-entries.js';

export interface DenyDelta {
  /** New cards, and listed cards with a new reason. */
  readonly adds: DenyEntries;
  /** Card keys taken off, ascending. */
  readonly removes: Float64Array;
}

const AFTER_LAST = Number.POSITIVE_INFINITY;

/** `base` with `adds` inserted (their reason wins) and `removes` taken out; removing an unlisted card is a no-op. */
export function mergeDenyDelta(base: DenyEntries, delta: DenyDelta): DenyEntries {
  const { keys, reasonCodes } = base;
  const { adds, removes } = delta;
  const outKeys = new Float64Array(keys.length + adds.keys.length);
  const outCodes = new Uint8Array(outKeys.length);
  let [i, a, r, n] = [0, 0, 0, 0];
  while (i < keys.length || a < adds.keys.length) {
    const own = i < keys.length ? (keys[i] ?? 0) : AFTER_LAST;
    const added = a < adds.keys.length ? (adds.keys[a] ?? 0) : AFTER_LAST;
    const key = Math.min(own, added);
    while (r < removes.length && (removes[r] ?? 0) < key) r++;
    const removed = r < removes.length && removes[r] === key;
    const code = added === key ? (adds.reasonCodes[a] ?? 0) : (reasonCodes[i] ?? 0);
    if (own === key) i++;
    if (added === key) a++;
    if (removed) continue;
    outKeys[n] = key;
    outCodes[n] = code;
    n++;
  }
  return n === outKeys.length ? { keys: outKeys, reasonCodes: outCodes } : { keys: outKeys.slice(0, n), reasonCodes: outCodes.slice(0, n) };
}

/** The delta that turns `from` into `to` (mergeDenyDelta(from, diff) equals `to`). */
export function diffDenyEntries(from: DenyEntries, to: DenyEntries): DenyDelta {
  const addKeys: number[] = [];
  const addCodes: number[] = [];
  const removeKeys: number[] = [];
  let [i, j] = [0, 0];
  while (i < from.keys.length || j < to.keys.length) {
    const old = i < from.keys.length ? (from.keys[i] ?? 0) : AFTER_LAST;
    const next = j < to.keys.length ? (to.keys[j] ?? 0) : AFTER_LAST;
    if (old < next) {
      removeKeys.push(old);
      i++;
    } else if (next < old) {
      addKeys.push(next);
      addCodes.push(to.reasonCodes[j] ?? 0);
      j++;
    } else {
      if (from.reasonCodes[i] !== to.reasonCodes[j]) {
        addKeys.push(next);
        addCodes.push(to.reasonCodes[j] ?? 0);
      }
      i++;
      j++;
    }
  }
  return { adds: { keys: Float64Array.from(addKeys), reasonCodes: Uint8Array.from(addCodes) }, removes: Float64Array.from(removeKeys) };
}

/**
 * A delta from database rows (clearing house): packs and sorts, and drops a
 * removal of a card the same delta adds again (denied, lifted, denied again
 * between two versions: an add replaces, so the card ends up denied with the
 * new reason). Throws RangeError like packDenyEntries.
 */
export function denyDeltaOf(input: { readonly adds: readonly DenyEntry[]; readonly removes: readonly string[] }): DenyDelta {
  const added = new Set(input.adds.map((entry) => entry.cardNumber));
  return { adds: packDenyEntries(input.adds), removes: packCardKeys(input.removes.filter((cardNumber) => !added.has(cardNumber))) };
}
