/**
 * Device SAM source: the masters of one DeviceKeyBundle, held in memory for
 * the life of the process and zeroed on close.
 *
 * Auditing on a device is an in-memory derivation counter, not a file: every
 * tap is already in the validator's durable, hash-chained, signed journal,
 * and a second fsync'd log per tap would double flash wear and tap latency.
 * The counter goes into each signed journal batch, where the clearing house
 * can compare derivations with taps (many more derivations than taps is the
 * signature of someone using the device as a key oracle).
 */
import { fromHex, zeroize } from '../bytes.js';
import type { LentMasterKey } from '../store/key-store-internals.js';
import type { MasterKeyType } from '../store/master-key-slot.js';
import { decodeDeviceKeyBundle, type DeviceKeyBundleManifest } from './device-key-bundle.js';
import type { MasterSource, SamKeyInfo } from './master-source.js';
import { SamError } from './sam-error.js';

interface HeldVersion {
  readonly status: 'active' | 'retiring';
  readonly keyBytes: Uint8Array;
}

interface HeldSlot {
  readonly application: string;
  readonly aid: number;
  readonly keyNo: number;
  readonly keyType: MasterKeyType;
  readonly versions: Map<number, HeldVersion>;
}

export class BundleMasterSource implements MasterSource {
  readonly kind = 'device-bundle';
  readonly manifest: DeviceKeyBundleManifest;
  readonly #slots = new Map<string, HeldSlot>();
  #derivationCount = 0;
  #closed = false;

  /** Takes ownership of `bundle`: the plaintext is zeroed once parsed (or refused). */
  constructor(bundle: Uint8Array) {
    try {
      const { manifest, keys } = decodeDeviceKeyBundle(bundle);
      this.manifest = manifest;
      manifest.keys.forEach((entry, index) => {
        const keyBytes = keys[index];
        if (keyBytes === undefined) throw new Error('assertion failed: one key per manifest entry');
        const slotKey = `${entry.application}/${entry.keyNo}`;
        const slot = this.#slots.get(slotKey) ?? { application: entry.application, aid: entry.aid, keyNo: entry.keyNo, keyType: entry.keyType, versions: new Map<number, HeldVersion>() };
        if (slot.aid !== entry.aid || slot.keyType !== entry.keyType) throw new SamError('bundle_corrupt', 'device key bundle is malformed (slot mismatch)');
        slot.versions.set(entry.version, { status: entry.status, keyBytes });
        this.#slots.set(slotKey, slot);
      });
    } catch (error: unknown) {
      this.close();
      throw error;
    } finally {
      zeroize(bundle);
    }
  }

  systemIdentifier(): Uint8Array {
    return fromHex(this.manifest.systemIdentifierHex);
  }

  aidOf(application: string): number | undefined {
    for (const slot of this.#slots.values()) if (slot.application === application) return slot.aid;
    return undefined;
  }

  listKeys(): SamKeyInfo[] {
    return [...this.#slots.values()].map((slot) => ({
      application: slot.application,
      aid: slot.aid,
      keyNo: slot.keyNo,
      keyType: slot.keyType,
      versions: [...slot.versions].map(([version, held]) => ({ version, status: held.status })).sort((a, b) => a.version - b.version),
    }));
  }

  useMaster<T>(request: { application: string; keyNo: number; version: number | 'active' }, use: (master: LentMasterKey) => T): T {
    if (this.#closed) throw new SamError('sam_closed', 'SAM is closed');
    const slot = this.#slots.get(`${request.application}/${request.keyNo}`);
    if (slot === undefined) throw new SamError('unknown_key', "that key is not in this device's bundle");
    const found = [...slot.versions].find(([version, held]) => (request.version === 'active' ? held.status === 'active' : version === request.version));
    if (found === undefined) throw new SamError('unknown_key', "that key version is not in this device's bundle");
    const [version, held] = found;
    const keyBytes = held.keyBytes.slice();
    try {
      return use({ keyBytes, keyType: slot.keyType, version, status: held.status });
    } finally {
      zeroize(keyBytes);
    }
  }

  /** Counts; the record's details are in the device journal already (see the file comment). */
  recordDerivation(): void {
    this.#derivationCount += 1;
  }

  derivationCount(): number {
    return this.#derivationCount;
  }

  close(): void {
    this.#closed = true;
    for (const slot of this.#slots.values()) for (const held of slot.versions.values()) zeroize(held.keyBytes);
    this.#slots.clear();
  }
}
