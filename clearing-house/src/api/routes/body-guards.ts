/**
 * Guards for JSON request bodies, before the route's schema: an oversized
 * body is refused while it streams (hono's bodyLimit, 413), a truncated or
 * non-JSON body is the caller's error (400, another content type 415), not an unhandled one. All are
 * `request_invalid` with a stable detail; nothing of the body is echoed.
 */
import { createMiddleware } from 'hono/factory';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env.js';
import { apiError } from '../errors.js';

export const BODY_TOO_LARGE_DETAIL = 'body_too_large';
export const BODY_NOT_JSON_DETAIL = 'body_not_json';
export const CONTENT_TYPE_NOT_JSON_DETAIL = 'content_type_not_json';
const JSON_CONTENT_TYPE_RE = /^application\/json\s*(;|$)/i;

export function jsonBodyGuards(input: { readonly bodyBytesMax: number }) {
  const limit = bodyLimit({ maxSize: input.bodyBytesMax, onError: (c) => c.json(apiError('request_invalid', 'the request body is too large', BODY_TOO_LARGE_DETAIL), 413) });
  const parses = createMiddleware<AppEnv>(async (c, next) => {
    // Another content type would skip the route's JSON schema: refused here, not answered as an unhandled error.
    if (!JSON_CONTENT_TYPE_RE.test(c.req.header('content-type') ?? '')) return c.json(apiError('request_invalid', 'the request body must be application/json', CONTENT_TYPE_NOT_JSON_DETAIL), 415);
    try {
      await c.req.json();
    } catch {
      return c.json(apiError('request_invalid', 'the request body is not JSON', BODY_NOT_JSON_DETAIL), 400);
    }
    await next();
    return undefined;
  });
  return [limit, parses] as const;
}
