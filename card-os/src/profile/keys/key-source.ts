/**
 * Where the profile's card keys come from. A terminal asks for the key of
 * one (application, keyNo) for one card UID and key version; the answer is
 * the AN10922-diversified AES-128 key, or undefined when the terminal does
 * not hold that key (its SAM has no such master). Masters never leave the
 * SAM (keys/src/sam/sam.ts); the caller zeroes the keys it receives.
 */
import { zeroize, type Sam } from '@onecard/keys';
import type { ProfileKeyRef } from '../layout/applications.js';

export const PROFILE_KEY_TYPE = 'aes128';
export const AES_KEY_LENGTH_BYTES = 16;

export interface CardKey {
  readonly key: Uint8Array;
  /** The key version the card stores with this key (GetKeyVersion). */
  readonly version: number;
}

export interface CardKeyRequest {
  readonly ref: ProfileKeyRef;
  readonly uid: Uint8Array;
  /** The version the card reports, or 'active' when personalising. */
  readonly version: number | 'active';
}

export interface ProfileKeySource {
  cardKey(request: CardKeyRequest): CardKey | undefined;
}

/** Failures that mean "this terminal does not hold that key (version)" rather than a broken SAM. */
const NOT_HELD_CODES: ReadonlySet<string> = new Set(['unknown_key', 'unknown_application', 'key_version_retired']);

function isNotHeld(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error)) return false;
  const { code } = error as { code: unknown };
  return typeof code === 'string' && NOT_HELD_CODES.has(code);
}

/**
 * Keys from a SAM (back office: Sam.fromStore; device: Sam.fromBundle).
 * `allowed` narrows further (e.g. to one device role's slots) without a
 * second SAM. Every derivation is audited by the SAM with `principal` and `purpose`.
 */
export function samKeySource(options: { sam: Sam; principal: string; purpose: string; allowed?: readonly ProfileKeyRef[] }): ProfileKeySource {
  const { sam, principal, purpose, allowed } = options;
  return {
    cardKey({ ref, uid, version }) {
      if (allowed !== undefined && !allowed.some((a) => a.application === ref.application && a.keyNo === ref.keyNo)) return undefined;
      let derived;
      try {
        derived = sam.deriveCardKey({ application: ref.application, keyNo: ref.keyNo, uid, version, principal, purpose });
      } catch (error: unknown) {
        if (isNotHeld(error)) return undefined;
        throw error;
      }
      if (derived.keyType !== PROFILE_KEY_TYPE) {
        zeroize(derived.key);
        throw new TypeError('OneCard profile keys must be AES-128 masters');
      }
      return { key: derived.key, version: derived.version };
    },
  };
}

/**
 * A per-card cache in front of a source: each (slot, version) is derived
 * once per card (one audit record each) and zeroed by `close()`. Callers
 * get the cached bytes and must not keep them past `close()`.
 */
export class CardKeyRing {
  readonly #source: ProfileKeySource;
  readonly #uid: Uint8Array;
  readonly #cache = new Map<string, CardKey | undefined>();

  constructor(source: ProfileKeySource, uid: Uint8Array) {
    this.#source = source;
    this.#uid = uid.slice();
  }

  get uid(): Uint8Array {
    return this.#uid.slice();
  }

  key(ref: ProfileKeyRef, version: number | 'active'): CardKey | undefined {
    const cacheKey = `${ref.application}/${ref.keyNo}/${version}`;
    if (this.#cache.has(cacheKey)) return this.#cache.get(cacheKey);
    const derived = this.#source.cardKey({ ref, uid: this.#uid, version });
    if (derived !== undefined && derived.key.length !== AES_KEY_LENGTH_BYTES) throw new TypeError('card keys must be 16 bytes');
    this.#cache.set(cacheKey, derived);
    if (derived !== undefined && version === 'active') this.#cache.set(`${ref.application}/${ref.keyNo}/${derived.version}`, derived);
    return derived;
  }

  close(): void {
    for (const entry of this.#cache.values()) if (entry !== undefined) zeroize(entry.key);
    this.#cache.clear();
    zeroize(this.#uid);
  }
}
