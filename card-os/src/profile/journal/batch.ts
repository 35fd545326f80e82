/**
 * Journal batches: a device's contiguous run of events, signed with the
 * device's Ed25519 journal key in a keys/ SignedEnvelope (context
 * `onecard/journal-batch/v1`). Payload = UTF-8 canonical JSON of
 *   { v, deviceId, batchSeq, createdAt, events[] }
 * `batchSeq` counts the device's batches from 1; a re-sent batch carries the
 * same bytes (same seq, same events), so the clearing house can apply it
 * exactly once. Decoding never throws on hostile bytes: it answers a typed
 * failure naming the rule, never the data.
 */
import { SIGNING_CONTEXTS, SigningError, decodeEnvelope, encodeEnvelope, signEnvelope, verifyEnvelope, type Ed25519BulkVerifier, type SignedEnvelope } from '@onecard/keys';
import { z } from 'zod';
import { canonicalJson, checkChain, type ChainCheck } from './chain.js';
import { DEVICE_ID_MAX, JOURNAL_EVENT_VERSION, journalEventSchema, type JournalEvent } from './event.js';

export const BATCH_VERSION = 1;
export const BATCH_EVENT_COUNT_MAX = 10_000;
export const BATCH_SEQ_MAX = Number.MAX_SAFE_INTEGER;

export const journalBatchSchema = z.strictObject({
  v: z.literal(BATCH_VERSION),
  deviceId: z.number().int().min(1).max(DEVICE_ID_MAX),
  batchSeq: z.number().int().min(1).max(BATCH_SEQ_MAX),
  createdAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
  events: z.array(journalEventSchema).min(1).max(BATCH_EVENT_COUNT_MAX),
});
export type JournalBatch = z.infer<typeof journalBatchSchema>;

export type BatchDecodeFailure =
  | 'envelope_malformed'
  | 'payload_not_json'
  | 'payload_schema'
  | 'device_mismatch'
  | 'chain_broken'
  | 'signature_invalid';

export type BatchDecode =
  | { readonly ok: true; readonly batch: JournalBatch; readonly envelope: SignedEnvelope }
  | { readonly ok: false; readonly code: BatchDecodeFailure; readonly detail: string };

export interface BatchSigner {
  /** Key id the clearing house knows the device's journal key by. */
  readonly keyId: string;
  /** Ed25519 secret key (64 bytes, tweetnacl layout). */
  readonly secretKey: Uint8Array;
}

/** Builds, checks and signs a batch. Programmer errors (a broken chain) throw. */
export function signBatch(input: { readonly deviceId: number; readonly batchSeq: number; readonly createdAt: Date; readonly events: readonly JournalEvent[]; readonly signer: BatchSigner }): Uint8Array {
  const batch: JournalBatch = journalBatchSchema.parse({ v: BATCH_VERSION, deviceId: input.deviceId, batchSeq: input.batchSeq, createdAt: input.createdAt.toISOString(), events: input.events });
  const chain = checkChain(batch.events);
  if (!chain.ok) throw new Error(`assertion failed: batch events do not chain (${chain.code} at ${chain.index})`);
  if (batch.events.some((event) => event.deviceId !== batch.deviceId)) throw new Error('assertion failed: batch holds another device\'s events');
  const payload = new TextEncoder().encode(canonicalJson(batch));
  return encodeEnvelope(signEnvelope({ context: SIGNING_CONTEXTS.journalBatch, keyId: input.signer.keyId, payload, secretKey: input.signer.secretKey }));
}

/** Reads an envelope without checking its signature (to find which device key to check it with). */
export function openBatchEnvelope(bytes: Uint8Array): { readonly ok: true; readonly envelope: SignedEnvelope } | { readonly ok: false; readonly code: 'envelope_malformed'; readonly detail: string } {
  try {
    return { ok: true, envelope: decodeEnvelope(bytes) };
  } catch (error) {
    if (error instanceof SigningError) return { ok: false, code: 'envelope_malformed', detail: error.code };
    throw error;
  }
}

/**
 * Decodes and checks a batch: envelope, signature with the device's
 * `publicKey` (through node:crypto when a bulk `verifier` is given), schema,
 * one device, a contiguous intact chain. Linking to the previous batch is the
 * caller's job (it knows the device's last hash).
 */
export function decodeBatch(bytes: Uint8Array, options: { readonly publicKey: Uint8Array; readonly verifier?: Ed25519BulkVerifier }): BatchDecode {
  const opened = openBatchEnvelope(bytes);
  if (!opened.ok) return opened;
  const { envelope } = opened;
  const verified = verifyEnvelope({ context: SIGNING_CONTEXTS.journalBatch, envelope, publicKey: options.publicKey, ...(options.verifier === undefined ? {} : { verifier: options.verifier }) });
  if (!verified) {
    return { ok: false, code: 'signature_invalid', detail: 'Ed25519 signature does not verify with the device key' };
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(envelope.payload));
  } catch {
    return { ok: false, code: 'payload_not_json', detail: 'payload is not UTF-8 JSON' };
  }
  const parsed = journalBatchSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, code: 'payload_schema', detail: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const batch = parsed.data;
  if (batch.events.some((event) => event.deviceId !== batch.deviceId)) return { ok: false, code: 'device_mismatch', detail: 'an event names another device' };
  const chain: ChainCheck = checkChain(batch.events);
  if (!chain.ok) return { ok: false, code: 'chain_broken', detail: `${chain.code} at event index ${chain.index}` };
  return { ok: true, batch, envelope };
}

export { JOURNAL_EVENT_VERSION };
