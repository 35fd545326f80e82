import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ed25519KeyPairFromSeed } from '@onecard/keys';
import Database from 'better-sqlite3';
import { JournalError, journalPath, openJournal, type DeviceJournal } from '../src/journal/index.js';
import { FIXTURE_DEVICE_ID, fareEntry, fixtureKeyPair, fixtureSigner, tempDir } from '../src/journal/journal.fixtures.js';
import { createSyncAgent, fetchServerStatus, type SyncAgent, type SyncAgentOptions, type SyncErrorCode } from '../src/sync/index.js';
import { ClearingHouseFixture, FIXTURE_RETRY_AFTER_S, type Fault } from '../src/sync/clearing-house.fixtures.js';
import { VerifyingListSink } from '../src/sync/list-sink.fixtures.js';

/** Generous: the fixture verifies signatures with tweetnacl on a shared, busy machine. */
const REQUEST_TIMEOUT_MS = 5_000;
/** Small batches keep the fsynced appends few. */
const BATCH_EVENT_COUNT = 40;
/** The flaky test waits this out once (the hanging answer). */
const HANG_TIMEOUT_MS = 400;
const ROUND_COUNT_MAX = 30;
const LIST_KEY = ed25519KeyPairFromSeed(new Uint8Array(32).fill(9));
const OTHER_KEY = ed25519KeyPairFromSeed(new Uint8Array(32).fill(10));

/** Every event the journal holds reached the clearing house exactly once, in seq order. */
function expectExactlyOnce(server: ClearingHouseFixture, lastSeq: number): void {
  expect(server.events.map((event) => event.seq)).toEqual(Array.from({ length: lastSeq }, (_, index) => index + 1));
  expect([...server.eventApplyCount.values()].every((count) => count === 1)).toBe(true);
}

/** After the clearing house answered for a batch, the device never sent it again. */
function expectNoResendAfterAnswer(server: ClearingHouseFixture): void {
  const answered = new Set<number>();
  for (const post of server.posts) {
    expect(answered.has(post.batchSeq), `batch ${post.batchSeq} re-sent after its answer`).toBe(false);
    if (post.batchSeq !== 0 && [200, 202, 409].includes(post.status)) answered.add(post.batchSeq);
  }
}

