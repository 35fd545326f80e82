/**
 * Fare-feed downloads end to end against a real HTTP server: the sync agent
 * fetches `?since=`, the sink verifies, loads, stores atomically and stages
 * the engine; every hostile answer is refused and the feed held stays, on
 * disk and in force.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519KeyPairFromSeed } from '@onecard/keys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hanoiFiles } from '../fares/test-feeds.fixtures.js';
import { openJournal, type DeviceJournal } from '../journal/index.js';
import { FIXTURE_DEVICE_ID, fixtureSigner } from '../journal/journal.fixtures.js';
import { DistributionServer, fareFeedEnvelope } from './distribution.fixtures.js';
import { FileFareFeedSink, type InstalledFeed } from './feed-sink.js';
import { createSyncAgent, type SyncAgent } from './sync-agent.js';

const LIST_KEY = ed25519KeyPairFromSeed(new Uint8Array(32).fill(0x44));
const OTHER_KEY = ed25519KeyPairFromSeed(new Uint8Array(32).fill(0x45));
const SIGNER = { keyId: 'ch-lists-1', secretKey: LIST_KEY.secretKey };
const TRUSTED = [{ keyId: 'ch-lists-1', publicKey: LIST_KEY.publicKey }];
const REQUEST_TIMEOUT_MS = 5_000;

/** The Hanoi sample feed (validator/feeds/hanoi), with files replaced or removed. */
function feedFiles(overlay: Readonly<Record<string, string | undefined>> = {}): Map<string, string> {
  const files = hanoiFiles();
  for (const [name, text] of Object.entries(overlay)) {
    if (text === undefined) files.delete(name);
    else files.set(name, text);
  }
  return files;
}

