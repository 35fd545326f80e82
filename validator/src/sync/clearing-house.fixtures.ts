/**
 * Test fixture: a small real HTTP server (node:http) answering
 * SYNC-PROTOCOL.md v1 the way the clearing house must — signature and chain
 * checked with decodeBatch, exactly-once per (device, batchSeq), duplicate
 * and 409 by the bytes' SHA-256, quarantine kept whole — plus scripted
 * faults (500s, hangs, dropped connections, answers lost after applying).
 * Not exported from the package.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeBatch, type JournalEvent } from '@onecard/card-os/profile';
import { SIGNING_CONTEXTS, encodeEnvelope, signEnvelope } from '@onecard/keys';

export type Fault = 'none' | 'http500' | 'hang' | 'drop' | 'apply_then_500' | 'garbage_200' | 'wrong_seq_200' | 'revoked_403' | 'http429' | 'huge_200';

export interface FixtureOptions {
  readonly deviceId: number;
  readonly publicKey: Uint8Array;
  readonly batchBytesMax?: number;
  readonly listSecretKey?: Uint8Array;
}

const BATCH_BYTES_MAX_DEFAULT = 1024 * 1024;
/** Retry-After the fixture sends with 429. */
export const FIXTURE_RETRY_AFTER_S = 7;
const HUGE_ANSWER_BYTES = 200 * 1024;
const LIST_KEY_ID = 'ch-lists-1';

export class ClearingHouseFixture {
  readonly faults: Fault[] = [];
  /** Every POST: batchSeq (0 when unreadable) and the answer status. */
  readonly posts: { readonly batchSeq: number; readonly status: number }[] = [];
  readonly applied = new Map<number, string>();
  readonly quarantined = new Map<number, string>();
  /** Each event seq applied, with how many times (must stay 1). */
  readonly eventApplyCount = new Map<number, number>();
  readonly events: JournalEvent[] = [];
  readonly listVersions: Record<'deny' | 'actions', number> = { deny: 0, actions: 0 };
  readonly listGets: string[] = [];
  readonly #options: FixtureOptions;
  readonly #server: Server;
  readonly #hanging: ServerResponse[] = [];

  private constructor(options: FixtureOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
  }

