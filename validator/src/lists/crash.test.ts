/**
 * Crash safety with a real process death (SIGKILL, as kill -9 or a power
 * cut at the process level): a child process applies lists to a store on
 * disk and is killed (1) at random moments of a write loop, (2) exactly
 * between the temporary file's fsync and the rename. On reopening, the store
 * holds a complete list: the last one acknowledged or the one in flight.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTsxChild, TSX_CHILD_TEST_TIMEOUT_MS, TSX_CHILD_TIMEOUT_MS, waitUntil } from '@onecard/keys/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DenyListStore } from './deny-list-store.js';
import { CRASH_LIST_ENTRY_COUNT, crashFullList, crashProbe } from './testing/crash-lists.js';
import { TRUSTED } from './testing/fixtures.js';

const WRITER = fileURLToPath(new URL('./testing/crash-writer.ts', import.meta.url));
const KILL_ROUNDS = 3;
const KILL_DELAY_MS_MAX = 120;

let directory: string;
let path: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'onecard-deny-crash-'));
  path = join(directory, 'deny-list.bin');
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const startWriter = (mode: 'loop' | 'kill-before-rename') => startTsxChild(WRITER, [path, mode]);

const lastApplied = (lines: readonly string[]): number => Math.max(0, ...lines.filter((l) => l.startsWith('applied ')).map((l) => Number(l.slice('applied '.length))));

describe('deny list store under kill -9', () => {
  it(`holds a complete list after ${KILL_ROUNDS} kills at random moments of a write loop`, async () => {
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const before = (await DenyListStore.open({ ...TRUSTED, path })).version;
      const writer = startWriter('loop');
      await waitUntil(() => lastApplied(writer.lines) > before, { what: 'a first apply', timeoutMs: TSX_CHILD_TIMEOUT_MS });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * KILL_DELAY_MS_MAX)));
      writer.child.kill('SIGKILL');
      expect(await writer.exited).toBe('SIGKILL');
      const acknowledged = lastApplied(writer.lines);
      const store = await DenyListStore.open({ ...TRUSTED, path });
      expect(store.loadStatus).toBe('loaded');
      expect(store.version === acknowledged || store.version === acknowledged + 1).toBe(true);
      expect(store.entryCount).toBe(CRASH_LIST_ENTRY_COUNT);
      for (const index of [0, 1, CRASH_LIST_ENTRY_COUNT - 1]) {
        const probe = crashProbe(store.version, index);
        expect([store.lookup(probe.listed), store.lookup(probe.unlisted)]).toEqual([expect.any(String), undefined]);
      }
      expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    }
  }, TSX_CHILD_TEST_TIMEOUT_MS);

  it('keeps the old list when killed between fsync and rename, and clears the stray file', async () => {
    const seeded = await DenyListStore.open({ ...TRUSTED, path });
    await seeded.apply(crashFullList(3));
    const writer = startWriter('kill-before-rename');
    expect(await writer.exited).toBe('SIGKILL');
    expect(writer.lines).toEqual(['writing']);
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toHaveLength(1);
    const store = await DenyListStore.open({ ...TRUSTED, path });
    expect([store.loadStatus, store.version, store.lookup(crashProbe(3, 0).listed)]).toEqual(['loaded', 3, expect.any(String)]);
    expect(await readdir(directory)).toEqual(['deny-list.bin']);
  }, TSX_CHILD_TEST_TIMEOUT_MS);
});
