/**
 * A school's own calendar (src/attendance/school-calendar.ts), read by the
 * attendance report:
 *
 * - GET/PUT /v1/schools/{schoolId}/schedule: the school-day schedule (GET
 *   answers the default with `defaulted: true` while none is stored);
 * - GET /v1/schools/{schoolId}/closures?from=&to=: closure days (both days included);
 * - PUT/DELETE /v1/schools/{schoolId}/closures/{day}: close a business day
 *   (body `{ reason }`) or open it again.
 *
 * The clearing admin any school (404 for an unknown one); school staff their
 * own school only; everybody else 403 — before the body is read, whether the
 * school exists or not. PUT and DELETE are idempotent: a repeat answers 200
 * with `change: 'unchanged'` / `removed: false` and writes nothing. Errors are
 * JSON with stable codes; no value a caller sent is echoed.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { closuresOfSchool, putSchoolClosure, putSchoolSchedule, removeSchoolClosure, scheduleOfSchool, schoolDayScheduleSchema, type CalendarChange, type SchoolCalendarRefusal, type StoredSchedule } from '../../attendance/index.js';
import { canSeeSchool, scopeOf } from '../../auth/scope.js';
import { isBusinessDay } from '../../reports/business-day.js';
import { requirePrincipal } from '../auth-middleware.js';
import type { AppEnv, AppOptions } from '../env.js';
import { apiError, errorResponse, type ApiError } from '../errors.js';
import { SCHOOL_ID_RE } from './attendance.js';
import { jsonBodyGuards } from './body-guards.js';

/** Far above a schedule or a 200-code-point reason sent as `\uXXXX` escapes (12 bytes per code point). */
export const SCHOOL_CALENDAR_BODY_BYTES_MAX = 4 * 1024;

/** Stable `detail` of a 400 `request_invalid`, per path, query or body field. */
export const SCHOOL_CALENDAR_REQUEST_DETAILS = {
  schoolId: 'school_id_invalid',
  day: 'day_invalid',
  from: 'from_invalid',
  to: 'to_invalid',
  range: 'range_invalid',
  schedule: 'schedule_invalid',
  reason: 'reason_invalid',
} as const;
const REQUEST_INVALID_MESSAGE = 'the request does not match the API';

const businessDay = (name: string, description: string) => z.string().refine(isBusinessDay, 'a calendar date YYYY-MM-DD').openapi({ param: { name, in: name === 'day' ? 'path' : 'query' }, example: '2026-12-04', description });
const schoolIdParam = z.string().regex(SCHOOL_ID_RE).openapi({ param: { name: 'schoolId', in: 'path' }, example: 'school-42' });
const schoolParams = z.object({ schoolId: schoolIdParam });
const dayParams = z.object({ schoolId: schoolIdParam, day: businessDay('day', 'business day in Asia/Ho_Chi_Minh') });
const rangeQuery = z.object({ from: businessDay('from', 'first business day, included'), to: businessDay('to', 'last business day, included (at most 366 days)') });
const closureBody = z.strictObject({ reason: z.string().openapi({ description: '1 to 200 characters after trimming; no control characters', example: 'Tết Nguyên Đán' }) });

const changeSchema = z.enum(['created', 'updated', 'unchanged'] satisfies CalendarChange[]);
const scheduleAnswer = z
  .object({ schoolId: z.string(), schedule: schoolDayScheduleSchema, defaulted: z.boolean(), updatedAt: z.string().nullable(), updatedBy: z.string().nullable() })
  .openapi('SchoolSchedule');
const scheduleWriteAnswer = scheduleAnswer.extend({ change: changeSchema });
const closureSchema = z.object({ day: z.string(), reason: z.string(), updatedAt: z.string(), updatedBy: z.string().openapi({ description: 'user id' }) }).openapi('SchoolClosure');
const closureListAnswer = z.object({ schoolId: z.string(), from: z.string(), to: z.string(), closures: z.array(closureSchema) });
const closureWriteAnswer = z.object({ schoolId: z.string(), closure: closureSchema, change: changeSchema });
const closureRemoveAnswer = z.object({ schoolId: z.string(), day: z.string(), removed: z.boolean() });

const commonErrors = {
  401: errorResponse('token_missing, token_invalid or token_expired'),
  403: errorResponse('forbidden: another school, or not school or clearing staff'),
  404: errorResponse('not_found: no such school'),
} as const;
const bodyErrors = {
  413: errorResponse('request_invalid; detail body_too_large'),
  415: errorResponse('request_invalid; detail content_type_not_json'),
} as const;

