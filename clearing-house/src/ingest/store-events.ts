/**
 * Writing a batch's events: one INSERT … SELECT FROM jsonb_to_recordset with
 * ON CONFLICT (device_id, seq) DO NOTHING, answering the rows that were new —
 * the per-event half of exactly-once.
 */
import { sql } from 'drizzle-orm';
import type { JournalEvent } from '@onecard/card-os/profile';
import { canCopy, copyRows, type CopyValue } from '../db/copy.js';
import type { Executor } from '../db/open.js';
import { ConcurrentWriteError } from '../db/retry.js';
import type { PostingStatus } from '../db/schema/batches.js';
import { jsonRecordset, queryRows, toNumber } from '../db/rows.js';

const EVENT_COLUMNS =
  'device_id bigint, seq bigint, at timestamptz, kind text, application text, card_number text, tmc bigint, tmv_hex text, amount_vnd bigint, balance_before_vnd bigint, balance_after_vnd bigint, operator_id text, route_id text, stop_id text, fare_product_id text, rider_category text, contract_slot integer, action_id text, site_code bigint, gate_no integer, reason text, detail jsonb, prev_hash text, hash text, posting_status text';

function eventRow(event: JournalEvent, postingStatus: PostingStatus): Record<string, unknown> {
  return {
    device_id: event.deviceId,
    seq: event.seq,
    at: event.at,
    kind: event.kind,
    application: event.application,
    card_number: event.cardNumber,
    tmc: event.tmc ?? null,
    tmv_hex: event.tmv ?? null,
    amount_vnd: event.amountVnd,
    balance_before_vnd: event.balanceBeforeVnd ?? null,
    balance_after_vnd: event.balanceAfterVnd ?? null,
    operator_id: event.operatorId ?? null,
    route_id: event.routeId ?? null,
    stop_id: event.stopId ?? null,
    fare_product_id: event.fareProductId ?? null,
    rider_category: event.riderCategory ?? null,
    contract_slot: event.contractSlot ?? null,
    action_id: event.actionId ?? null,
    site_code: event.siteCode ?? null,
    gate_no: event.gateNo ?? null,
    reason: event.reason ?? null,
    detail: event.detail ?? null,
    prev_hash: event.prevHash,
    hash: event.hash,
    posting_status: postingStatus,
  };
}

/**
 * Inserts events not stored yet, each with its posting status (planned before
 * the insert: `statusOf`, default recorded/held); answers the seqs that were new.
 */
export async function insertNewEvents(db: Executor, input: { readonly batchSeq: number; readonly events: readonly JournalEvent[]; readonly statusOf: (event: JournalEvent) => PostingStatus | undefined }): Promise<Set<number>> {
  const { batchSeq, events } = input;
  if (events.length === 0) return new Set();
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`INSERT INTO events (device_id, seq, batch_seq, at, kind, application, card_number, tmc, tmv_hex, amount_vnd, balance_before_vnd, balance_after_vnd, operator_id, route_id, stop_id, fare_product_id, rider_category, contract_slot, action_id, site_code, gate_no, reason, detail, prev_hash, hash, posting_status)
        SELECT x.device_id, x.seq, ${batchSeq}, x.at, x.kind, x.application, x.card_number, x.tmc, x.tmv_hex, x.amount_vnd, x.balance_before_vnd, x.balance_after_vnd, x.operator_id, x.route_id, x.stop_id, x.fare_product_id, x.rider_category, x.contract_slot, x.action_id, x.site_code, x.gate_no, x.reason, x.detail, x.prev_hash, x.hash, x.posting_status
        FROM ${jsonRecordset(
          events.map((e) => eventRow(e, input.statusOf(e) ?? (e.tmc === undefined ? 'recorded' : 'held'))),
          EVENT_COLUMNS,
        )}
        ORDER BY x.seq
        ON CONFLICT (device_id, seq) DO NOTHING
        RETURNING seq`,
  );
  return new Set(rows.map((r) => toNumber(r['seq'])));
}