  static async start(options: FixtureOptions, port = 0): Promise<ClearingHouseFixture> {
    const fixture = new ClearingHouseFixture(options);
    await new Promise<void>((resolve, reject) => {
      fixture.#server.once('error', reject);
      fixture.#server.listen(port, '127.0.0.1', resolve);
    });
    return fixture;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  /** Envelope the list endpoint serves for `kind` at its current version. */
  listEnvelope(kind: 'deny' | 'actions'): Uint8Array {
    const secretKey = this.#options.listSecretKey;
    if (secretKey === undefined) throw new Error('fixture has no list key');
    const context = kind === 'deny' ? SIGNING_CONTEXTS.denyList : SIGNING_CONTEXTS.actionList;
    const payload = new TextEncoder().encode(JSON.stringify({ kind, version: this.listVersions[kind] }));
    return encodeEnvelope(signEnvelope({ context, keyId: LIST_KEY_ID, payload, secretKey }));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://fixture');
    const send = (status: number, json?: unknown, bytes?: Uint8Array): void => {
      response.writeHead(status, { 'Content-Type': bytes === undefined ? 'application/json' : 'application/octet-stream', ...(status === 429 ? { 'Retry-After': String(FIXTURE_RETRY_AFTER_S) } : {}) });
      response.end(bytes ?? (json === undefined ? undefined : JSON.stringify(json)));
    };
    if (request.headers['x-onecard-device'] !== String(this.#options.deviceId)) {
      send(401, { error: { code: 'device_unknown', message: 'unknown device' } });
      return;
    }
    const list = /^\/v1\/lists\/(deny|actions)$/.exec(url.pathname);
    if (request.method === 'GET' && list !== null) {
      const kind = list[1] === 'deny' ? 'deny' : 'actions';
      this.listGets.push(`${kind}?since=${url.searchParams.get('since') ?? ''}`);
      const fault = this.faults.shift() ?? 'none';
      if (fault === 'http500') send(500, { error: { code: 'internal', message: 'down' } });
      else if (Number(url.searchParams.get('since')) === this.listVersions[kind]) send(304);
      else send(200, undefined, this.listEnvelope(kind));
      return;
    }
    if (request.method === 'GET' && url.pathname === `/v1/devices/${this.#options.deviceId}/status`) {
      const lastBatchSeq = Math.max(0, ...this.applied.keys(), ...this.quarantined.keys());
      send(200, { lastBatchSeq, lastEventSeq: this.events.at(-1)?.seq ?? 0, denyListVersion: this.listVersions.deny, actionListVersion: this.listVersions.actions });
      return;
    }
    if (request.method === 'POST' && url.pathname === `/v1/devices/${this.#options.deviceId}/batches`) {
      this.#upload(body, send, response);
      return;
    }
    send(404, { error: { code: 'not_found', message: 'no such endpoint' } });
  }

  #upload(body: Buffer, send: (status: number, json?: unknown) => void, response: ServerResponse): void {
    const fault = this.faults.shift() ?? 'none';
    const record = (batchSeq: number, status: number): void => {
      this.posts.push({ batchSeq, status });
    };
    if (fault === 'hang') {
      this.#hanging.push(response);
      record(0, 0);
      return;
    }
    if (fault === 'drop') {
      record(0, 0);
      response.socket?.destroy();
      return;
    }
    if (fault === 'http500' || fault === 'http429' || fault === 'revoked_403') {
      const status = fault === 'http500' ? 500 : fault === 'http429' ? 429 : 403;
      record(0, status);
      send(status, { error: { code: fault === 'revoked_403' ? 'device_revoked' : 'unavailable', message: 'refused' } });
      return;
    }
    if (fault === 'huge_200') {
      record(0, 200);
      send(200, 'x'.repeat(HUGE_ANSWER_BYTES));
      return;
    }
    if (fault === 'garbage_200' || fault === 'wrong_seq_200') {
      record(0, 200);
      send(200, fault === 'garbage_200' ? 'accepted!' : { status: 'accepted', batchSeq: 0, eventCount: 1 });
      return;
    }
    if (body.length > (this.#options.batchBytesMax ?? BATCH_BYTES_MAX_DEFAULT)) {
      record(0, 413);
      send(413, { error: { code: 'batch_too_large', message: 'too large' } });
      return;
    }
    const sha = createHash('sha256').update(body).digest('hex');
    const decoded = decodeBatch(body, { publicKey: this.#options.publicKey });
    if (!decoded.ok) {
      record(0, decoded.code === 'envelope_malformed' ? 400 : 202);
      if (decoded.code === 'envelope_malformed') send(400, { error: { code: 'envelope_malformed', message: 'not an envelope' } });
      else send(202, { status: 'quarantined', batchSeq: 0, reason: decoded.code });
      return;
    }
    const { batch } = decoded;
    const seen = this.applied.get(batch.batchSeq) ?? this.quarantined.get(batch.batchSeq);
    if (seen !== undefined) {
      const status = seen === sha ? 200 : 409;
      record(batch.batchSeq, status);
      send(status, status === 200 ? { status: 'duplicate', batchSeq: batch.batchSeq } : { error: { code: 'batch_conflict', message: 'other bytes' } });
      return;
    }
    if (batch.events.some((event) => event.amountVnd === 0 && event.kind === 'fare')) {
      this.quarantined.set(batch.batchSeq, sha);
      record(batch.batchSeq, 202);
      send(202, { status: 'quarantined', batchSeq: batch.batchSeq, reason: 'zero_fare' });
      return;
    }
    this.applied.set(batch.batchSeq, sha);
    for (const event of batch.events) {
      this.eventApplyCount.set(event.seq, (this.eventApplyCount.get(event.seq) ?? 0) + 1);
      this.events.push(event);
    }
    if (fault === 'apply_then_500') {
      record(batch.batchSeq, 500);
      send(500, { error: { code: 'internal', message: 'lost answer' } });
    } else {
      record(batch.batchSeq, 200);
      send(200, { status: 'accepted', batchSeq: batch.batchSeq, eventCount: batch.events.length });
    }
  }
}