function refusalOf(code: SchoolCalendarRefusal): { readonly body: ApiError; readonly status: 400 | 404 } {
  switch (code) {
    case 'school_unknown':
      return { body: apiError('not_found', 'no such school'), status: 404 };
    case 'schedule_invalid':
    case 'day_invalid':
    case 'reason_invalid':
    case 'range_invalid':
      return { body: apiError('request_invalid', REQUEST_INVALID_MESSAGE, code), status: 400 };
  }
}

/** Validation failures name the field's stable detail only: never the value, nor a key the caller made up. */
function detailOf(input: { readonly target: string; readonly field: unknown; readonly path: string }): string {
  // Two routes take a body: the schedule and a closure's reason.
  if (input.target === 'json') return input.path.endsWith('/schedule') ? SCHOOL_CALENDAR_REQUEST_DETAILS.schedule : SCHOOL_CALENDAR_REQUEST_DETAILS.reason;
  if (input.field === 'schoolId' || input.field === 'day' || input.field === 'from' || input.field === 'to') return SCHOOL_CALENDAR_REQUEST_DETAILS[input.field];
  return 'request_invalid';
}

const scheduleAnswerOf = (schoolId: string, stored: StoredSchedule) => ({ schoolId, schedule: { ...stored.schedule, schoolWeekdays: [...stored.schedule.schoolWeekdays] }, defaulted: stored.defaulted, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy });

/** The answers of an idempotent PUT with a JSON body: 200 updated/unchanged, 201 created, and the errors. */
function upsertResponses<T extends z.ZodType>(answer: T, descriptions: { readonly updated: string; readonly created: string; readonly invalid: string }) {
  return {
    200: { content: { 'application/json': { schema: answer } }, description: descriptions.updated },
    201: { content: { 'application/json': { schema: answer } }, description: descriptions.created },
    400: errorResponse(descriptions.invalid),
    401: commonErrors[401],
    403: commonErrors[403],
    404: commonErrors[404],
    413: bodyErrors[413],
    415: bodyErrors[415],
  } as const;
}

