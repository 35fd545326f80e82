/**
 * File handling for the key store: bounded reads, atomic replacement
 * (temporary file in the same directory, fsync, rename, fsync of the
 * directory) so a crash leaves either the old or the new store, never a torn
 * one; and an exclusive lock file (O_CREAT|O_EXCL) held by the one writer.
 */
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { KeyStoreError, StoreCorruptError, StoreLockedError } from './key-store-error.js';

/** A store with every slot at every version is well under 1 MiB. */
export const STORE_FILE_BYTES_MAX = 4 * 1024 * 1024;
const TEMP_SUFFIX_RANDOM_BYTES = 6;
const FILE_MODE_OWNER_ONLY = 0o600;

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

export function storeLockPath(storePath: string): string {
  return `${storePath}.lock`;
}

export async function storeFileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error: unknown) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw new KeyStoreError('store_io', 'cannot inspect the key store path', { cause: error });
  }
}

/** Reads the store text; refuses oversized files before reading them. */
export async function readStoreFile(path: string): Promise<string> {
  try {
    const { size } = await stat(path);
    if (size > STORE_FILE_BYTES_MAX) throw new StoreCorruptError('unreadable');
    return await readFile(path, 'utf8');
  } catch (error: unknown) {
    if (error instanceof KeyStoreError) throw error;
    if (errnoCode(error) === 'ENOENT') throw new KeyStoreError('store_missing', 'no key store at that path', { cause: error });
    throw new KeyStoreError('store_io', 'cannot read the key store', { cause: error });
  }
}

/** Replaces `path` with `text` atomically and durably. */
export async function writeStoreFileAtomically(path: string, text: string): Promise<void> {
  const directory = dirname(path);
  const tempPath = join(directory, `.${basename(path)}.tmp-${randomBytes(TEMP_SUFFIX_RANDOM_BYTES).toString('hex')}`);
  try {
    const handle = await open(tempPath, 'wx', FILE_MODE_OWNER_ONLY);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, path);
    const directoryHandle = await open(directory, 'r');
    try {
      await directoryHandle.sync();
    } finally {
      await directoryHandle.close();
    }
  } catch (error: unknown) {
    await unlink(tempPath).catch(() => undefined);
    throw new KeyStoreError('store_io', 'cannot write the key store', { cause: error });
  }
}

/** The writer's exclusive lock. Released by `release()`; a crash leaves it for an operator to remove. */
export class StoreLock {
  readonly #path: string;
  #held: boolean;

  private constructor(path: string) {
    this.#path = path;
    this.#held = true;
  }

  static acquire(storePath: string, options: { nowMs: number }): StoreLock {
    const path = storeLockPath(storePath);
    let fd: number;
    try {
      fd = openSync(path, 'wx', FILE_MODE_OWNER_ONLY);
    } catch (error: unknown) {
      if (errnoCode(error) === 'EEXIST') throw new StoreLockedError({ cause: error });
      throw new KeyStoreError('store_io', 'cannot create the key store lock file', { cause: error });
    }
    try {
      writeSync(fd, `${JSON.stringify({ pid: process.pid, lockedUtc: new Date(options.nowMs).toISOString() })}\n`);
    } finally {
      closeSync(fd);
    }
    return new StoreLock(path);
  }

  get held(): boolean {
    return this.#held;
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    try {
      unlinkSync(this.#path);
    } catch (error: unknown) {
      if (errnoCode(error) !== 'ENOENT') throw new KeyStoreError('store_io', 'cannot remove the key store lock file', { cause: error });
    }
  }
}
