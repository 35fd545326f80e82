/**
 * Crash-safe file writes: write a temporary file in the same directory,
 * fsync it, move it into place (rename, or link when an existing file must
 * not be replaced), then fsync the directory so the new name is durable.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_SUFFIX_LENGTH_BYTES = 6;

export interface AtomicWriteOptions {
  /** Permission bits, e.g. 0o600 for keys. */
  readonly fileMode: number;
  /** 'fail' never replaces an existing file (EEXIST). */
  readonly ifExists: 'replace' | 'fail';
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
  const tmpPath = join(directory, `.${basename(path)}.${randomBytes(TMP_SUFFIX_LENGTH_BYTES).toString('hex')}.tmp`);
  const handle = await open(tmpPath, 'wx', options.fileMode);
  let moved = false;
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
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

export function isErrnoException(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
