/** Test and bench fixtures: a list-signing key, card numbers, signed lists. */
import { ed25519KeyPairFromSeed } from '@onecard/keys';
import { cardNumberOfKey, packCardKeys, packDenyEntries, signDenyList, type DenyEntries, type DenyEntry, type ListSigner, type OpenListOptions } from '../wire.js';

const LIST_KEY_SEED_BYTE = 0x5a;
const LIST_KEY_SEED_LENGTH_BYTES = 32;
export const LIST_KEY_ID = 'ch-lists-test';
export const ISSUED_AT = new Date('2026-12-04T00:00:00Z');
/** Card keys of the fixtures start at the IIN-like prefix 9704 (card numbers 9704…). */
export const CARD_KEY_BASE = 970_400_000_000_000;

const listKey = ed25519KeyPairFromSeed(new Uint8Array(LIST_KEY_SEED_LENGTH_BYTES).fill(LIST_KEY_SEED_BYTE));
export const LIST_SIGNER: ListSigner = { keyId: LIST_KEY_ID, secretKey: listKey.secretKey };
export const TRUSTED: OpenListOptions = { trustedKeys: [{ keyId: LIST_KEY_ID, publicKey: listKey.publicKey }] };

export const cardNumber = (offset: number): string => cardNumberOfKey(CARD_KEY_BASE + offset);

/** `count` cards spread over a 10^9 card range (every `strideKeys`-th card), reasons cycling. */
export function packedDenyEntries(options: { readonly count: number; readonly strideKeys: number; readonly firstOffset?: number }): DenyEntries {
  const keys = new Float64Array(options.count);
  const reasonCodes = new Uint8Array(options.count);
  const reasonCount = 5;
  for (let i = 0; i < options.count; i++) {
    keys[i] = CARD_KEY_BASE + (options.firstOffset ?? 0) + i * options.strideKeys;
    reasonCodes[i] = 1 + (i % reasonCount);
  }
  return { keys, reasonCodes };
}

export function signedFullDenyList(version: number, entries: DenyEntries): Uint8Array {
  return signDenyList({ kind: 'full', version, baseVersion: 0, issuedAt: ISSUED_AT, entries }, LIST_SIGNER);
}

export function signedDenyDelta(options: { readonly version: number; readonly baseVersion: number; readonly adds: readonly DenyEntry[]; readonly removes: readonly string[] }): Uint8Array {
  return signDenyList({ kind: 'delta', version: options.version, baseVersion: options.baseVersion, issuedAt: ISSUED_AT, adds: packDenyEntries(options.adds), removes: packCardKeys(options.removes) }, LIST_SIGNER);
}
