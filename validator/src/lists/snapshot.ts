/**
 * The validator's own copy of a list on disk: SHA-256(document) ‖ document,
 * where document is the list wire format (a full list, unsigned: deltas
 * applied on the device cannot carry the clearing house's signature). The
 * digest catches a file damaged on disk; the strict decoder checks the rest.
 * A damaged or missing snapshot makes the store start empty at version 0,
 * which makes the sync agent fetch a full signed list.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ListStoreIoError, writeFileAtomic, type AtomicWriteHooks } from './atomic-file.js';

export const SNAPSHOT_DIGEST_LENGTH_BYTES = 32;

export type SnapshotRead =
  | { readonly status: 'present'; readonly document: Uint8Array }
  | { readonly status: 'missing' }
  | { readonly status: 'corrupt' };

function digestOf(document: Uint8Array): Uint8Array {
  return createHash('sha256').update(document).digest();
}

export async function writeSnapshot(path: string, document: Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const file = new Uint8Array(SNAPSHOT_DIGEST_LENGTH_BYTES + document.length);
  file.set(digestOf(document));
  file.set(document, SNAPSHOT_DIGEST_LENGTH_BYTES);
  await writeFileAtomic(path, file, hooks);
}

export async function readSnapshot(path: string): Promise<SnapshotRead> {
  let file: Uint8Array;
  try {
    file = await readFile(path);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { status: 'missing' };
    throw new ListStoreIoError('could not read the list file', { cause: error });
  }
  if (file.length < SNAPSHOT_DIGEST_LENGTH_BYTES) return { status: 'corrupt' };
  const document = file.subarray(SNAPSHOT_DIGEST_LENGTH_BYTES);
  const digest = digestOf(document);
  const stored = file.subarray(0, SNAPSHOT_DIGEST_LENGTH_BYTES);
  return digest.every((b, i) => b === stored[i]) ? { status: 'present', document } : { status: 'corrupt' };
}
