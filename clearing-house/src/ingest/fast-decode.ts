/**
 * A faster path to card-os `decodeBatch` for the common case, with exactly
 * its verdicts. It accepts a batch only when it is sure decodeBatch would
 * (signature, the zod schema re-stated as plain checks, one device, intact
 * contiguous chain with the canonical body serialised from a fixed key
 * order); on ANY doubt — a failed check, an event carrying `detail`, a value
 * it does not recognise — it hands the bytes to decodeBatch, which then
 * decides and words the failure. So it can refuse more than decodeBatch
 * (costing a second decode) but never accept something decodeBatch refuses.
 * fast-decode.test.ts compares both on valid, tampered and malformed batches.
 *
 * Why: in decodeBatch zod and the generic canonical JSON (Object.keys, sort,
 * map/join per event) cost about two thirds of the ~15–26 µs per event.
 */
import { hash } from 'node:crypto';
import {
  BATCH_EVENT_COUNT_MAX,
  BATCH_SEQ_MAX,
  BATCH_VERSION,
  CARD_TMC_MAX,
  AMOUNT_VND_MAX,
  decodeBatch,
  DEVICE_ID_MAX,
  EVENT_SEQ_MAX,
  JOURNAL_EVENT_KINDS,
  JOURNAL_EVENT_VERSION,
  journalEventBodySchema,
  openBatchEnvelope,
  REASON_LENGTH_CHARS_MAX,
  type BatchDecode,
  type JournalBatch,
} from '@onecard/card-os/profile';
import { SIGNING_CONTEXTS, verifyEnvelope, type Ed25519BulkVerifier } from '@onecard/keys';

const CHAIN_DOMAIN = Buffer.from('OneCard-Journal-v1\u0000', 'utf8');
const CONTRACT_SLOT_MAX = 2;
const GATE_NO_MAX = 0xff_ff;
/** The profile's applications (card-os PROFILE_APPLICATIONS, read off the schema so the two cannot drift). */
const APPLICATIONS: ReadonlySet<string> = new Set(journalEventBodySchema.shape.application.options);
const KINDS: ReadonlySet<string> = new Set(JOURNAL_EVENT_KINDS);
/** Body keys in code-point order: the canonical JSON member order (chain.ts). */
const BODY_KEYS_SORTED: readonly string[] = Object.freeze(Object.keys(journalEventBodySchema.shape).sort());
const EVENT_KEYS: ReadonlySet<string> = new Set([...BODY_KEYS_SORTED, 'prevHash', 'hash']);
const BATCH_KEYS: ReadonlySet<string> = new Set(['v', 'deviceId', 'batchSeq', 'createdAt', 'events']);
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CODE = /^[a-z0-9][a-z0-9_.:-]*$/;
const CARD_NUMBER = /^\d{16}$/;
const HEX_64 = /^[0-9a-f]{64}$/;
const HEX_16 = /^[0-9a-f]{16}$/;

