/**
 * Action list documents (README.md "Action list"): every pending action
 * (full), or a delta from a base version adding actions and removing action
 * ids (applied, refunded or withdrawn). Entries are sorted by card number,
 * then by the card's action sequence number; action ids are unique.
 */
import { ByteReader, ByteWriter } from './cursor.js';
import { ACTION_ID_ENTRY_LENGTH_BYTES_MIN, ACTION_ID_LENGTH_BYTES_MAX, ACTION_ID_PATTERN, ACTION_LIST_ENTRY_COUNT_MAX, ACTION_LIST_MAGIC, ACTION_ENTRY_LENGTH_BYTES_MIN } from './codes.js';
import { readActionEntry, writeActionEntry, type ActionListEntry } from './action-entry.js';
import { listFailure, type ListDecodeFailure, type ListDecodeResult } from './failure.js';
import { readHeader, writeHeader, type ListHeader } from './header.js';

export interface ActionListFull extends ListHeader {
  readonly kind: 'full';
  readonly entries: readonly ActionListEntry[];
}

export interface ActionListDelta extends ListHeader {
  readonly kind: 'delta';
  readonly adds: readonly ActionListEntry[];
  /** Action ids to drop, ascending (ASCII order). */
  readonly removes: readonly string[];
}

export type ActionListDocument = ActionListFull | ActionListDelta;

const ACTION_ID = { lengthBytesMax: ACTION_ID_LENGTH_BYTES_MAX, pattern: ACTION_ID_PATTERN } as const;

/** The order of a list: card number, then the card's action seq. Negative when a comes first. */
export function compareActionEntries(a: Pick<ActionListEntry, 'cardNumber' | 'seq'>, b: Pick<ActionListEntry, 'cardNumber' | 'seq'>): number {
  if (a.cardNumber !== b.cardNumber) return a.cardNumber < b.cardNumber ? -1 : 1;
  return a.seq - b.seq;
}

/** Sorts entries into list order (a copy), for the encoder. */
export function sortActionEntries(entries: readonly ActionListEntry[]): ActionListEntry[] {
  return [...entries].sort(compareActionEntries);
}

/** The first rule a run of entries breaks, or undefined. */
function checkEntries(entries: readonly ActionListEntry[], field: string): ListDecodeFailure | undefined {
  const ids = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry === undefined) continue;
    const previous = entries[i - 1];
    if (previous !== undefined) {
      const order = compareActionEntries(previous, entry);
      if (order === 0) return listFailure('entry_duplicate', `${field}[${i}].seq`);
      if (order > 0) return listFailure('entries_unsorted', `${field}[${i}]`);
    }
    if (ids.has(entry.actionId)) return listFailure('entry_duplicate', `${field}[${i}].actionId`);
    ids.add(entry.actionId);
  }
  return undefined;
}

function checkRemoves(removes: readonly string[], adds: readonly ActionListEntry[]): ListDecodeFailure | undefined {
  for (let i = 1; i < removes.length; i++) {
    const [previous, current] = [removes[i - 1] ?? '', removes[i] ?? ''];
    if (previous === current) return listFailure('entry_duplicate', `removes[${i}]`);
    if (previous > current) return listFailure('entries_unsorted', `removes[${i}]`);
  }
  const removed = new Set(removes);
  const index = adds.findIndex((entry) => removed.has(entry.actionId));
  return index === -1 ? undefined : listFailure('entry_conflict', `adds[${index}].actionId`);
}

function writeEntries(w: ByteWriter, entries: readonly ActionListEntry[], field: string): void {
  if (entries.length > ACTION_LIST_ENTRY_COUNT_MAX) throw new RangeError(`${field}: at most ${ACTION_LIST_ENTRY_COUNT_MAX} entries`);
  const broken = checkEntries(entries, field);
  if (broken !== undefined) throw new RangeError(`${broken.field}: ${broken.code} (sort with sortActionEntries; action ids must be unique)`);
  w.u32(entries.length, `${field}.count`);
  for (const entry of entries) writeActionEntry(w, entry);
}

/** Throws RangeError naming the field for a document the format cannot carry. */
export function encodeActionList(document: ActionListDocument): Uint8Array {
  const w = new ByteWriter();
  writeHeader(w, ACTION_LIST_MAGIC, document);
  switch (document.kind) {
    case 'full':
      writeEntries(w, document.entries, 'entries');
      break;
    case 'delta': {
      writeEntries(w, document.adds, 'adds');
      const broken = checkRemoves(document.removes, document.adds);
      if (broken !== undefined) throw new RangeError(`${broken.field}: ${broken.code}`);
      w.u32(document.removes.length, 'removes.count');
      for (const actionId of document.removes) w.shortAscii(actionId, 'removes', ACTION_ID);
      break;
    }
  }
  return w.finish();
}

function readCount(r: ByteReader, field: string, entryLengthBytesMin: number): ListDecodeResult<number> {
  const count = r.u32(`${field}.count`);
  const failed = r.failure();
  if (failed !== undefined) return failed;
  if (count > ACTION_LIST_ENTRY_COUNT_MAX) return listFailure('too_many_entries', `${field}.count`);
  if (count * entryLengthBytesMin > r.remainingBytes) return listFailure('truncated', `${field}.count`);
  return { ok: true, value: count };
}

function readEntries(r: ByteReader, field: string): ListDecodeResult<ActionListEntry[]> {
  const count = readCount(r, field, ACTION_ENTRY_LENGTH_BYTES_MIN);
  if (!count.ok) return count;
  const entries: ActionListEntry[] = [];
  for (let i = 0; i < count.value; i++) {
    const entry = readActionEntry(r);
    if (entry === undefined) {
      const failure = r.failure() ?? listFailure('malformed', 'entry');
      return listFailure(failure.code, `${field}[${i}].${failure.field}`);
    }
    entries.push(entry);
  }
  return checkEntries(entries, field) ?? { ok: true, value: entries };
}

/** Strict decoding of an action list document (the envelope's payload). Never throws. */
export function decodeActionList(bytes: Uint8Array): ListDecodeResult<ActionListDocument> {
  if (!(bytes instanceof Uint8Array)) return listFailure('malformed', 'bytes');
  const r = new ByteReader(bytes);
  const header = readHeader(r, ACTION_LIST_MAGIC);
  if (header === undefined) return r.failure() ?? listFailure('malformed', 'header');
  if (header.kind === 'full') {
    const entries = readEntries(r, 'entries');
    if (!entries.ok) return entries;
    r.expectEnd();
    return r.failure() ?? { ok: true, value: { ...header, kind: 'full', entries: entries.value } };
  }
  const adds = readEntries(r, 'adds');
  if (!adds.ok) return adds;
  const removeCount = readCount(r, 'removes', ACTION_ID_ENTRY_LENGTH_BYTES_MIN);
  if (!removeCount.ok) return removeCount;
  const removes: string[] = [];
  for (let i = 0; i < removeCount.value; i++) {
    const actionId = r.shortAscii('removes', ACTION_ID);
    const failed = r.failure();
    if (failed !== undefined) return listFailure(failed.code, `removes[${i}]`);
    removes.push(actionId);
  }
  r.expectEnd();
  const failed = r.failure();
  if (failed !== undefined) return failed;
  return checkRemoves(removes, adds.value) ?? { ok: true, value: { ...header, kind: 'delta', adds: adds.value, removes } };
}
