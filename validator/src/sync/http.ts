/**
 * One HTTP exchange with the clearing house through an injectable `fetch`:
 * a deadline over the whole exchange, a cap on the body read, and every
 * transport failure answered as a typed value (never thrown).
 */
import type { ReadableStreamReadResult } from 'node:stream/web';

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export type TransportFailure = 'network_error' | 'timeout' | 'answer_too_large';

export type Exchange =
  | { readonly ok: true; readonly status: number; readonly headers: Headers; readonly body: Uint8Array }
  | { readonly ok: false; readonly code: TransportFailure };

function isTimeout(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
}

async function readCapped(response: Response, bodyBytesMax: number): Promise<Uint8Array | undefined> {
  const reader = response.body?.getReader();
  if (reader === undefined) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let lengthBytes = 0;
  for (;;) {
    const { done, value } = (await reader.read()) as ReadableStreamReadResult<Uint8Array>;
    if (done) break;
    lengthBytes += value.length;
    if (lengthBytes > bodyBytesMax) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(lengthBytes);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

export async function exchange(input: {
  readonly fetch: FetchFunction;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly timeoutMs: number;
  readonly bodyBytesMax: number;
}): Promise<Exchange> {
  const signal = AbortSignal.timeout(input.timeoutMs);
  try {
    const response = await input.fetch(input.url, { method: input.method, headers: input.headers, signal, ...(input.body === undefined ? {} : { body: input.body }) });
    const body = await readCapped(response, input.bodyBytesMax);
    if (body === undefined) return { ok: false, code: 'answer_too_large' };
    return { ok: true, status: response.status, headers: response.headers, body };
  } catch (error) {
    return { ok: false, code: isTimeout(error, signal) ? 'timeout' : 'network_error' };
  }
}
