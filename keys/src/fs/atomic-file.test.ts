import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTsxChild, TSX_CHILD_TEST_TIMEOUT_MS, TSX_CHILD_TIMEOUT_MS, waitUntil } from '../testing/tsx-child.js';
import { CRASH_PAYLOAD_BYTES, crashPayload, crashPayloadVersion } from './atomic-file-crash-payload.fixtures.js';
import { isErrnoException, removeStaleTemporaries, writeFileAtomic, type AtomicWriteOptions } from './atomic-file.js';

const WRITER = fileURLToPath(new URL('./atomic-file-crash-writer.fixtures.ts', import.meta.url));
const REPLACE: AtomicWriteOptions = { fileMode: 0o600, ifExists: 'replace' };
const FAIL: AtomicWriteOptions = { fileMode: 0o644, ifExists: 'fail' };
const KILL_ROUNDS = 3;
const KILL_DELAY_MS_MAX = 120;

let directory: string;
let path: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'onecard-atomic-file-'));
  path = join(directory, 'list.bin');
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const powerCut = (): never => {
  throw new Error('power cut');
};
const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('writeFileAtomic', () => {
  it('writes a new file with the mode asked for and leaves no temporary', async () => {
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]), REPLACE);
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    expect(await modeOf(path)).toBe(0o600);
    const text = join(directory, 'index.json');
    await writeFileAtomic(text, '{"a":1}\n', FAIL);
    expect(await readFile(text, 'utf8')).toBe('{"a":1}\n');
    expect(await modeOf(text)).toBe(0o644);
    expect((await readdir(directory)).sort()).toEqual(['index.json', 'list.bin']);
  });

  it("'replace' replaces an existing file; 'fail' refuses with EEXIST and keeps it", async () => {
    await writeFile(path, 'old');
    await writeFileAtomic(path, 'new', REPLACE);
    expect(await readFile(path, 'utf8')).toBe('new');
    const refused = await writeFileAtomic(path, 'newer', FAIL).catch((error: unknown) => error);
    expect(isErrnoException(refused, 'EEXIST')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(directory)).toEqual(['list.bin']);
  });

  it('calls beforeRename once the data is synced; a failure there keeps the old file and removes the temporary', async () => {
    await writeFile(path, 'old');
    const seen: string[][] = [];
    const look = (): void => {
      const strays = readdirSync(directory).filter((name) => name.startsWith('.list.bin.') && name.endsWith('.tmp'));
      seen.push([readFileSync(path, 'utf8'), ...strays.map((name) => readFileSync(join(directory, name), 'utf8'))]);
    };
    await writeFileAtomic(path, 'new', { ...REPLACE, beforeRename: look });
    expect(seen).toEqual([['old', 'new']]);
    expect(await readFile(path, 'utf8')).toBe('new');
    await expect(writeFileAtomic(path, 'lost', { ...REPLACE, beforeRename: powerCut })).rejects.toThrow('power cut');
    expect(await readFile(path, 'utf8')).toBe('new');
    const fresh = join(directory, 'fresh.pem');
    await expect(writeFileAtomic(fresh, 'lost', { ...FAIL, beforeRename: powerCut })).rejects.toThrow('power cut');
    expect(await readdir(directory)).toEqual(['list.bin']);
  });

  it('rejects with ENOENT into a missing directory and creates nothing', async () => {
    const refused = await writeFileAtomic(join(directory, 'missing', 'list.bin'), 'x', REPLACE).catch((error: unknown) => error);
    expect(isErrnoException(refused, 'ENOENT')).toBe(true);
    expect(await readdir(directory)).toEqual([]);
  });
});

describe('removeStaleTemporaries', () => {
  it("deletes only this file's temporaries and answers how many", async () => {
    await writeFile(path, 'kept');
    const names = ['.list.bin.0a1b2c3d4e5f.tmp', '.list.bin.ffffffffffff.tmp', '.other.bin.0a1b2c3d4e5f.tmp', '.list.bin.notes', 'list.bin.tmp'];
    await Promise.all(names.map((name) => writeFile(join(directory, name), 'stray')));
    expect(await removeStaleTemporaries(path)).toBe(2);
    expect((await readdir(directory)).sort()).toEqual(['.list.bin.notes', '.other.bin.0a1b2c3d4e5f.tmp', 'list.bin', 'list.bin.tmp']);
    expect(await removeStaleTemporaries(path)).toBe(0);
    expect(await readFile(path, 'utf8')).toBe('kept');
  });

  it('rejects with ENOENT when the directory is missing', async () => {
    const refused = await removeStaleTemporaries(join(directory, 'missing', 'list.bin')).catch((error: unknown) => error);
    expect(isErrnoException(refused, 'ENOENT')).toBe(true);
  });
});

const startWriter = (mode: 'loop' | 'kill-before-rename') => startTsxChild(WRITER, [path, mode]);
const lastWritten = (lines: readonly string[]): number => Math.max(0, ...lines.filter((l) => l.startsWith('wrote ')).map((l) => Number(l.slice('wrote '.length))));

describe('writeFileAtomic under kill -9 (a real process death)', () => {
  it(`holds a complete version after ${KILL_ROUNDS} kills at random moments of a write loop`, async () => {
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const writer = startWriter('loop');
      await waitUntil(() => lastWritten(writer.lines) > 0, { what: 'a first write', timeoutMs: TSX_CHILD_TIMEOUT_MS });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * KILL_DELAY_MS_MAX)));
      writer.child.kill('SIGKILL');
      expect(await writer.exited).toBe('SIGKILL');
      const acknowledged = lastWritten(writer.lines);
      const file = new Uint8Array(await readFile(path));
      const version = crashPayloadVersion(file);
      expect(version === acknowledged || version === acknowledged + 1).toBe(true);
      expect(file.length).toBe(CRASH_PAYLOAD_BYTES);
      expect(Buffer.from(file).equals(crashPayload(version))).toBe(true);
      await removeStaleTemporaries(path);
      expect(await readdir(directory)).toEqual(['list.bin']);
    }
  }, TSX_CHILD_TEST_TIMEOUT_MS);

  it('keeps the old file when killed between fsync and rename; the stray temporary holds the new data and is cleared', async () => {
    await writeFileAtomic(path, crashPayload(1), REPLACE);
    const writer = startWriter('kill-before-rename');
    expect(await writer.exited).toBe('SIGKILL');
    expect(writer.lines).toEqual(['writing']);
    const strays = (await readdir(directory)).filter((name) => name.endsWith('.tmp'));
    expect(strays).toHaveLength(1);
    expect(Buffer.from(await readFile(join(directory, strays[0] ?? ''))).equals(crashPayload(2))).toBe(true);
    expect(Buffer.from(await readFile(path)).equals(crashPayload(1))).toBe(true);
    expect(await removeStaleTemporaries(path)).toBe(1);
    expect(await readdir(directory)).toEqual(['list.bin']);
  }, TSX_CHILD_TEST_TIMEOUT_MS);
});
