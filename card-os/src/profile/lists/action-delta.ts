/**
 * Deltas between action lists (as deny-delta.ts): the clearing house
 * computes one from two versions, a validator merges it. Actions are matched
 * by action id; an action whose bytes changed (a new expiry, say) is re-added.
 */
import { compareActionEntries, sortActionEntries } from './action-list.js';
import { writeActionEntry, type ActionListEntry } from './action-entry.js';
import { ByteWriter } from './cursor.js';
import { listFailure, type ListDecodeResult } from './failure.js';

export interface ActionDelta {
  readonly adds: readonly ActionListEntry[];
  /** Action ids, ascending. */
  readonly removes: readonly string[];
}

function entryBytesKey(entry: ActionListEntry): string {
  const w = new ByteWriter();
  writeActionEntry(w, entry);
  return Buffer.from(w.finish()).toString('hex');
}

/**
 * `base` without `removes` and with `adds` (an add replaces the action of the
 * same id), in list order. Two actions for one (card, seq) fail with
 * `entry_duplicate` naming the add: the base is not the one the delta was made for.
 */
export function mergeActionDelta(base: readonly ActionListEntry[], delta: ActionDelta): ListDecodeResult<ActionListEntry[]> {
  const dropped = new Set([...delta.removes, ...delta.adds.map((entry) => entry.actionId)]);
  const merged = [...base.filter((entry) => !dropped.has(entry.actionId)), ...delta.adds].sort(compareActionEntries);
  for (let i = 1; i < merged.length; i++) {
    const [previous, current] = [merged[i - 1], merged[i]];
    if (previous !== undefined && current !== undefined && compareActionEntries(previous, current) === 0) {
      const index = delta.adds.findIndex((entry) => entry === previous || entry === current);
      return listFailure('entry_duplicate', `adds[${index}].seq`);
    }
  }
  return { ok: true, value: merged };
}

/** The delta that turns `from` into `to` (both in list order); adds in list order, removes ascending. */
export function diffActionEntries(from: readonly ActionListEntry[], to: readonly ActionListEntry[]): ActionDelta {
  const before = new Map(from.map((entry) => [entry.actionId, entryBytesKey(entry)]));
  const after = new Set(to.map((entry) => entry.actionId));
  const adds = to.filter((entry) => before.get(entry.actionId) !== entryBytesKey(entry));
  const removes = from.map((entry) => entry.actionId).filter((actionId) => !after.has(actionId)).sort();
  return { adds, removes };
}

/**
 * A delta from database rows (clearing house): adds in list order, removes
 * sorted and unique, a removal of an id the same delta adds again dropped
 * (the add replaces it).
 */
export function actionDeltaOf(input: { readonly adds: readonly ActionListEntry[]; readonly removes: readonly string[] }): ActionDelta {
  const added = new Set(input.adds.map((entry) => entry.actionId));
  return { adds: sortActionEntries(input.adds), removes: [...new Set(input.removes.filter((actionId) => !added.has(actionId)))].sort() };
}