let dir: string;
let path: string;
let server: DistributionServer;
let journal: DeviceJournal;
let installed: InstalledFeed[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onecard-feed-sink-'));
  path = join(dir, 'fare-feed.envelope');
  server = await DistributionServer.start();
  journal = openJournal({ dir: join(dir, 'journal'), deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
  installed = [];
});
afterEach(async () => {
  journal.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function openSink(hooks?: { beforeRename: () => void }): Promise<FileFareFeedSink> {
  const { sink } = await FileFareFeedSink.open({ path, trustedKeys: TRUSTED, onInstalled: (feed) => installed.push(feed), ...(hooks === undefined ? {} : { hooks }) });
  return sink;
}

function agentWith(sink: FileFareFeedSink): SyncAgent {
  return createSyncAgent({ journal, deviceId: FIXTURE_DEVICE_ID, baseUrl: server.baseUrl, fareFeed: sink, requestTimeoutMs: REQUEST_TIMEOUT_MS, backoffBaseMs: 10, backoffMsMax: 100 });
}

const publish = (version: number, files = feedFiles()): void => {
  server.fareFeed = { version, envelope: fareFeedEnvelope({ signer: SIGNER, version, files }) };
};

describe('fare-feed download (sync agent + FileFareFeedSink)', () => {
  it('downloads, stores and stages a new version; 304 afterwards; a restart reopens it', async () => {
    const sink = await openSink();
    const agent = agentWith(sink);
    let round = await agent.syncOnce();
    expect(round.ok).toBe(true); // nothing published yet (404) is not a failure
    publish(1);
    round = await agent.syncOnce();
    expect(round).toMatchObject({ ok: true, errorCode: undefined });
    expect(installed.map((feed) => feed.version)).toEqual([1]);
    expect(sink.version()).toBe(1);
    expect(readFileSync(path)).toEqual(Buffer.from(server.fareFeed?.envelope ?? []));
    await agent.syncOnce();
    expect(installed).toHaveLength(1);
    expect(server.gets).toEqual(['/v1/feeds/fares?since=0', '/v1/feeds/fares?since=0', '/v1/feeds/fares?since=1']);
    expect(agent.status().fareFeed).toMatchObject({ version: 1, lastErrorCode: undefined });
    const reopened = await FileFareFeedSink.open({ path, trustedKeys: TRUSTED, onInstalled: () => undefined });
    expect([reopened.sink.version(), reopened.stored?.version]).toEqual([1, 1]);
  });

  it('refuses a tampered signature, another context, a truncated envelope, an unknown key, an invalid feed and an older version, keeping the held feed', async () => {
    const sink = await openSink();
    const agent = agentWith(sink);
    publish(2);
    await agent.syncOnce();
    const held = readFileSync(path);
    const good = fareFeedEnvelope({ signer: SIGNER, version: 3, files: feedFiles() });
    const tampered = good.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
    const payloadFlip = good.slice();
    payloadFlip[40] = (payloadFlip[40] ?? 0) ^ 0x20;
    const cases: [string, Uint8Array, string][] = [
      ['tampered signature', tampered, 'signature_invalid'],
      ['tampered payload', payloadFlip, 'signature_invalid'],
      ['deny-list context', fareFeedEnvelope({ signer: SIGNER, version: 3, files: feedFiles(), context: 'onecard/deny-list/v1' }), 'signature_invalid'],
      ['key-bundle context', fareFeedEnvelope({ signer: SIGNER, version: 3, files: feedFiles(), context: 'onecard/key-bundle/v1' }), 'signature_invalid'],
      ['truncated', good.subarray(0, good.length - 10), 'envelope_malformed'],
      ['empty', new Uint8Array(0), 'envelope_malformed'],
      ['untrusted key', fareFeedEnvelope({ signer: { keyId: 'ch-lists-1', secretKey: OTHER_KEY.secretKey }, version: 3, files: feedFiles() }), 'signature_invalid'],
      ['unknown key id', fareFeedEnvelope({ signer: { keyId: 'rogue', secretKey: OTHER_KEY.secretKey }, version: 3, files: feedFiles() }), 'key_unknown'],
      ['invalid feed', fareFeedEnvelope({ signer: SIGNER, version: 3, files: feedFiles({ 'fare_products.txt': 'fare_product_id,amount,currency\nsingle,-5,VND\n' }) }), 'feed_invalid'],
      ['feed missing a required file', fareFeedEnvelope({ signer: SIGNER, version: 3, files: feedFiles({ 'fare_products.txt': undefined }) }), 'feed_invalid'],
      ['older version', fareFeedEnvelope({ signer: SIGNER, version: 1, files: feedFiles() }), 'version_not_newer'],
      ['same version replayed', fareFeedEnvelope({ signer: SIGNER, version: 2, files: feedFiles() }), 'version_not_newer'],
    ];
    server.answerAlways = true;
    for (const [what, envelope, code] of cases) {
      expect(await sink.install(envelope), what).toEqual({ ok: false, code });
      server.fareFeed = { version: 3, envelope };
      const round = await agent.syncOnce();
      expect(round.errorCode, what).toBe('feed_rejected');
      expect(sink.version(), what).toBe(2);
      expect(readFileSync(path), what).toEqual(held);
    }
    expect(installed.map((feed) => feed.version)).toEqual([2]);
    // A feed-rejected round is not a transport failure: no backoff.
    expect(agent.status().consecutiveFailureCount).toBe(0);
    expect(agent.status().fareFeed?.lastErrorCode).toBe('feed_rejected');
  });

  it('a crash between write and rename keeps the old file, and a later install succeeds', async () => {
    let crash = false;
    const sink = await openSink({ beforeRename: () => { if (crash) throw new Error('power cut'); } });
    expect(await sink.install(fareFeedEnvelope({ signer: SIGNER, version: 1, files: feedFiles() }))).toEqual({ ok: true, version: 1 });
    const held = readFileSync(path);
    crash = true;
    expect(await sink.install(fareFeedEnvelope({ signer: SIGNER, version: 2, files: feedFiles() }))).toEqual({ ok: false, code: 'store_io' });
    expect(readFileSync(path)).toEqual(held);
    expect(sink.version()).toBe(1);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    crash = false;
    expect(await sink.install(fareFeedEnvelope({ signer: SIGNER, version: 2, files: feedFiles() }))).toEqual({ ok: true, version: 2 });
    expect(installed.map((feed) => feed.version)).toEqual([1, 2]);
  });

  it('a stored file that no longer verifies is ignored at start (the configured feed stays), and a crash leftover is removed', async () => {
    writeFileSync(path, fareFeedEnvelope({ signer: { keyId: 'ch-lists-1', secretKey: OTHER_KEY.secretKey }, version: 9, files: feedFiles() }));
    writeFileSync(join(dir, '.fare-feed.envelope.abcdef.tmp'), 'half a feed');
    const opened = await FileFareFeedSink.open({ path, trustedKeys: TRUSTED, onInstalled: () => undefined });
    expect([opened.sink.version(), opened.stored]).toEqual([0, undefined]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