/** The events columns deferred ingest COPYs, in eventCopyRow's order (the benchmark's raw COPY uses both). */
export const EVENT_COPY_COLUMNS = ['device_id', 'seq', 'batch_seq', 'at', 'kind', 'application', 'card_number', 'tmc', 'tmv_hex', 'amount_vnd', 'balance_before_vnd', 'balance_after_vnd', 'operator_id', 'route_id', 'stop_id', 'fare_product_id', 'rider_category', 'contract_slot', 'action_id', 'site_code', 'gate_no', 'reason', 'detail', 'prev_hash', 'hash', 'posting_status'] as const;

export function eventCopyRow(event: JournalEvent, batchSeq: number): CopyValue[] {
  return [
    event.deviceId, event.seq, batchSeq, event.at, event.kind, event.application, event.cardNumber, event.tmc, event.tmv, event.amountVnd, event.balanceBeforeVnd, event.balanceAfterVnd,
    event.operatorId, event.routeId, event.stopId, event.fareProductId, event.riderCategory, event.contractSlot, event.actionId, event.siteCode, event.gateNo, event.reason,
    event.detail === undefined ? null : JSON.stringify(event.detail), event.prevHash, event.hash, event.tmc === undefined ? 'recorded' : 'held',
  ];
}

/**
 * Stores events the caller has just found new, holding the device's ingest
 * lock (deferred posting: held, or recorded without a TMC) — by COPY on
 * PostgreSQL, by insertNewEvents on PGlite — and queues their cards for the posting job. Should an event be there after
 * all, COPY aborts the transaction (CopyRefusedError, nothing stored) and
 * the INSERT path throws ConcurrentWriteError (retried).
 */
export async function storeFreshEvents(db: Executor, input: { readonly batchSeq: number; readonly events: readonly JournalEvent[] }): Promise<void> {
  if (canCopy(db)) {
    await copyRows(db, { table: 'events', columns: EVENT_COPY_COLUMNS, rows: input.events.map((e) => eventCopyRow(e, input.batchSeq)) });
  } else {
    const inserted = await insertNewEvents(db, { ...input, statusOf: () => undefined });
    if (inserted.size !== input.events.length) throw new ConcurrentWriteError('events were stored concurrently');
  }
  await enqueueForPosting(db, input.events);
}

/** Queues the cards of new held events for the posting job (an append: see postingQueue in src/db/schema/cards.ts). */
export async function enqueueForPosting(db: Executor, events: readonly JournalEvent[]): Promise<void> {
  const keys = new Map<string, { readonly card_number: string; readonly application: string }>();
  for (const e of events) if (e.tmc !== undefined) keys.set(`${e.cardNumber}/${e.application}`, { card_number: e.cardNumber, application: e.application });
  if (keys.size === 0) return;
  await db.execute(sql`
    INSERT INTO posting_queue (card_number, application)
    SELECT x.card_number, x.application FROM ${jsonRecordset([...keys.values()], 'card_number text, application text')}`);
}

export interface NeighbourHashes {
  /** Hash of the device's event firstSeq − 1, when stored. */
  readonly predecessorHash: string | null;
  /** prevHash of the device's event lastSeq + 1, when stored. */
  readonly successorPrevHash: string | null;
  /** Stored hashes of events inside [firstSeq, lastSeq] (a re-batched re-send). */
  readonly storedHashBySeq: ReadonlyMap<number, string>;
}

export async function readNeighbourHashes(db: Executor, input: { readonly deviceId: number; readonly firstSeq: number; readonly lastSeq: number }): Promise<NeighbourHashes> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT seq, hash, prev_hash FROM events WHERE device_id = ${input.deviceId} AND seq BETWEEN ${input.firstSeq - 1} AND ${input.lastSeq + 1}`,
  );
  let predecessorHash: string | null = null;
  let successorPrevHash: string | null = null;
  const storedHashBySeq = new Map<number, string>();
  for (const row of rows) {
    const seq = toNumber(row['seq']);
    if (seq === input.firstSeq - 1) predecessorHash = String(row['hash']);
    else if (seq === input.lastSeq + 1) successorPrevHash = String(row['prev_hash']);
    else storedHashBySeq.set(seq, String(row['hash']));
  }
  return { predecessorHash, successorPrevHash, storedHashBySeq };
}
