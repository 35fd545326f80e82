/**
 * Deny list documents (README.md "Deny list"): a full list of every denied
 * card, or a delta from a base version adding (or re-reasoning) and removing
 * cards. Entries are sorted card keys, each stored as the gap from the
 * previous key and the reason in one varint: gap·8 + reason. A million
 * cards of a 10^9 card range take ≈ 2–3 bytes each.
 */
import { CARD_KEY_MAX, isCardKey } from './card-key.js';
import { ByteReader, ByteWriter } from './cursor.js';
import { DENY_LIST_ENTRY_COUNT_MAX, DENY_LIST_MAGIC, DENY_REASON, DENY_REASON_RADIX, DENY_ENTRY_LENGTH_BYTES_MIN, LIST_COUNT_LENGTH_BYTES, LIST_HEADER_LENGTH_BYTES, VARINT_LENGTH_BYTES_MAX } from './codes.js';
import { assertPacked, type DenyEntries } from './deny-entries.js';
import { listFailure, type ListDecodeResult } from './failure.js';
import { readHeader, writeHeader, type ListHeader } from './header.js';

export interface DenyListFull extends ListHeader {
  readonly kind: 'full';
  readonly entries: DenyEntries;
}

export interface DenyListDelta extends ListHeader {
  readonly kind: 'delta';
  /** Cards to deny (new, or with a new reason). */
  readonly adds: DenyEntries;
  /** Card keys to take off the list, strictly ascending. */
  readonly removes: Float64Array;
}

export type DenyListDocument = DenyListFull | DenyListDelta;

/** The key before the first: the first gap is key + 1, so every gap is ≥ 1 and a gap of 0 is a duplicate. */
const KEY_BEFORE_FIRST = -1;

function writeKeys(w: ByteWriter, keys: Float64Array, reasonCodes: Uint8Array | undefined, field: string): void {
  if (keys.length > DENY_LIST_ENTRY_COUNT_MAX) throw new RangeError(`${field}: at most ${DENY_LIST_ENTRY_COUNT_MAX} entries`);
  assertPacked(keys, reasonCodes);
  w.u32(keys.length, `${field}.count`);
  let previous = KEY_BEFORE_FIRST;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? 0;
    if (!isCardKey(key)) throw new RangeError(`${field}[${i}] is not a card key`);
    const gap = key - previous;
    w.varint(reasonCodes === undefined ? gap : gap * DENY_REASON_RADIX + (reasonCodes[i] ?? 0), field);
    previous = key;
  }
}

export function encodeDenyList(document: DenyListDocument): Uint8Array {
  const entryCount = document.kind === 'full' ? document.entries.keys.length : document.adds.keys.length + document.removes.length;
  const w = new ByteWriter({ capacityBytes: LIST_HEADER_LENGTH_BYTES + 2 * LIST_COUNT_LENGTH_BYTES + entryCount * VARINT_LENGTH_BYTES_MAX });
  writeHeader(w, DENY_LIST_MAGIC, document);
  switch (document.kind) {
    case 'full':
      writeKeys(w, document.entries.keys, document.entries.reasonCodes, 'entries');
      break;
    case 'delta':
      if (firstCommonKey(document.adds.keys, document.removes) !== undefined) throw new RangeError('a delta must not add and remove the same card');
      writeKeys(w, document.adds.keys, document.adds.reasonCodes, 'adds');
      writeKeys(w, document.removes, undefined, 'removes');
      break;
  }
  return w.finish();
}

/** Reads `count` then that many entries; with `withReasons` each varint carries a reason. */
function readKeys(r: ByteReader, field: string, options: { readonly withReasons: boolean }): ListDecodeResult<{ keys: Float64Array; reasonCodes: Uint8Array }> {
  const count = r.u32(`${field}.count`);
  const failed = r.failure();
  if (failed !== undefined) return failed;
  if (count > DENY_LIST_ENTRY_COUNT_MAX) return listFailure('too_many_entries', `${field}.count`);
  // Before allocating: a hostile count cannot make us reserve more than the bytes could hold.
  if (count * DENY_ENTRY_LENGTH_BYTES_MIN > r.remainingBytes) return listFailure('truncated', `${field}.count`);
  const keys = new Float64Array(count);
  const reasonCodes = new Uint8Array(options.withReasons ? count : 0);
  let previous = KEY_BEFORE_FIRST;
  for (let i = 0; i < count; i++) {
    const value = r.varint(field);
    const failed = r.failure();
    if (failed !== undefined) return listFailure(failed.code, `${field}[${i}]`);
    let gap = value;
    if (options.withReasons) {
      gap = Math.floor(value / DENY_REASON_RADIX);
      const code = value - gap * DENY_REASON_RADIX;
      if (DENY_REASON.nameOf(code) === undefined) return listFailure('malformed', `${field}[${i}].reason`);
      reasonCodes[i] = code;
    }
    if (gap === 0) return listFailure('entry_duplicate', `${field}[${i}]`);
    const key = previous + gap;
    if (key > CARD_KEY_MAX) return listFailure('card_number_invalid', `${field}[${i}]`);
    keys[i] = key;
    previous = key;
  }
  return { ok: true, value: { keys, reasonCodes } };
}

/** Index in `a` of the first key both sorted arrays hold, or undefined. */
function firstCommonKey(a: Float64Array, b: Float64Array): number | undefined {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) return i;
    if (x < y) i++;
    else j++;
  }
  return undefined;
}

/** Strict decoding of a deny list document (the envelope's payload). Never throws. */
export function decodeDenyList(bytes: Uint8Array): ListDecodeResult<DenyListDocument> {
  if (!(bytes instanceof Uint8Array)) return listFailure('malformed', 'bytes');
  const r = new ByteReader(bytes);
  const header = readHeader(r, DENY_LIST_MAGIC);
  if (header === undefined) return r.failure() ?? listFailure('malformed', 'header');
  if (header.kind === 'full') {
    const entries = readKeys(r, 'entries', { withReasons: true });
    if (!entries.ok) return entries;
    r.expectEnd();
    return r.failure() ?? { ok: true, value: { ...header, kind: 'full', entries: entries.value } };
  }
  const adds = readKeys(r, 'adds', { withReasons: true });
  if (!adds.ok) return adds;
  const removes = readKeys(r, 'removes', { withReasons: false });
  if (!removes.ok) return removes;
  r.expectEnd();
  const failed = r.failure();
  if (failed !== undefined) return failed;
  const common = firstCommonKey(adds.value.keys, removes.value.keys);
  if (common !== undefined) return listFailure('entry_conflict', `adds[${common}]`);
  return { ok: true, value: { ...header, kind: 'delta', adds: adds.value, removes: removes.value.keys } };
}
