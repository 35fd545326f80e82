/**
 * DenyListStore: full lists and deltas applied only onto the right base,
 * signatures checked, the list persisted atomically and reopened, damaged
 * files and failed writes never losing the list held.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519KeyPairFromSeed } from '@onecard/keys';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { DenyReason } from '../ports.js';
import { ListStoreIoError } from './atomic-file.js';
import { DenyListStore } from './deny-list-store.js';
import { cardNumber, ISSUED_AT, LIST_KEY_ID, signedDenyDelta, signedFullDenyList, TRUSTED } from './testing/fixtures.js';
import { DENY_REASON, packDenyEntries, signDenyList, type DenyListReason } from './wire.js';

const [A, B, C, D] = [cardNumber(1), cardNumber(2), cardNumber(1_000), cardNumber(123_456_789)];
const fullV3 = signedFullDenyList(3, packDenyEntries([{ cardNumber: A, reason: 'lost' }, { cardNumber: B, reason: 'stolen' }, { cardNumber: C, reason: 'replaced' }]));
const delta3to4 = signedDenyDelta({ version: 4, baseVersion: 3, adds: [{ cardNumber: D, reason: 'fraud_suspected' }, { cardNumber: A, reason: 'blocked_by_issuer' }], removes: [B, cardNumber(77)] });

let directory: string;
let path: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'onecard-deny-'));
  path = join(directory, 'deny-list.bin');
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const open = (extra: Partial<Parameters<typeof DenyListStore.open>[0]> = {}) => DenyListStore.open({ ...TRUSTED, path, ...extra });

describe('DenyListStore', () => {
  it('uses the reasons of ports.ts', () => {
    expectTypeOf<DenyListReason>().toEqualTypeOf<DenyReason>();
    expect([...DENY_REASON.names].sort()).toEqual(['blocked_by_issuer', 'fraud_suspected', 'lost', 'replaced', 'stolen']);
  });

  it('starts empty at version 0 without a file', async () => {
    const store = await open();
    expect([store.version, store.entryCount, store.loadStatus]).toEqual([0, 0, 'missing']);
    expect(store.lookup(A)).toBeUndefined();
  });

  it('applies a full list, answers lookups, and reopens it from disk', async () => {
    const store = await open();
    expect(await store.apply(fullV3)).toEqual({ ok: true, status: 'applied', version: 3, entryCount: 3 });
    expect([store.lookup(A), store.lookup(B), store.lookup(C), store.lookup(D)]).toEqual(['lost', 'stolen', 'replaced', undefined]);
    expect(store.lookup(`${A.slice(0, 15)}${(Number(A[15]) + 1) % 10}`)).toBeUndefined(); // same body, bad check digit
    expect(store.lookup('not a card')).toBeUndefined();
    const reopened = await open();
    expect([reopened.version, reopened.entryCount, reopened.loadStatus, reopened.lookup(B)]).toEqual([3, 3, 'loaded', 'stolen']);
    expect(reopened.issuedAt).toEqual(ISSUED_AT);
  });

  it('applies a delta onto its base: adds, re-reasons, removes; persisted', async () => {
    const store = await open();
    await store.apply(fullV3);
    expect(await store.apply(delta3to4)).toEqual({ ok: true, status: 'applied', version: 4, entryCount: 3 });
    const check = (s: DenyListStore) => [s.version, s.lookup(A), s.lookup(B), s.lookup(C), s.lookup(D)];
    expect(check(store)).toEqual([4, 'blocked_by_issuer', undefined, 'replaced', 'fraud_suspected']);
    expect(check(await open())).toEqual(check(store));
  });

  it('asks for a full list when a delta does not start at the version held', async () => {
    const store = await open();
    expect(await store.apply(delta3to4)).toEqual({ ok: false, code: 'full_list_needed', heldVersion: 0, deltaBaseVersion: 3 });
    await store.apply(fullV3);
    await store.apply(delta3to4);
    const delta5to6 = signedDenyDelta({ version: 6, baseVersion: 5, adds: [], removes: [A] });
    expect(await store.apply(delta5to6)).toEqual({ ok: false, code: 'full_list_needed', heldVersion: 4, deltaBaseVersion: 5 });
    expect([store.version, store.lookup(A)]).toEqual([4, 'blocked_by_issuer']);
  });

  it('refuses older lists (replay, rollback) and ignores the same version', async () => {
    const store = await open();
    await store.apply(fullV3);
    await store.apply(delta3to4);
    expect(await store.apply(fullV3)).toEqual({ ok: false, code: 'stale_version', heldVersion: 4, offeredVersion: 3 });
    expect(await store.apply(delta3to4)).toEqual({ ok: true, status: 'unchanged', version: 4, entryCount: 3 });
    expect(store.lookup(B)).toBeUndefined();
  });

  it('refuses lists signed by another key, for another context, or damaged', async () => {
    const store = await open();
    const intruder = ed25519KeyPairFromSeed(new Uint8Array(32).fill(1));
    const forged = signDenyList({ kind: 'full', version: 9, baseVersion: 0, issuedAt: ISSUED_AT, entries: packDenyEntries([]) }, { keyId: LIST_KEY_ID, secretKey: intruder.secretKey });
    expect(await store.apply(forged)).toEqual({ ok: false, code: 'signature_invalid', field: 'envelope.signature' });
    const unknownKey = signDenyList({ kind: 'full', version: 9, baseVersion: 0, issuedAt: ISSUED_AT, entries: packDenyEntries([]) }, { keyId: 'other', secretKey: intruder.secretKey });
    expect(await store.apply(unknownKey)).toMatchObject({ ok: false, code: 'key_unknown' });
    expect(await store.apply(fullV3.subarray(0, 40))).toMatchObject({ ok: false, code: 'envelope_malformed' });
    expect([store.version, store.entryCount]).toEqual([0, 0]);
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });

  it('serialises concurrent applies', async () => {
    const store = await open();
    const results = await Promise.all([store.apply(fullV3), store.apply(delta3to4)]);
    expect(results.map((r) => r.ok && r.status)).toEqual(['applied', 'applied']);
    expect(store.version).toBe(4);
  });

  it('keeps the old list when the write fails before the rename (a crash there)', async () => {
    const store = await open();
    await store.apply(fullV3);
    const failing = await open({ writeHooks: { beforeRename: () => { throw new Error('power cut'); } } });
    await expect(failing.apply(delta3to4)).rejects.toBeInstanceOf(ListStoreIoError);
    expect([failing.version, failing.lookup(B), failing.lookup(D)]).toEqual([3, 'stolen', undefined]);
    expect((await readdir(directory)).sort()).toEqual(['deny-list.bin']);
    const reopened = await open();
    expect([reopened.version, reopened.lookup(B)]).toEqual([3, 'stolen']);
  });

  it('throws ListStoreIoError and keeps the list when the disk refuses', async () => {
    const store = await open();
    await store.apply(fullV3);
    await rm(directory, { recursive: true, force: true });
    await expect(store.apply(delta3to4)).rejects.toBeInstanceOf(ListStoreIoError);
    expect([store.version, store.lookup(B)]).toEqual([3, 'stolen']);
  });

  it('starts empty (so the sync agent fetches a full list) from a damaged or truncated file, and removes stray temporaries', async () => {
    await (await open()).apply(fullV3);
    const good = await readFile(path);
    const flipped = Uint8Array.from(good);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    for (const damaged of [flipped, good.subarray(0, good.length - 1), good.subarray(0, 10), new Uint8Array(0)]) {
      await writeFile(path, damaged);
      const store = await open();
      expect([store.loadStatus, store.version, store.lookup(A)]).toEqual(['corrupt', 0, undefined]);
    }
    await writeFile(join(directory, '.deny-list.bin.abcdef.tmp'), good.subarray(0, 5));
    await writeFile(path, good);
    const store = await open();
    expect([store.loadStatus, store.version]).toEqual(['loaded', 3]);
    expect(await readdir(directory)).toEqual(['deny-list.bin']);
  });
});