type Check = (value: unknown) => boolean;
const integerIn =
  (min: number, max: number): Check =>
  (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
const text =
  (lengthMax: number): Check =>
  (value) =>
    typeof value === 'string' && value.length >= 1 && value.length <= lengthMax;
const code: Check = (value) => typeof value === 'string' && value.length >= 1 && value.length <= REASON_LENGTH_CHARS_MAX && CODE.test(value);
const vnd = integerIn(0, AMOUNT_VND_MAX);

/** Per key, the check its value must pass. `detail` is absent on purpose: an event with detail goes to decodeBatch. */
const VALUE_CHECKS: Readonly<Record<string, Check>> = Object.freeze({
  v: (value) => value === JOURNAL_EVENT_VERSION,
  deviceId: integerIn(1, DEVICE_ID_MAX),
  seq: integerIn(1, EVENT_SEQ_MAX),
  at: (value) => typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)),
  kind: (value) => typeof value === 'string' && KINDS.has(value),
  application: (value) => typeof value === 'string' && APPLICATIONS.has(value),
  cardNumber: (value) => typeof value === 'string' && CARD_NUMBER.test(value),
  reason: code,
  tmc: integerIn(0, CARD_TMC_MAX),
  tmv: (value) => typeof value === 'string' && HEX_16.test(value),
  amountVnd: vnd,
  balanceBeforeVnd: vnd,
  balanceAfterVnd: vnd,
  operatorId: code,
  routeId: text(REASON_LENGTH_CHARS_MAX),
  stopId: text(REASON_LENGTH_CHARS_MAX),
  fareProductId: text(REASON_LENGTH_CHARS_MAX),
  riderCategory: code,
  contractSlot: integerIn(0, CONTRACT_SLOT_MAX),
  actionId: code,
  siteCode: integerIn(1, DEVICE_ID_MAX),
  gateNo: integerIn(0, GATE_NO_MAX),
  prevHash: (value) => typeof value === 'string' && HEX_64.test(value),
  hash: (value) => typeof value === 'string' && HEX_64.test(value),
});
const REQUIRED_EVENT_KEYS: readonly string[] = Object.freeze(['v', 'deviceId', 'seq', 'at', 'kind', 'application', 'cardNumber', 'amountVnd', 'prevHash', 'hash']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isPlainEvent(value: unknown): value is Record<string, string | number> {
  if (!isRecord(value)) return false;
  for (const key of REQUIRED_EVENT_KEYS) if (!(key in value)) return false;
  for (const key of Object.keys(value)) {
    const check = VALUE_CHECKS[key];
    if (check === undefined || !EVENT_KEYS.has(key) || !check(value[key])) return false;
  }
  return true;
}

/** canonicalJson(bodyOf(event)) for an event that passed isPlainEvent (strings and safe integers only). */
function canonicalBody(event: Record<string, string | number>): string {
  let out = '{';
  for (const key of BODY_KEYS_SORTED) {
    const value = event[key];
    if (value === undefined) continue;
    out += `${out.length === 1 ? '' : ','}"${key}":${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
  }
  return `${out}}`;
}

/** Bytes of one chain-hash input held in a reused buffer: domain ‖ prevHash ‖ body (an event without detail is well under 1 KiB). */
const CHAIN_SCRATCH_BYTES = 16 * 1024;
const PREV_HASH_BYTES = 32;

function chainScratch(): Buffer {
  const scratch = Buffer.allocUnsafe(CHAIN_SCRATCH_BYTES);
  CHAIN_DOMAIN.copy(scratch, 0);
  return scratch;
}

/**
 * chain.ts's hash of an event by one-shot hashing of a reused buffer (no Hash object, no buffer per
 * event); undefined when the body does not fit (then decodeBatch decides).
 */
function chainHashOf(scratch: Buffer, prevHashHex: string, body: string): string | undefined {
  const bodyOffset = CHAIN_DOMAIN.length + PREV_HASH_BYTES;
  scratch.write(prevHashHex, CHAIN_DOMAIN.length, PREV_HASH_BYTES, 'hex');
  const bodyBytes = scratch.write(body, bodyOffset, 'utf8');
  // write() stops short of what does not fit: a body that fills the buffer may have been cut.
  if (bodyOffset + bodyBytes >= scratch.length) return undefined;
  return hash('sha256', scratch.subarray(0, bodyOffset + bodyBytes), 'hex');
}

/** The fast path alone: a verdict only when it accepts, undefined = ask decodeBatch. Exported for the equivalence test. */
export function tryFastDecode(bytes: Uint8Array, options: { readonly publicKey: Uint8Array; readonly verifier?: Ed25519BulkVerifier }): BatchDecode | undefined {
  const opened = openBatchEnvelope(bytes);
  if (!opened.ok) return undefined;
  const { envelope } = opened;
  if (!verifyEnvelope({ context: SIGNING_CONTEXTS.journalBatch, envelope, publicKey: options.publicKey, ...(options.verifier === undefined ? {} : { verifier: options.verifier }) })) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(envelope.payload));
  } catch {
    return undefined;
  }
  if (!isRecord(json)) return undefined;
  for (const key of Object.keys(json)) if (!BATCH_KEYS.has(key)) return undefined;
  const { v, deviceId, batchSeq, createdAt, events } = json;
  if (v !== BATCH_VERSION || !integerIn(1, DEVICE_ID_MAX)(deviceId) || !integerIn(1, BATCH_SEQ_MAX)(batchSeq)) return undefined;
  if (typeof createdAt !== 'string' || !ISO_INSTANT.test(createdAt)) return undefined;
  if (!Array.isArray(events) || events.length < 1 || events.length > BATCH_EVENT_COUNT_MAX) return undefined;
  const scratch = chainScratch();
  let prevHash: string | undefined;
  let firstSeq = 0;
  for (let index = 0; index < events.length; index += 1) {
    const event: unknown = events[index];
    if (!isPlainEvent(event) || event['deviceId'] !== deviceId) return undefined;
    const seq = event['seq'] as number;
    if (index === 0) firstSeq = seq;
    else if (seq !== firstSeq + index || event['prevHash'] !== prevHash) return undefined;
    const computed = chainHashOf(scratch, event['prevHash'] as string, canonicalBody(event));
    if (computed === undefined || computed !== event['hash']) return undefined;
    prevHash = computed;
  }
  return { ok: true, batch: json as JournalBatch, envelope };
}

/** Same contract and verdicts as card-os decodeBatch; faster when the batch is good. */
export function decodeBatchFast(bytes: Uint8Array, options: { readonly publicKey: Uint8Array; readonly verifier?: Ed25519BulkVerifier }): BatchDecode {
  return tryFastDecode(bytes, options) ?? decodeBatch(bytes, options);
}
