/**
 * `GET /v1/devices/{deviceId}/status` (SYNC-PROTOCOL.md "Status"): where the
 * clearing house is for this device, e.g. for `validator sync status` or a
 * device that lost its local state.
 */
import { z } from 'zod';
import { exchange, type FetchFunction, type TransportFailure } from './http.js';
import { SYNC_ANSWER_BYTES_MAX, SYNC_REQUEST_TIMEOUT_MS_DEFAULT } from './limits.js';

const serverStatusSchema = z.object({
  lastBatchSeq: z.number().int().min(0),
  lastEventSeq: z.number().int().min(0),
  denyListVersion: z.number().int().min(0),
  actionListVersion: z.number().int().min(0),
});
export type ServerStatus = z.infer<typeof serverStatusSchema>;

export type ServerStatusAnswer = { readonly ok: true; readonly status: ServerStatus } | { readonly ok: false; readonly code: TransportFailure | 'http_status' | 'protocol_violation'; readonly httpStatus?: number };

const HTTP_OK = 200;

export async function fetchServerStatus(input: { readonly baseUrl: string; readonly deviceId: number; readonly fetch?: FetchFunction; readonly timeoutMs?: number }): Promise<ServerStatusAnswer> {
  const answer = await exchange({
    fetch: input.fetch ?? ((url, init) => fetch(url, init)),
    url: `${input.baseUrl.replace(/\/+$/, '')}/v1/devices/${input.deviceId}/status`,
    method: 'GET',
    headers: { 'X-OneCard-Device': String(input.deviceId) },
    timeoutMs: input.timeoutMs ?? SYNC_REQUEST_TIMEOUT_MS_DEFAULT,
    bodyBytesMax: SYNC_ANSWER_BYTES_MAX,
  });
  if (!answer.ok) return answer;
  if (answer.status !== HTTP_OK) return { ok: false, code: 'http_status', httpStatus: answer.status };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(answer.body));
  } catch {
    return { ok: false, code: 'protocol_violation' };
  }
  const parsed = serverStatusSchema.safeParse(json);
  return parsed.success ? { ok: true, status: parsed.data } : { ok: false, code: 'protocol_violation' };
}
