/**
 * List and feed files on the validator: written with the crash-safe
 * writeFileAtomic of @onecard/keys (temporary file, fsync, rename, fsync of
 * the directory: a crash leaves the old file or the new one, never a mix),
 * owner-only, replacing the old file. Stray temporaries a crash leaves are
 * deleted at the next start (removeStaleTemporaries). Every I/O failure is a
 * ListStoreIoError carrying the cause.
 */
import { removeStaleTemporaries as removeStaleFiles, writeFileAtomic as writeAtomically, type AtomicWriteHooks } from '@onecard/keys';

export type { AtomicWriteHooks } from '@onecard/keys';

/** Owner read/write only: lists are public, but nobody else has business changing them. */
export const LIST_FILE_MODE = 0o600;

/** An I/O failure of a list store (disk full, permissions …), carrying the cause. */
export class ListStoreIoError extends Error {
  constructor(message: string, options: { readonly cause: unknown }) {
    super(message, options);
    this.name = 'ListStoreIoError';
  }
}

export async function writeFileAtomic(path: string, data: Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  try {
    await writeAtomically(path, data, { ...hooks, fileMode: LIST_FILE_MODE, ifExists: 'replace' });
  } catch (error) {
    throw new ListStoreIoError('could not write the list file', { cause: error });
  }
}

/** Deletes temporary files a crash left next to `path`. Answers how many. */
export async function removeStaleTemporaries(path: string): Promise<number> {
  try {
    return await removeStaleFiles(path);
  } catch (error) {
    throw new ListStoreIoError('could not read the list directory', { cause: error });
  }
}
