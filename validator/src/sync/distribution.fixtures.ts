/**
 * Test fixture: a small real HTTP server (node:http) answering the
 * distribution endpoints of SYNC-PROTOCOL.md the way the clearing house does
 * (clearing-house/src/api/routes/distribution.ts): the current envelope,
 * 304 when `since` is current, 404 when nothing is published. Envelopes are
 * built here the way clearing-house/src/distribution/payloads.ts builds
 * them. Not exported from the package.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeEnvelope, signEnvelope } from '@onecard/keys';
import { FARE_FEED_CONTEXT, FARE_FEED_FORMAT } from './feed-sink.js';
import { KEY_BUNDLE_CONTEXT, KEY_BUNDLE_FORMAT } from './bundle-sink.js';

export interface FixtureSigner {
  readonly keyId: string;
  readonly secretKey: Uint8Array;
}

const PUBLISHED_UTC = '2026-12-04T03:00:00.000Z';

export function fareFeedEnvelope(input: { readonly signer: FixtureSigner; readonly version: number; readonly files: ReadonlyMap<string, string>; readonly context?: string }): Uint8Array {
  const files = [...input.files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, text]) => ({ name, text }));
  const payload = new TextEncoder().encode(JSON.stringify({ format: FARE_FEED_FORMAT, version: input.version, publishedUtc: PUBLISHED_UTC, files }));
  return encodeEnvelope(signEnvelope({ context: input.context ?? FARE_FEED_CONTEXT, keyId: input.signer.keyId, payload, secretKey: input.signer.secretKey }));
}

export function keyBundleEnvelope(input: { readonly signer: FixtureSigner; readonly deviceId: number; readonly version: number; readonly sealed: Uint8Array; readonly context?: string }): Uint8Array {
  const payload = new TextEncoder().encode(JSON.stringify({ format: KEY_BUNDLE_FORMAT, deviceId: input.deviceId, version: input.version, publishedUtc: PUBLISHED_UTC, sealedBase64: Buffer.from(input.sealed).toString('base64') }));
  return encodeEnvelope(signEnvelope({ context: input.context ?? KEY_BUNDLE_CONTEXT, keyId: input.signer.keyId, payload, secretKey: input.signer.secretKey }));
}

interface Published {
  readonly version: number;
  readonly envelope: Uint8Array;
}

export class DistributionServer {
  /** What `GET /v1/feeds/fares` serves (undefined: 404). */
  fareFeed: Published | undefined;
  /** What `GET /v1/devices/{id}/key-bundle` serves per device. */
  readonly keyBundles = new Map<number, Published>();
  /** A hostile or broken server: answers its envelope whatever `since` says. */
  answerAlways = false;
  /** Every GET, as `path?since=n`. */
  readonly gets: string[] = [];
  readonly #server: Server;

  private constructor() {
    this.#server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://fixture');
      const since = Number(url.searchParams.get('since'));
      this.gets.push(`${url.pathname}?since=${url.searchParams.get('since') ?? ''}`);
      const bundle = /^\/v1\/devices\/(\d+)\/key-bundle$/.exec(url.pathname);
      let published: Published | undefined;
      if (url.pathname === '/v1/feeds/fares') published = this.fareFeed;
      else if (bundle !== null) {
        if (request.headers['x-onecard-device'] !== bundle[1]) {
          response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'request_invalid', message: 'header' } }));
          return;
        }
        published = this.keyBundles.get(Number(bundle[1]));
      } else {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'no such endpoint' } }));
        return;
      }
      if (published === undefined) response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'none' } }));
      else if (!this.answerAlways && since >= published.version) response.writeHead(304).end();
      else response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(published.envelope));
    });
  }

  static async start(): Promise<DistributionServer> {
    const server = new DistributionServer();
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(0, '127.0.0.1', resolve);
    });
    return server;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => { resolve(); });
    });
  }
}