export function schoolCalendarRoutes(options: AppOptions): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      return c.json(apiError('request_invalid', REQUEST_INVALID_MESSAGE, detailOf({ target: result.target, field: result.error.issues[0]?.path[0], path: c.req.path })), 400);
    },
  });
  const { db } = options.database;
  const signedIn = requirePrincipal(options);
  // Before any body is read: another school's staff, operators and clinics learn nothing, not even whether it exists.
  const ownSchool = createMiddleware<AppEnv>(async (c, next) => {
    if (!canSeeSchool(scopeOf(c.get('principal')), c.req.param('schoolId') ?? '')) return c.json(apiError('forbidden', 'this calendar belongs to another school'), 403);
    await next();
    return undefined;
  });
  const bodyGuards = jsonBodyGuards({ bodyBytesMax: SCHOOL_CALENDAR_BODY_BYTES_MAX });
  const writerOf = (userId: string) => ({ userId, nowMs: options.nowMs() });
  const security = [{ bearer: [] as string[] }];

  const getSchedule = createRoute({
    method: 'get',
    path: '/v1/schools/{schoolId}/schedule',
    summary: "A school's school-day schedule (the default, `defaulted: true`, while none is stored)",
    security,
    middleware: [signedIn, ownSchool] as const,
    request: { params: schoolParams },
    responses: {
      200: { content: { 'application/json': { schema: scheduleAnswer } }, description: 'the schedule attendance applies' },
      400: errorResponse('request_invalid; detail school_id_invalid'),
      401: commonErrors[401],
      403: commonErrors[403],
      404: commonErrors[404],
      500: errorResponse('internal; detail schedule_invalid (the stored schedule no longer passes the checks)'),
    },
  });
  app.openapi(
    getSchedule,
    async (c) => {
      const { schoolId } = c.req.valid('param');
      const result = await scheduleOfSchool(db, schoolId);
      if (result.ok) return c.json(scheduleAnswerOf(schoolId, result.stored), 200);
      if (result.code === 'schedule_invalid') return c.json(apiError('internal', 'the stored school schedule is invalid', 'schedule_invalid'), 500);
      return c.json(refusalOf(result.code).body, 404);
    },
  );

  const putSchedule = createRoute({
    method: 'put',
    path: '/v1/schools/{schoolId}/schedule',
    summary: "Stores a school's school-day schedule (idempotent)",
    security,
    middleware: [signedIn, ownSchool, ...bodyGuards] as const,
    request: { params: schoolParams, body: { content: { 'application/json': { schema: schoolDayScheduleSchema } }, required: true } },
    responses: upsertResponses(scheduleWriteAnswer, { updated: 'updated, or unchanged (nothing written)', created: 'the first schedule stored for the school', invalid: 'request_invalid; detail school_id_invalid, body_not_json or schedule_invalid' }),
  });
  app.openapi(
    putSchedule,
    async (c) => {
      const { schoolId } = c.req.valid('param');
      const result = await putSchoolSchedule(db, { schoolId, schedule: c.req.valid('json'), ...writerOf(c.get('principal').userId) });
      if (!result.ok) {
        const refusal = refusalOf(result.code);
        return c.json(refusal.body, refusal.status);
      }
      return c.json({ ...scheduleAnswerOf(schoolId, result.stored), change: result.change }, result.change === 'created' ? 201 : 200);
    },
  );

  const listClosures = createRoute({
    method: 'get',
    path: '/v1/schools/{schoolId}/closures',
    summary: "A school's closure days from `from` to `to` (both included, at most 366 days), in day order",
    security,
    middleware: [signedIn, ownSchool] as const,
    request: { params: schoolParams, query: rangeQuery },
    responses: {
      200: { content: { 'application/json': { schema: closureListAnswer } }, description: 'the closure days' },
      400: errorResponse('request_invalid; detail school_id_invalid, from_invalid, to_invalid or range_invalid (to before from, or more than 366 days)'),
      401: commonErrors[401],
      403: commonErrors[403],
      404: commonErrors[404],
    },
  });
  app.openapi(
    listClosures,
    async (c) => {
      const { schoolId } = c.req.valid('param');
      const { from, to } = c.req.valid('query');
      const result = await closuresOfSchool(db, { schoolId, from, to });
      if (!result.ok) {
        const refusal = refusalOf(result.code);
        return c.json(refusal.body, refusal.status);
      }
      return c.json({ schoolId, from, to, closures: [...result.closures] }, 200);
    },
  );

  const putClosure = createRoute({
    method: 'put',
    path: '/v1/schools/{schoolId}/closures/{day}',
    summary: 'Closes the school on a business day: attendance counts nobody absent (idempotent; another reason updates it)',
    security,
    middleware: [signedIn, ownSchool, ...bodyGuards] as const,
    request: { params: dayParams, body: { content: { 'application/json': { schema: closureBody } }, required: true } },
    responses: upsertResponses(closureWriteAnswer, { updated: 'updated (another reason), or unchanged (nothing written)', created: 'closed', invalid: 'request_invalid; detail school_id_invalid, day_invalid, body_not_json or reason_invalid' }),
  });
  app.openapi(
    putClosure,
    async (c) => {
      const { schoolId, day } = c.req.valid('param');
      const result = await putSchoolClosure(db, { schoolId, day, reason: c.req.valid('json').reason, ...writerOf(c.get('principal').userId) });
      if (!result.ok) {
        const refusal = refusalOf(result.code);
        return c.json(refusal.body, refusal.status);
      }
      return c.json({ schoolId, closure: result.closure, change: result.change }, result.change === 'created' ? 201 : 200);
    },
  );

  const deleteClosure = createRoute({
    method: 'delete',
    path: '/v1/schools/{schoolId}/closures/{day}',
    summary: 'Opens the day again (idempotent: `removed: false` when it was not closed)',
    security,
    middleware: [signedIn, ownSchool] as const,
    request: { params: dayParams },
    responses: {
      200: { content: { 'application/json': { schema: closureRemoveAnswer } }, description: 'removed, or there was no closure that day' },
      400: errorResponse('request_invalid; detail school_id_invalid or day_invalid'),
      401: commonErrors[401],
      403: commonErrors[403],
      404: commonErrors[404],
    },
  });
  app.openapi(
    deleteClosure,
    async (c) => {
      const { schoolId, day } = c.req.valid('param');
      const result = await removeSchoolClosure(db, { schoolId, day });
      if (!result.ok) {
        const refusal = refusalOf(result.code);
        return c.json(refusal.body, refusal.status);
      }
      return c.json({ schoolId, day, removed: result.removed }, 200);
    },
  );
  return app;
}
