/**
 * A real process death (SIGKILL) between the temporary file's fsync and the
 * rename: the stored fare feed is the old one, whole, and the stray
 * temporary file is removed when the sink opens again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519KeyPairFromSeed, toHex } from '@onecard/keys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hanoiFiles } from '../fares/test-feeds.fixtures.js';
import { fareFeedEnvelope } from './distribution.fixtures.js';
import { FileFareFeedSink } from './feed-sink.js';

const WRITER = fileURLToPath(new URL('./feed-crash-writer.fixtures.ts', import.meta.url));
const LIST_KEY = ed25519KeyPairFromSeed(new Uint8Array(32).fill(0x74));
const SIGNER = { keyId: 'ch-lists-1', secretKey: LIST_KEY.secretKey };
const TRUSTED = [{ keyId: 'ch-lists-1', publicKey: LIST_KEY.publicKey }];
/** Start-up of a tsx child on the shared 2-core machine. */
const TEST_TIMEOUT_MS = 60_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onecard-feed-crash-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('fare-feed store under kill -9', () => {
  it('keeps the old feed when killed between fsync and rename, and clears the stray file', async () => {
    const path = join(dir, 'fare-feed.envelope');
    const seeded = await FileFareFeedSink.open({ path, trustedKeys: TRUSTED, onInstalled: () => undefined });
    expect(await seeded.sink.install(fareFeedEnvelope({ signer: SIGNER, version: 1, files: hanoiFiles() }))).toEqual({ ok: true, version: 1 });
    const held = readFileSync(path);
    const next = join(dir, 'next.envelope');
    writeFileSync(next, fareFeedEnvelope({ signer: SIGNER, version: 2, files: hanoiFiles() }));

    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, next, toHex(LIST_KEY.publicKey)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, exitSignal) => { resolve(exitSignal); }));
    expect(signal).toBe('SIGKILL');
    expect(output).toBe('writing over 1\n');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toHaveLength(1);

    expect(readFileSync(path)).toEqual(held);
    const reopened = await FileFareFeedSink.open({ path, trustedKeys: TRUSTED, onInstalled: () => undefined });
    expect([reopened.sink.version(), reopened.stored?.version]).toEqual([1, 1]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
