/**
 * Crash-safe file writes, the one implementation for every workspace (key
 * material and certificates here, validator lists and feeds, clearing-house
 * distribution files): write a temporary file in the same directory, fsync
 * it, move it into place (rename, or link when an existing file must not be
 * replaced), then fsync the directory so the new name is durable. A crash
 * (kill -9, power loss) at any point leaves the old file or the new one,
 * never a mix; what a crash leaves behind is a stray temporary file
 * `.<name>.<hex>.tmp`, which removeStaleTemporaries deletes at the next start.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_SUFFIX_LENGTH_BYTES = 6;
const TMP_EXTENSION = '.tmp';

export interface AtomicWriteHooks {
  /** Called once the temporary file is written and synced, before it is moved into place (crash tests stop the process here). */
  readonly beforeRename?: () => void;
}

export interface AtomicWriteOptions extends AtomicWriteHooks {
  /** Permission bits, e.g. 0o600 for keys. */
  readonly fileMode: number;
  /** 'fail' never replaces an existing file (EEXIST). */
  readonly ifExists: 'replace' | 'fail';
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

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const directory = dirname(path);
  const tmpPath = join(directory, `${temporaryPrefix(path)}${randomBytes(TMP_SUFFIX_LENGTH_BYTES).toString('hex')}${TMP_EXTENSION}`);
  const handle = await open(tmpPath, 'wx', options.fileMode);
  let moved = false;
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    options.beforeRename?.();
    if (options.ifExists === 'replace') {
      await rename(tmpPath, path);
      moved = true;
    } else {
      await link(tmpPath, path);
    }
    await fsyncDirectory(directory);
  } finally {
    if (!moved) await unlink(tmpPath).catch(() => undefined);
  }
}

/** Deletes the temporary files a crash left next to `path` (other files are left alone). Answers how many. */
export async function removeStaleTemporaries(path: string): Promise<number> {
  const prefix = temporaryPrefix(path);
  const names = await readdir(dirname(path));
  const stale = names.filter((name) => name.startsWith(prefix) && name.endsWith(TMP_EXTENSION));
  await Promise.all(stale.map((name) => unlink(join(dirname(path), name)).catch(() => undefined)));
  return stale.length;
}

export function isErrnoException(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
