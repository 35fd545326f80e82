/**
 * Test fixtures: the files a device configuration names (plain bundle
 * exported from a test key store, journal seed, config JSON), and a small
 * clearing house that speaks SYNC-PROTOCOL.md: batches go to the sync
 * module's ClearingHouseFixture (exactly-once, duplicates, faults), lists are
 * real signed deny/action lists (card-os profile wire format) served by
 * version, full or as a delta. Never imported by production code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { profileApplicationAids } from '@onecard/card-os/profile';
import { ed25519KeyPairFromSeed, exportDeviceBundle, toHex, type KeyBundleRole, type KeyStore } from '@onecard/keys';
import { ClearingHouseFixture } from '../../sync/clearing-house.fixtures.js';
import { packCardKeys, packDenyEntries, signActionList, signDenyList, type ActionListEntry, type DenyEntry, type ListSigner } from '../../lists/wire.js';

export const TEST_JOURNAL_SEED = new Uint8Array(32).fill(7);
export const TEST_LIST_KEY_ID = 'ch-lists-runtime';
const TEST_LIST_SEED = new Uint8Array(32).fill(0x33);
const listKey = ed25519KeyPairFromSeed(TEST_LIST_SEED);
export const TEST_LIST_SIGNER: ListSigner = { keyId: TEST_LIST_KEY_ID, secretKey: listKey.secretKey };
export const TEST_LIST_PUBLIC_KEY_HEX = toHex(listKey.publicKey);
const ISSUED_AT = new Date('2025-09-01T00:00:00Z');

export async function writeBundleFile(input: { readonly store: KeyStore; readonly role: KeyBundleRole; readonly path: string }): Promise<void> {
  const exported = await exportDeviceBundle({ store: input.store, role: input.role, deviceId: `test-${input.role}`, applicationAids: profileApplicationAids(), principal: 'validator-tests', seal: (plaintext) => plaintext.slice() });
  writeFileSync(input.path, exported.sealed, { mode: 0o600 });
}

/** Writes bundle, seed and `device.json` into `dir`; answers the config path. `overrides` replace top-level fields. */
export async function writeDeviceFiles(input: { readonly dir: string; readonly store: KeyStore; readonly role: KeyBundleRole; readonly mode: Record<string, unknown>; readonly deviceId: number; readonly overrides?: Record<string, unknown> }): Promise<string> {
  mkdirSync(join(input.dir, 'keys'), { recursive: true });
  await writeBundleFile({ store: input.store, role: input.role, path: join(input.dir, 'keys', 'device.bundle') });
  writeFileSync(join(input.dir, 'keys', 'journal.seed'), `${toHex(TEST_JOURNAL_SEED)}\n`, { mode: 0o600 });
  const config = {
    deviceId: input.deviceId,
    operator: 'hanoi-bus',
    language: 'en',
    dataDir: 'data',
    mode: input.mode,
    keys: { bundle: { kind: 'plain-test', file: 'keys/device.bundle' }, journalSeedFile: 'keys/journal.seed', journalKeyId: `dev-${input.deviceId}` },
    lists: { trustedKeys: [{ keyId: TEST_LIST_KEY_ID, publicKeyHex: TEST_LIST_PUBLIC_KEY_HEX }] },
    reader: { kind: 'none' },
    ...input.overrides,
  };
  const path = join(input.dir, 'device.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** Each version of each list as a document; the server answers `since` as SYNC-PROTOCOL.md says. */
export class TestClearingHouse {
  readonly batches: ClearingHouseFixture;
  readonly denyVersions: (readonly DenyEntry[])[] = [];
  readonly actionVersions: (readonly ActionListEntry[])[] = [];
  readonly listRequests: string[] = [];
  readonly #server: Server;

  private constructor(batches: ClearingHouseFixture) {
    this.batches = batches;
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
  }

  static async start(input: { readonly deviceId: number }): Promise<TestClearingHouse> {
    const batches = await ClearingHouseFixture.start({ deviceId: input.deviceId, publicKey: ed25519KeyPairFromSeed(TEST_JOURNAL_SEED).publicKey });
    const house = new TestClearingHouse(batches);
    await new Promise<void>((resolve) => { house.#server.listen(0, '127.0.0.1', resolve); });
    return house;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => { this.#server.close(() => { resolve(); }); });
    await this.batches.stop();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://test');
    const list = /^\/v1\/lists\/(deny|actions)$/.exec(url.pathname);
    if (request.method === 'GET' && list !== null) {
      const since = Number(url.searchParams.get('since'));
      this.listRequests.push(`${list[1] ?? ''}?since=${since}`);
      const envelope = list[1] === 'deny' ? this.#deny(since) : this.#actions(since);
      if (envelope === undefined) response.writeHead(304).end();
      else response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(envelope);
      return;
    }
    // Batches and status: the sync module's fixture, as it is.
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
    const answer = await fetch(`${this.batches.baseUrl}${url.pathname}${url.search}`, { method: request.method ?? 'GET', headers, ...(chunks.length === 0 ? {} : { body: Buffer.concat(chunks) }) }).catch(() => undefined);
    if (answer === undefined) {
      response.socket?.destroy();
      return;
    }
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
  }

  #deny(since: number): Uint8Array | undefined {
    const version = this.denyVersions.length;
    if (version === 0 || since === version) return undefined;
    const entries = this.denyVersions[version - 1] ?? [];
    const base = since > 0 && since < version ? this.denyVersions[since - 1] : undefined;
    if (base === undefined) return signDenyList({ kind: 'full', version, baseVersion: 0, issuedAt: ISSUED_AT, entries: packDenyEntries(entries) }, TEST_LIST_SIGNER);
    const adds = entries.filter((e) => !base.some((b) => b.cardNumber === e.cardNumber && b.reason === e.reason));
    const removes = base.filter((b) => !entries.some((e) => e.cardNumber === b.cardNumber)).map((b) => b.cardNumber);
    return signDenyList({ kind: 'delta', version, baseVersion: since, issuedAt: ISSUED_AT, adds: packDenyEntries(adds), removes: packCardKeys(removes) }, TEST_LIST_SIGNER);
  }

  #actions(since: number): Uint8Array | undefined {
    const version = this.actionVersions.length;
    if (version === 0 || since === version) return undefined;
    return signActionList({ kind: 'full', version, baseVersion: 0, issuedAt: ISSUED_AT, entries: this.actionVersions[version - 1] ?? [] }, TEST_LIST_SIGNER);
  }
}
