/**
 * Crash-safe replacement of a list file: write a temporary file in the same
 * directory, fsync it, rename it over the old file, fsync the directory. A
 * crash (kill -9, power loss) at any point leaves the old file or the new
 * one, never a mix; what a crash leaves behind is a stray temporary file,
 * which removeStaleTemporaries deletes at the next start.
 * (keys/src/pki/atomic-file.ts does the same for certificates but is not
 * exported by @onecard/keys.)
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_SUFFIX_LENGTH_BYTES = 6;
const TMP_EXTENSION = '.tmp';
/** Owner read/write only: lists are public, but nobody else has business changing them. */
export const LIST_FILE_MODE = 0o600;

/** An I/O failure of a list store (disk full, permissions …), carrying the cause. */
export class ListStoreIoError extends Error {
  constructor(message: string, options: { readonly cause: unknown }) {
    super(message, options);
    this.name = 'ListStoreIoError';
  }
}

function temporaryPrefix(path: string): string {
  return `.${basename(path)}.`;
}

async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteHooks {
  /** Called once the temporary file is written and synced, before the rename (crash tests stop the process here). */
  readonly beforeRename?: () => void;
}

export async function writeFileAtomic(path: string, data: Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const directory = dirname(path);
  const tmpPath = join(directory, `${temporaryPrefix(path)}${randomBytes(TMP_SUFFIX_LENGTH_BYTES).toString('hex')}${TMP_EXTENSION}`);
  let moved = false;
  try {
    const handle = await open(tmpPath, 'wx', LIST_FILE_MODE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    hooks.beforeRename?.();
    await rename(tmpPath, path);
    moved = true;
    await fsyncDirectory(directory);
  } catch (error) {
    throw new ListStoreIoError('could not write the list file', { cause: error });
  } finally {
    if (!moved) await unlink(tmpPath).catch(() => undefined);
  }
}

/** Deletes temporary files a crash left next to `path`. Answers how many. */
export async function removeStaleTemporaries(path: string): Promise<number> {
  const prefix = temporaryPrefix(path);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch (error) {
    throw new ListStoreIoError('could not read the list directory', { cause: error });
  }
  const stale = names.filter((name) => name.startsWith(prefix) && name.endsWith(TMP_EXTENSION));
  await Promise.all(stale.map((name) => unlink(join(dirname(path), name)).catch(() => undefined)));
  return stale.length;
}