describe('sync agent against a protocol server', () => {
  let folder: ReturnType<typeof tempDir>;
  let journal: DeviceJournal;
  let server: ClearingHouseFixture;
  let tapIndex = 0;
  const tap = (count: number, overrides = {}) => {
    for (let index = 0; index < count; index += 1) journal.append(fareEntry((tapIndex += 1), overrides));
  };
  const agentFor = (options: Partial<SyncAgentOptions> = {}): SyncAgent =>
    createSyncAgent({ journal, deviceId: FIXTURE_DEVICE_ID, baseUrl: server.baseUrl, requestTimeoutMs: REQUEST_TIMEOUT_MS, batchEventCountMax: BATCH_EVENT_COUNT, backoffBaseMs: 10, backoffMsMax: 100, ...options });
  async function syncUntilDrained(agent: SyncAgent): Promise<SyncErrorCode[]> {
    const codes: SyncErrorCode[] = [];
    for (let round = 0; round < ROUND_COUNT_MAX; round += 1) {
      const result = await agent.syncOnce();
      if (result.errorCode !== undefined) codes.push(result.errorCode);
      if (journal.status().pendingBatchCount === 0 && journal.status().uncutEventCount === 0) return codes;
    }
    throw new Error('sync did not drain');
  }

  beforeEach(async () => {
    folder = tempDir('sync-agent');
    journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
    server = await ClearingHouseFixture.start({ deviceId: FIXTURE_DEVICE_ID, publicKey: fixtureKeyPair().publicKey, listSecretKey: LIST_KEY.secretKey });
    tapIndex = 0;
  });
  afterEach(async () => {
    await server.stop();
    journal.close();
    folder.remove();
  });

  it('cuts, uploads and records acceptance; a second round sends nothing', async () => {
    tap(2 * BATCH_EVENT_COUNT + 3);
    const agent = agentFor();
    const round = await agent.syncOnce();
    expect(round).toMatchObject({ ok: true, errorCode: undefined, acknowledgedBatchSeqs: [1, 2, 3] });
    expectExactlyOnce(server, 2 * BATCH_EVENT_COUNT + 3);
    expect(journal.batch(1)?.state).toBe('accepted');
    expect(agent.status()).toMatchObject({ pendingBatchCount: 0, uncutEventCount: 0, consecutiveFailureCount: 0, lastErrorCode: undefined, backoffUntil: undefined, acknowledgedBatchCount: 3 });
    expect(agent.status().lastSuccessAt).toBeDefined();
    const postCount = server.posts.length;
    await agent.syncOnce();
    expect(server.posts.length).toBe(postCount);
  });

  it('rides out 500s, dropped connections, timeouts, lost answers, bad answers and 429, losing and doubling nothing', async () => {
    tap(30);
    const faults: Fault[] = ['http500', 'drop', 'hang', 'apply_then_500', 'garbage_200', 'wrong_seq_200', 'http429'];
    server.faults.push(...faults);
    const agent = agentFor({ requestTimeoutMs: HANG_TIMEOUT_MS });
    const codes: SyncErrorCode[] = [];
    for (let round = 0; round < ROUND_COUNT_MAX && journal.status().pendingBatchCount + journal.status().uncutEventCount > 0; round += 1) {
      const result = await agent.syncOnce();
      if (result.errorCode !== undefined) {
        codes.push(result.errorCode);
        expect(agent.status().backoffUntil).toBeDefined();
      }
      if (round === 3) tap(5);
    }
    expect(codes).toEqual(['server_error', 'network_error', 'timeout', 'server_error', 'protocol_violation', 'protocol_violation', 'rate_limited']);
    expectExactlyOnce(server, 35);
    expectNoResendAfterAnswer(server);
    expect(journal.status().unacknowledgedEventCount).toBe(0);
    expect(agent.status()).toMatchObject({ consecutiveFailureCount: 0, backoffUntil: undefined });
    // The lost answer came back as a duplicate: acknowledged once, not applied twice.
    expect(server.posts.filter((post) => post.batchSeq === 1).map((post) => post.status)).toEqual([500, 200]);
    expect(journal.batch(1)?.state).toBe('duplicate');
  });

  it('counts quarantined batches as done and carries on with later ones', async () => {
    tap(3);
    const agent = agentFor();
    await agent.syncOnce();
    tap(1, { amountVnd: 0 });
    await agent.syncOnce();
    tap(2);
    const round = await agent.syncOnce();
    expect(round.ok).toBe(true);
    expect(journal.batch(2)).toMatchObject({ state: 'quarantined', reason: 'zero_fare' });
    expect(journal.batch(3)?.state).toBe('accepted');
    expect(agent.status()).toMatchObject({ quarantinedBatchCount: 1, pendingBatchCount: 0 });
    expect(server.quarantined.has(2)).toBe(true);
  });

  it('records a 409 conflict as done but flagged, and uploads the rest', async () => {
    server.applied.set(1, 'f'.repeat(64));
    tap(2 * BATCH_EVENT_COUNT);
    const agent = agentFor();
    await syncUntilDrained(agent);
    expect(journal.batch(1)).toMatchObject({ state: 'conflict', reason: 'batch_conflict' });
    expect(journal.batch(2)?.state).toBe('accepted');
    expect(agent.status()).toMatchObject({ conflictBatchCount: 1, lastErrorCode: 'batch_conflict' });
    expectNoResendAfterAnswer(server);
  });

  it('keeps batches pending on a refused connection and a revoked device, with backoff', async () => {
    tap(4);
    const offline = createSyncAgent({ journal, deviceId: FIXTURE_DEVICE_ID, baseUrl: 'http://127.0.0.1:9', requestTimeoutMs: REQUEST_TIMEOUT_MS, random: () => 0.5 });
    const before = Date.now();
    expect(await offline.syncOnce()).toMatchObject({ ok: false, errorCode: 'network_error', acknowledgedBatchSeqs: [] });
    const status = offline.status();
    expect(status).toMatchObject({ consecutiveFailureCount: 1, lastErrorCode: 'network_error', pendingBatchCount: 1 });
    expect(Date.parse(status.backoffUntil ?? '')).toBeGreaterThanOrEqual(before + 1_500);
    await offline.syncOnce();
    expect(offline.status().consecutiveFailureCount).toBe(2);
    server.faults.push('revoked_403');
    const agent = agentFor();
    expect((await agent.syncOnce()).errorCode).toBe('device_revoked');
    expect(journal.status().pendingBatchCount).toBe(1);
    expect((await agent.syncOnce()).ok).toBe(true);
    expectExactlyOnce(server, 4);
  });

  it('downloads deny and action lists and hands the bytes to the sinks with the version they hold', async () => {
    const deny = new VerifyingListSink({ kind: 'deny', publicKey: LIST_KEY.publicKey });
    const actions = new VerifyingListSink({ kind: 'actions', publicKey: LIST_KEY.publicKey });
    server.listVersions.deny = 3;
    server.listVersions.actions = 1;
    const agent = agentFor({ lists: { deny, actions } });
    expect((await agent.syncOnce()).ok).toBe(true);
    expect(deny.installed).toEqual([3]);
    expect(actions.installed).toEqual([1]);
    await agent.syncOnce();
    server.listVersions.deny = 4;
    await agent.syncOnce();
    expect(server.listGets).toEqual(['deny?since=0', 'actions?since=0', 'deny?since=3', 'actions?since=1', 'deny?since=3', 'actions?since=1']);
    expect(deny.installed).toEqual([3, 4]);
    expect(agent.status().lists.deny).toMatchObject({ version: 4, lastErrorCode: undefined });
    server.faults.push('http500');
    expect((await agent.syncOnce()).errorCode).toBe('server_error');
    expect(agent.status().lists.deny?.lastErrorCode).toBe('server_error');
    expect(agent.status().backoffUntil).toBeDefined();
  });

  it('reports a list the sink refuses without backing off uploads', async () => {
    await server.stop();
    server = await ClearingHouseFixture.start({ deviceId: FIXTURE_DEVICE_ID, publicKey: fixtureKeyPair().publicKey, listSecretKey: OTHER_KEY.secretKey });
    server.listVersions.deny = 2;
    const deny = new VerifyingListSink({ kind: 'deny', publicKey: LIST_KEY.publicKey });
    tap(2);
    const agent = agentFor({ lists: { deny } });
    const round = await agent.syncOnce();
    expect(round).toMatchObject({ errorCode: 'list_rejected', acknowledgedBatchSeqs: [1] });
    expect(agent.status()).toMatchObject({ consecutiveFailureCount: 0, backoffUntil: undefined, lists: { deny: { version: 0, lastErrorCode: 'list_rejected' } } });
  });

  it('turns a failing journal into a failed round with backoff, and a throwing sink into a rejected list', async () => {
    tap(2);
    const throwing = { version: () => 0, install: (): never => { throw new Error('sink bug'); } };
    server.listVersions.deny = 1;
    const agent = agentFor({ lists: { deny: throwing } });
    expect(await agent.syncOnce()).toMatchObject({ errorCode: 'list_rejected', acknowledgedBatchSeqs: [1] });
    journal.close();
    expect(await agent.syncOnce()).toMatchObject({ ok: false, errorCode: 'journal_journal_closed' });
    expect(() => agent.status()).toThrow(JournalError);
    journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
  });

  it('still uploads signed batches when the chain is broken, but cuts no new ones', async () => {
    tap(3);
    journal.cutBatches();
    tap(1);
    journal.close();
    const db = new Database(journalPath(folder.dir));
    db.exec("UPDATE events SET body = replace(body, '\"amountVnd\":7000', '\"amountVnd\":6000') WHERE seq = 4");
    db.close();
    journal = openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
    const agent = agentFor();
    expect(await agent.syncOnce()).toMatchObject({ errorCode: 'journal_chain_broken', acknowledgedBatchSeqs: [1] });
    expect(server.events.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(agent.status()).toMatchObject({ uncutEventCount: 1, pendingBatchCount: 0 });
  });

  it('waits at least the Retry-After of a 429, and refuses an oversized answer', async () => {
    tap(2);
    server.faults.push('http429', 'huge_200');
    const agent = agentFor({ backoffMsMax: 60_000 });
    const before = Date.now();
    expect((await agent.syncOnce()).errorCode).toBe('rate_limited');
    expect(Date.parse(agent.status().backoffUntil ?? '')).toBeGreaterThanOrEqual(before + FIXTURE_RETRY_AFTER_S * 1_000);
    expect((await agent.syncOnce()).errorCode).toBe('answer_too_large');
    expect((await agent.syncOnce()).ok).toBe(true);
    expectExactlyOnce(server, 2);
  });

  it('reads where the clearing house is for the device', async () => {
    tap(3);
    server.listVersions.deny = 5;
    await agentFor().syncOnce();
    expect(await fetchServerStatus({ baseUrl: server.baseUrl, deviceId: FIXTURE_DEVICE_ID })).toEqual({ ok: true, status: { lastBatchSeq: 1, lastEventSeq: 3, denyListVersion: 5, actionListVersion: 0 } });
    expect(await fetchServerStatus({ baseUrl: server.baseUrl, deviceId: FIXTURE_DEVICE_ID + 1 })).toEqual({ ok: false, code: 'http_status', httpStatus: 401 });
    expect(await fetchServerStatus({ baseUrl: 'http://127.0.0.1:9', deviceId: FIXTURE_DEVICE_ID })).toEqual({ ok: false, code: 'network_error' });
    const liar = (): Promise<Response> => Promise.resolve(new Response(JSON.stringify({ lastBatchSeq: -1 }), { status: 200 }));
    expect(await fetchServerStatus({ baseUrl: server.baseUrl, deviceId: FIXTURE_DEVICE_ID, fetch: liar })).toEqual({ ok: false, code: 'protocol_violation' });
  });

  it('runs rounds until aborted and shares a round in flight', async () => {
    tap(3);
    const agent = agentFor({ intervalMs: 20 });
    const [first, second] = await Promise.all([agent.syncOnce(), agent.syncOnce()]);
    expect(first).toBe(second);
    const controller = new AbortController();
    const running = agent.run({ signal: controller.signal });
    tap(2);
    for (let waited = 0; journal.status().pendingBatchCount + journal.status().uncutEventCount > 0 && waited < 100; waited += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await running;
    expectExactlyOnce(server, 5);
  });
});
