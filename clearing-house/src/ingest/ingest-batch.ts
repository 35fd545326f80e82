/**
 * Ingests one uploaded batch (SYNC-PROTOCOL.md). Checks run in this order,
 * the first failure decides: size, envelope, device (registered, not
 * revoked, certificate valid), key id, signature and schema (decodeBatch's
 * verdicts, through the faster decodeBatchFast), device match, content
 * rules — then, in one transaction: the device's ingest lock, claim
 * (device, batchSeq) [duplicate / conflict], references (cards, operators,
 * sites), chain links to stored neighbours, insert new events (deferred on
 * PostgreSQL: COPY), post.
 * A quarantined batch is kept whole and blocks nothing after it.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { GENESIS_HASH_HEX, openBatchEnvelope, type JournalBatch, type JournalEvent } from '@onecard/card-os/profile';
import type { Ed25519BulkVerifier } from '@onecard/keys';
import type { Database, Executor } from '../db/open.js';
import { ConcurrentWriteError, withTransactionRetry } from '../db/retry.js';
import { batches, quarantine } from '../db/schema/batches.js';
import { devices } from '../db/schema/devices.js';
import { authenticateDevice } from '../devices/registry.js';
import { postHeldEvents } from '../ledger/posting/apply.js';
import type { HeldEvent } from '../ledger/posting/types.js';
import { raiseExceptions } from '../reconcile/exceptions.js';
import { checkBatchContent, type BatchCheck } from './checks.js';
import { decodeBatchFast } from './fast-decode.js';
import type { IngestOutcome, QuarantineReason } from './outcome.js';
import type { KnownCards } from './known-cards.js';
import { checkReferences } from './references.js';
import { insertNewEvents, readNeighbourHashes, storeFreshEvents } from './store-events.js';

/** Upper bound of one upload (a batch holds at most BATCH_EVENT_COUNT_MAX = 10,000 events of well under 1 KiB). */
export const BATCH_BYTES_MAX = 16 * 1024 * 1024;

/**
 * `inline` (default): a batch's events are posted in its own transaction.
 * `deferred`: the batch only stores its events (held); postPendingEvents
 * (src/ledger/posting/job.ts) posts many batches' events per transaction —
 * faster ingest for bulk uploads, the ledger a job run behind.
 */
export type PostingMode = 'inline' | 'deferred';

/** High half of the transaction advisory lock taken per device (`pg_advisory_xact_lock(namespace << 32 | deviceId)`). */
export const DEVICE_INGEST_LOCK_NAMESPACE = 0x4f43;
const LOCK_KEY_HIGH_FACTOR = 2 ** 32;

export interface IngestContext {
  readonly database: Database;
  readonly verifier: Ed25519BulkVerifier;
  readonly nowMs: () => number;
  readonly posting?: PostingMode;
  /** Cards met before, spared a lookup per batch (one per process; see known-cards.ts). */
  readonly knownCards?: KnownCards;
}

interface Upload {
  readonly deviceId: number;
  readonly bytes: Uint8Array;
  readonly bytesSha256: string;
}

async function quarantineUpload(db: Executor, upload: Upload, input: { readonly batchSeq: number | null; readonly reason: QuarantineReason; readonly detail: string }): Promise<void> {
  await db
    .insert(quarantine)
    .values({ deviceId: upload.deviceId, batchSeq: input.batchSeq, bytesSha256: upload.bytesSha256, bytesBase64: Buffer.from(upload.bytes).toString('base64'), reason: input.reason, detail: input.detail })
    .onConflictDoNothing();
}

function checkLinks(batch: JournalBatch, neighbours: Awaited<ReturnType<typeof readNeighbourHashes>>): BatchCheck {
  const first = batch.events[0];
  const last = batch.events[batch.events.length - 1];
  if (first === undefined || last === undefined) return { ok: false, reason: 'record_malformed', detail: 'empty batch' };
  if (first.seq === 1 && first.prevHash !== GENESIS_HASH_HEX) return { ok: false, reason: 'chain_link_broken', detail: 'the first event of the device does not start the chain' };
  if (neighbours.predecessorHash !== null && neighbours.predecessorHash !== first.prevHash) return { ok: false, reason: 'chain_link_broken', detail: 'does not link to the stored previous event' };
  if (neighbours.successorPrevHash !== null && neighbours.successorPrevHash !== last.hash) return { ok: false, reason: 'chain_link_broken', detail: 'the stored next event does not link to this batch' };
  for (const event of batch.events) {
    const stored = neighbours.storedHashBySeq.get(event.seq);
    if (stored !== undefined && stored !== event.hash) return { ok: false, reason: 'event_conflict', detail: `event seq ${event.seq} differs from the stored one` };
  }
  return { ok: true };
}

