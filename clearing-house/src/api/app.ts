/**
 * The clearing-house HTTP API (Hono, documented with OpenAPI at
 * /openapi.json). Errors are JSON with stable codes (errors.ts); nothing
 * logged or answered carries a card number, token or key.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { routePath } from 'hono/route';
import type { AppEnv, AppOptions } from './env.js';
import { apiError } from './errors.js';
import { adminRoutes } from './routes/admin.js';
import { attendanceRoutes } from './routes/attendance.js';
import { cardBlockRoutes } from './routes/card-blocks.js';
import { distributionRoutes } from './routes/distribution.js';
import { passRoutes } from './routes/passes.js';
import { publicationRoutes } from './routes/publications.js';
import { reportRoutes } from './routes/reports.js';
import { schoolCalendarRoutes } from './routes/school-calendar.js';
import { syncRoutes } from './routes/sync.js';

export const API_VERSION = '1.0.0';

export function createApp(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        return c.json(apiError('request_invalid', 'the request does not match the API', issue === undefined ? undefined : `${issue.path.join('.')}: ${issue.message}`), 400);
      }
      return undefined;
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.route('/', syncRoutes(options));
  app.route('/', reportRoutes(options));
  app.route('/', adminRoutes(options));
  app.route('/', distributionRoutes(options));
  app.route('/', passRoutes(options));
  app.route('/', publicationRoutes(options));
  app.route('/', cardBlockRoutes(options));
  app.route('/', attendanceRoutes(options));
  app.route('/', schoolCalendarRoutes(options));
  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'OneCard clearing house', version: API_VERSION } });
  app.notFound((c) => c.json(apiError('not_found', 'no such endpoint'), 404));
  app.onError((error, c) => {
    // No request data in the log line: only the error class and the path template.
    console.error(`clearing-house: unhandled ${error.name} on ${c.req.method} ${routePath(c)}`);
    return c.json(apiError('internal', 'internal error'), 500);
  });
  return app;
}

export type { AppOptions } from './env.js';
