/**
 * Distribution files (fare feeds, key bundles, publication records): written
 * with the crash-safe writeFileAtomic of @onecard/keys (temporary file,
 * fsync, rename over the old file, fsync of the folder: a crash leaves the
 * old file or the new one, never a mix), owner-only.
 */
import { writeFileAtomic as writeAtomically, type AtomicWriteHooks } from '@onecard/keys';

export type { AtomicWriteHooks } from '@onecard/keys';

export const DISTRIBUTION_FILE_MODE = 0o600;

export async function writeFileAtomic(path: string, data: Uint8Array, hooks: AtomicWriteHooks = {}): Promise<void> {
  await writeAtomically(path, data, { ...hooks, fileMode: DISTRIBUTION_FILE_MODE, ifExists: 'replace' });
}
