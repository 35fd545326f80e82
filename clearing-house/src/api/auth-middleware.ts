/** Bearer-token authentication for the staff endpoints. */
import { createMiddleware } from 'hono/factory';
import { authenticateToken } from '../auth/sessions.js';
import type { AppEnv, AppOptions } from './env.js';
import { apiError } from './errors.js';

const BEARER_RE = /^Bearer (\S+)$/;

export function requirePrincipal(options: AppOptions) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    const token = header === undefined ? undefined : BEARER_RE.exec(header)?.[1];
    const result = await authenticateToken(options.database.db, token ?? (header === undefined ? undefined : 'malformed'), options.nowMs());
    if (!result.ok) return c.json(apiError(result.code, 'a valid bearer token is required'), 401);
    c.set('principal', result.principal);
    await next();
    return undefined;
  });
}
