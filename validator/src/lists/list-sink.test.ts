/** StoreListSink: what the sync agent sees of a list store. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DenyListStore } from './deny-list-store.js';
import { StoreListSink } from './list-sink.js';
import { cardNumber, packedDenyEntries, signedDenyDelta, signedFullDenyList, TRUSTED } from './testing/fixtures.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'onecard-sink-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('StoreListSink', () => {
  it('installs lists and answers the version held', async () => {
    const store = await DenyListStore.open({ ...TRUSTED, path: join(directory, 'deny.bin') });
    const sink = new StoreListSink(store);
    expect(sink.version()).toBe(0);
    expect(await sink.install(signedFullDenyList(5, packedDenyEntries({ count: 10, strideKeys: 3 })))).toEqual({ ok: true, version: 5 });
    expect(sink.version()).toBe(5);
    expect(await sink.install(new Uint8Array(3))).toEqual({ ok: false, code: 'envelope_malformed' });
  });

  it('asks for a full list (since=0) after a delta for another base, keeping the list held', async () => {
    const store = await DenyListStore.open({ ...TRUSTED, path: join(directory, 'deny.bin') });
    const sink = new StoreListSink(store);
    await sink.install(signedFullDenyList(5, packedDenyEntries({ count: 10, strideKeys: 3 })));
    expect(await sink.install(signedDenyDelta({ version: 8, baseVersion: 7, adds: [], removes: [cardNumber(0)] }))).toEqual({ ok: false, code: 'full_list_needed' });
    expect([sink.version(), store.version, store.lookup(cardNumber(0))]).toEqual([0, 5, 'lost']);
    expect(await sink.install(signedFullDenyList(8, packedDenyEntries({ count: 10, strideKeys: 3, firstOffset: 1 })))).toEqual({ ok: true, version: 8 });
    expect([sink.version(), store.lookup(cardNumber(0))]).toEqual([8, undefined]);
  });

  it('answers an I/O failure instead of throwing', async () => {
    const store = await DenyListStore.open({ ...TRUSTED, path: join(directory, 'gone', 'deny.bin') }).catch(() => undefined);
    expect(store).toBeUndefined(); // the directory must exist to open
    const ok = await DenyListStore.open({ ...TRUSTED, path: join(directory, 'deny.bin') });
    await rm(directory, { recursive: true, force: true });
    expect(await new StoreListSink(ok).install(signedFullDenyList(1, packedDenyEntries({ count: 1, strideKeys: 1 })))).toEqual({ ok: false, code: 'list_store_io' });
  });
});
