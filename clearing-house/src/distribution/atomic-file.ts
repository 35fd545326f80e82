/**
 * Crash-safe file replacement: temporary file in the same folder, fsync,
 * rename over the old file, fsync the folder. A crash leaves the old file
 * or the new one, never a mix (keys/src/pki/atomic-file.ts does the same but
 * is not exported by @onecard/keys).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_SUFFIX_LENGTH_BYTES = 6;
export const DISTRIBUTION_FILE_MODE = 0o600;

export interface AtomicWriteHooks {
  /** After the temporary file is synced, before the rename (crash tests). */
  readonly beforeRename?: () => void;
}

export async function writeFileAtomic(path: string, data: Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  const directory = dirname(path);
  const tmpPath = join(directory, `.${basename(path)}.${randomBytes(TMP_SUFFIX_LENGTH_BYTES).toString('hex')}.tmp`);
  let moved = false;
  try {
    const handle = await open(tmpPath, 'wx', DISTRIBUTION_FILE_MODE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    hooks.beforeRename?.();
    await rename(tmpPath, path);
    moved = true;
    const folder = await open(directory, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } finally {
    if (!moved) await unlink(tmpPath).catch(() => undefined);
  }
}