function heldEventOf(event: JournalEvent, receivedAt: string): HeldEvent {
  return {
    deviceId: event.deviceId,
    seq: event.seq,
    at: event.at,
    receivedAt,
    kind: event.kind,
    application: event.application,
    cardNumber: event.cardNumber,
    tmc: event.tmc ?? 0,
    amountVnd: event.amountVnd,
    balanceBeforeVnd: event.balanceBeforeVnd ?? null,
    balanceAfterVnd: event.balanceAfterVnd ?? null,
    operatorId: event.operatorId ?? null,
    actionId: event.actionId ?? null,
    siteCode: event.siteCode ?? null,
  };
}

async function refuseInTransaction(tx: Executor, upload: Upload, batch: JournalBatch, failure: { readonly reason: QuarantineReason; readonly detail: string }): Promise<IngestOutcome> {
  await tx
    .update(batches)
    .set({ status: 'quarantined', reason: failure.reason })
    .where(and(eq(batches.deviceId, upload.deviceId), eq(batches.batchSeq, batch.batchSeq)));
  await quarantineUpload(tx, upload, { batchSeq: batch.batchSeq, reason: failure.reason, detail: failure.detail });
  if (failure.reason === 'chain_link_broken') {
    const first = batch.events[0];
    await raiseExceptions(tx, [
      { kind: 'chain_link_broken', dedupeKey: `chain_link_broken:${upload.deviceId}:${batch.batchSeq}`, cardNumber: null, application: null, deviceId: upload.deviceId, seq: first?.seq ?? null, operatorId: null, amountVnd: null, detail: { batchSeq: batch.batchSeq }, at: first?.at ?? batch.createdAt },
    ]);
  }
  return { kind: 'quarantined', batchSeq: batch.batchSeq, reason: failure.reason };
}

