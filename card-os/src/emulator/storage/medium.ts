/**
 * Non-volatile media the card image is kept on. A medium holds a few named
 * regions of bytes. Every `write` and `remove` is one or more *write steps*;
 * a power cut may land between any two steps, and a `write` split into steps
 * leaves the region torn (new prefix, old remainder) when cut part-way.
 * The journal (journal.ts) makes every card-state change survive that.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type RegionName = 'image' | 'journal';

export interface StorageMedium {
  /** The region's bytes, or null when the region does not exist. */
  read(region: RegionName): Uint8Array | null;
  /** Replaces the region's content (in place: a cut part-way leaves it torn). */
  write(region: RegionName, bytes: Uint8Array): void;
  /** Deletes the region; one atomic step. Removing a missing region is a no-op. */
  remove(region: RegionName): void;
}

/** An I/O failure of a medium. Carries the underlying error as `cause`; never a path's content. */
export class StorageError extends Error {
  override readonly name: string = 'StorageError';
}

/** In-memory medium (the default when no --state file is given, and the base of fault-injection tests). */
export class MemoryMedium implements StorageMedium {
  readonly #regions = new Map<RegionName, Uint8Array>();

  /** A medium holding a copy of `snapshot` (a card "reloaded" after a power cut). */
  static from(snapshot: ReadonlyMap<RegionName, Uint8Array>): MemoryMedium {
    const medium = new MemoryMedium();
    for (const [region, bytes] of snapshot) medium.write(region, bytes);
    return medium;
  }

  read(region: RegionName): Uint8Array | null {
    const bytes = this.#regions.get(region);
    return bytes === undefined ? null : bytes.slice();
  }

  write(region: RegionName, bytes: Uint8Array): void {
    this.#regions.set(region, bytes.slice());
  }

  remove(region: RegionName): void {
    this.#regions.delete(region);
  }

  /** A copy of every region (tests compare media before and after). */
  snapshot(): ReadonlyMap<RegionName, Uint8Array> {
    return new Map([...this.#regions].map(([k, v]) => [k, v.slice()]));
  }
}

export interface FileMediumOptions {
  /** The image file (`--state FILE`); the journal lives beside it as FILE.journal. */
  imagePath: string;
  /** 'fsync' flushes every step to the device (default); 'os-buffered' leaves it to the OS (tests, benchmarks). */
  durability?: 'fsync' | 'os-buffered';
}

export const JOURNAL_FILE_SUFFIX = '.journal';

/** Medium backed by two files. */
export class FileMedium implements StorageMedium {
  readonly #paths: Readonly<Record<RegionName, string>>;
  readonly #fsync: boolean;

  constructor(options: FileMediumOptions) {
    this.#paths = { image: options.imagePath, journal: `${options.imagePath}${JOURNAL_FILE_SUFFIX}` };
    this.#fsync = (options.durability ?? 'fsync') === 'fsync';
    try {
      mkdirSync(dirname(options.imagePath), { recursive: true });
    } catch (error: unknown) {
      throw new StorageError('cannot create the state directory', { cause: error });
    }
  }

  read(region: RegionName): Uint8Array | null {
    try {
      const buffer = readFileSync(this.#paths[region]);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error: unknown) {
      if (isNotFound(error)) return null;
      throw new StorageError(`cannot read the ${region} region`, { cause: error });
    }
  }

  write(region: RegionName, bytes: Uint8Array): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.#paths[region], 'w');
      let writtenBytes = 0;
      while (writtenBytes < bytes.length) {
        writtenBytes += writeSync(fd, bytes, writtenBytes, bytes.length - writtenBytes);
      }
      if (this.#fsync) fsyncSync(fd);
    } catch (error: unknown) {
      throw new StorageError(`cannot write the ${region} region`, { cause: error });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    this.#syncDirectory();
  }

  remove(region: RegionName): void {
    try {
      rmSync(this.#paths[region], { force: true });
    } catch (error: unknown) {
      throw new StorageError(`cannot remove the ${region} region`, { cause: error });
    }
    this.#syncDirectory();
  }

  #syncDirectory(): void {
    if (!this.#fsync) return;
    let fd: number | undefined;
    try {
      fd = openSync(dirname(this.#paths.image), 'r');
      fsyncSync(fd);
    } catch (error: unknown) {
      throw new StorageError('cannot sync the state directory', { cause: error });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
