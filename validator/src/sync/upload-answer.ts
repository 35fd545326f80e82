/**
 * Reading the clearing house's answer to a batch upload
 * (clearing-house/SYNC-PROTOCOL.md, "Upload a journal batch"). Every answer
 * maps to one outcome; anything the protocol does not name is a
 * `protocol_violation` and the batch stays pending.
 */
import { z } from 'zod';
import type { BatchAcknowledgement } from '../journal/index.js';

export type UploadFailure =
  | 'device_unknown'
  | 'device_revoked'
  | 'certificate_expired'
  | 'unauthorized'
  | 'envelope_malformed'
  | 'batch_too_large'
  | 'rate_limited'
  | 'server_error'
  | 'protocol_violation';

export type UploadOutcome =
  | { readonly done: true; readonly acknowledgement: BatchAcknowledgement; readonly reason: string | undefined }
  | { readonly done: false; readonly code: UploadFailure };

const HTTP_OK = 200;
const HTTP_ACCEPTED = 202;
const HTTP_BAD_REQUEST = 400;
const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;
const HTTP_CONFLICT = 409;
const HTTP_PAYLOAD_TOO_LARGE = 413;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVER_ERROR_MIN = 500;

const okAnswerSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('accepted'), batchSeq: z.number().int(), eventCount: z.number().int().min(1) }),
  z.object({ status: z.literal('duplicate'), batchSeq: z.number().int() }),
]);
const quarantinedAnswerSchema = z.object({ status: z.literal('quarantined'), batchSeq: z.number().int(), reason: z.string().optional() });
const errorAnswerSchema = z.object({ error: z.object({ code: z.string() }) });
const AUTH_CODES = ['device_unknown', 'device_revoked', 'certificate_expired'] as const;

function json(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
}

function errorCodeOf(body: Uint8Array): string | undefined {
  const parsed = errorAnswerSchema.safeParse(json(body));
  return parsed.success ? parsed.data.error.code : undefined;
}

export function readUploadAnswer(input: { readonly status: number; readonly body: Uint8Array; readonly batchSeq: number }): UploadOutcome {
  const { status, body } = input;
  if (status === HTTP_OK) {
    const parsed = okAnswerSchema.safeParse(json(body));
    if (!parsed.success || parsed.data.batchSeq !== input.batchSeq) return { done: false, code: 'protocol_violation' };
    return { done: true, acknowledgement: parsed.data.status, reason: undefined };
  }
  if (status === HTTP_ACCEPTED) {
    const parsed = quarantinedAnswerSchema.safeParse(json(body));
    if (!parsed.success || parsed.data.batchSeq !== input.batchSeq) return { done: false, code: 'protocol_violation' };
    return { done: true, acknowledgement: 'quarantined', reason: parsed.data.reason };
  }
  if (status === HTTP_CONFLICT) {
    // Same batchSeq, other bytes: the clearing house keeps ours quarantined and flags the device.
    return errorCodeOf(body) === 'batch_conflict' ? { done: true, acknowledgement: 'conflict', reason: 'batch_conflict' } : { done: false, code: 'protocol_violation' };
  }
  if (status === HTTP_UNAUTHORIZED || status === HTTP_FORBIDDEN) {
    const code = errorCodeOf(body);
    const known = AUTH_CODES.find((candidate) => candidate === code);
    return { done: false, code: known ?? 'unauthorized' };
  }
  if (status === HTTP_BAD_REQUEST) return { done: false, code: 'envelope_malformed' };
  if (status === HTTP_PAYLOAD_TOO_LARGE) return { done: false, code: 'batch_too_large' };
  if (status === HTTP_TOO_MANY_REQUESTS) return { done: false, code: 'rate_limited' };
  if (status >= HTTP_SERVER_ERROR_MIN) return { done: false, code: 'server_error' };
  return { done: false, code: 'protocol_violation' };
}