async function applyInTransaction(tx: Executor, upload: Upload, batch: JournalBatch, input: { readonly content: BatchCheck; readonly posting: PostingMode; readonly knownCards: KnownCards | undefined }): Promise<IngestOutcome> {
  const { content } = input;
  const first = batch.events[0];
  const last = batch.events[batch.events.length - 1];
  if (first === undefined || last === undefined) throw new Error('assertion failed: decodeBatch admits no empty batch');
  // One ingest transaction per device at a time (taken first, so it orders no other lock): the neighbour read
  // below then sees every stored event of the device, so what it finds new is new — deferred ingest COPYs
  // those rows, and COPY has no ON CONFLICT. Uploads of one device arrive one after another anyway.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${DEVICE_INGEST_LOCK_NAMESPACE * LOCK_KEY_HIGH_FACTOR + upload.deviceId}::bigint)`);
  const claimed = await tx
    .insert(batches)
    .values({ deviceId: upload.deviceId, batchSeq: batch.batchSeq, bytesSha256: upload.bytesSha256, status: 'accepted', reason: null, eventCount: batch.events.length, firstSeq: first.seq, lastSeq: last.seq })
    .onConflictDoNothing()
    .returning({ batchSeq: batches.batchSeq });
  if (claimed.length === 0) {
    const [existing] = await tx.select().from(batches).where(and(eq(batches.deviceId, upload.deviceId), eq(batches.batchSeq, batch.batchSeq)));
    if (existing === undefined) throw new Error('assertion failed: a conflicting batch row vanished');
    if (existing.bytesSha256 === upload.bytesSha256) {
      return existing.status === 'accepted' ? { kind: 'duplicate', batchSeq: batch.batchSeq } : { kind: 'quarantined', batchSeq: batch.batchSeq, reason: (existing.reason ?? 'record_malformed') as QuarantineReason };
    }
    await quarantineUpload(tx, upload, { batchSeq: batch.batchSeq, reason: 'batch_conflict', detail: 'same batchSeq, different bytes' });
    await tx.update(devices).set({ flaggedAt: sql`now()` }).where(eq(devices.deviceId, upload.deviceId));
    await raiseExceptions(tx, [
      { kind: 'batch_conflict', dedupeKey: `batch_conflict:${upload.deviceId}:${batch.batchSeq}:${upload.bytesSha256}`, cardNumber: null, application: null, deviceId: upload.deviceId, seq: first.seq, operatorId: null, amountVnd: null, detail: { batchSeq: batch.batchSeq }, at: first.at },
    ]);
    return { kind: 'conflict', batchSeq: batch.batchSeq };
  }
  if (!content.ok) return refuseInTransaction(tx, upload, batch, content);
  // Independent reads, pipelined on the transaction's connection.
  const [references, neighbours] = await Promise.all([checkReferences(tx, batch, input.knownCards), readNeighbourHashes(tx, { deviceId: upload.deviceId, firstSeq: first.seq, lastSeq: last.seq })]);
  if (!references.ok) return refuseInTransaction(tx, upload, batch, references);
  const links = checkLinks(batch, neighbours);
  if (!links.ok) return refuseInTransaction(tx, upload, batch, links);
  const fresh = batch.events.filter((e) => !neighbours.storedHashBySeq.has(e.seq));
  const receivedAt = new Date().toISOString();
  const incoming = fresh.flatMap((e) => (e.tmc === undefined ? [] : [heldEventOf(e, receivedAt)]));
  if (input.posting === 'deferred') {
    await storeFreshEvents(tx, { batchSeq: batch.batchSeq, events: fresh });
    return { kind: 'accepted', batchSeq: batch.batchSeq, eventCount: batch.events.length, newEventCount: fresh.length };
  }
  await postHeldEvents(tx, {
    incoming,
    gapCutoffIso: null,
    beforeLedger: async (incomingStatus) => {
      const inserted = await insertNewEvents(tx, { batchSeq: batch.batchSeq, events: fresh, statusOf: (e) => incomingStatus.get(`${e.deviceId}:${e.seq}`) });
      // Another upload stored some of these events (same seqs under another batchSeq) since we read: start over.
      if (inserted.size !== fresh.length) throw new ConcurrentWriteError('events were stored concurrently');
    },
  });
  return { kind: 'accepted', batchSeq: batch.batchSeq, eventCount: batch.events.length, newEventCount: fresh.length };
}

export async function ingestBatch(context: IngestContext, input: { readonly deviceId: number; readonly bytes: Uint8Array }): Promise<IngestOutcome> {
  if (input.bytes.length > BATCH_BYTES_MAX) return { kind: 'refused', code: 'batch_too_large' };
  const opened = openBatchEnvelope(input.bytes);
  if (!opened.ok) return { kind: 'refused', code: 'envelope_malformed' };
  const { db } = context.database;
  const authentication = await authenticateDevice(db, input.deviceId, context.nowMs());
  if (!authentication.ok) return { kind: 'refused', code: authentication.code };
  const { device } = authentication;
  const upload: Upload = { deviceId: input.deviceId, bytes: input.bytes, bytesSha256: createHash('sha256').update(input.bytes).digest('hex') };
  if (opened.envelope.keyId !== device.journalKeyId) {
    await quarantineUpload(db, upload, { batchSeq: null, reason: 'key_id_unknown', detail: 'envelope key id is not the device journal key' });
    return { kind: 'quarantined', batchSeq: null, reason: 'key_id_unknown' };
  }
  const decoded = decodeBatchFast(input.bytes, { publicKey: device.journalPublicKey, verifier: context.verifier });
  if (!decoded.ok) {
    const reason: QuarantineReason = decoded.code === 'envelope_malformed' ? 'payload_schema' : decoded.code;
    await quarantineUpload(db, upload, { batchSeq: null, reason, detail: decoded.detail });
    return { kind: 'quarantined', batchSeq: null, reason };
  }
  const { batch } = decoded;
  if (batch.deviceId !== input.deviceId) {
    await quarantineUpload(db, upload, { batchSeq: batch.batchSeq, reason: 'device_mismatch', detail: 'the batch names another device' });
    return { kind: 'quarantined', batchSeq: batch.batchSeq, reason: 'device_mismatch' };
  }
  const content = checkBatchContent(batch);
  const posting = context.posting ?? 'inline';
  return withTransactionRetry(() => db.transaction((tx) => applyInTransaction(tx as unknown as Executor, upload, batch, { content, posting, knownCards: context.knownCards })));
}
