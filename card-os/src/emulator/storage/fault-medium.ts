/**
 * A medium wrapper that numbers write steps and can cut the power after
 * step k. Writes are split into chunks of `chunkBytes` (each chunk one step)
 * so that a cut tears a region half-way, as a real EEPROM page write or a
 * file write can be torn. After the cut every further write throws and the
 * inner medium keeps exactly what had reached it.
 */
import { StorageError, type RegionName, type StorageMedium } from './medium.js';

export class PowerCutError extends StorageError {
  override readonly name: string = 'PowerCutError';
}

export interface FaultMediumOptions {
  /** Steps allowed to complete; the next one is cut. Infinity = never cut (counting run). */
  cutAfterStepCount: number;
  /** Bytes per write step (default 32, one EEPROM block). */
  chunkBytes?: number;
}

export const FAULT_CHUNK_BYTES_DEFAULT = 32;

export class FaultInjectingMedium implements StorageMedium {
  readonly #inner: StorageMedium;
  readonly #cutAfterStepCount: number;
  readonly #chunkBytes: number;
  #stepCount = 0;
  #cut = false;

  constructor(inner: StorageMedium, options: FaultMediumOptions) {
    this.#inner = inner;
    this.#cutAfterStepCount = options.cutAfterStepCount;
    this.#chunkBytes = options.chunkBytes ?? FAULT_CHUNK_BYTES_DEFAULT;
    if (!Number.isSafeInteger(this.#chunkBytes) || this.#chunkBytes <= 0) throw new RangeError('chunkBytes must be a positive integer');
  }

  /** Write steps completed so far. */
  get stepCount(): number {
    return this.#stepCount;
  }

  get powerCut(): boolean {
    return this.#cut;
  }

  read(region: RegionName): Uint8Array | null {
    return this.#inner.read(region);
  }

  write(region: RegionName, bytes: Uint8Array): void {
    const old = this.#inner.read(region) ?? new Uint8Array(0);
    const stepCountNeeded = Math.max(1, Math.ceil(bytes.length / this.#chunkBytes));
    for (let step = 1; step <= stepCountNeeded; step++) {
      this.#beginStep();
      const writtenBytes = Math.min(bytes.length, step * this.#chunkBytes);
      const torn = step === stepCountNeeded ? bytes : concatTorn(bytes.subarray(0, writtenBytes), old.subarray(writtenBytes));
      this.#inner.write(region, torn);
      this.#stepCount++;
    }
  }

  remove(region: RegionName): void {
    this.#beginStep();
    this.#inner.remove(region);
    this.#stepCount++;
  }

  #beginStep(): void {
    if (this.#cut || this.#stepCount >= this.#cutAfterStepCount) {
      this.#cut = true;
      throw new PowerCutError('power cut');
    }
  }
}

function concatTorn(newPrefix: Uint8Array, oldRemainder: Uint8Array): Uint8Array {
  const out = new Uint8Array(newPrefix.length + oldRemainder.length);
  out.set(newPrefix);
  out.set(oldRemainder, newPrefix.length);
  return out;
}
