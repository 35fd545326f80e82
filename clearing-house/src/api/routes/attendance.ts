/**
 * School attendance: GET /v1/schools/{schoolId}/attendance?day=YYYY-MM-DD
 * (JSON, or `format=csv` for the office spreadsheet). School staff see only
 * their own school (403 for another, whether it exists or not); the clearing
 * admin any school. The schedule and closure days applied are the school's
 * own (school-calendar.ts). The card numbers in the answer are the school's own
 * pupils'; nothing here logs, and no error names a card.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ATTENDANCE_NOTES, ATTENDANCE_STATUSES, attendanceCsv, attendanceCsvFileName, attendanceForSchoolDay, type AttendanceRefusal, type SchoolDaySchedule } from '../../attendance/index.js';
import { canSeeSchool, scopeOf } from '../../auth/scope.js';
import { isBusinessDay } from '../../reports/business-day.js';
import { requirePrincipal } from '../auth-middleware.js';
import type { AppEnv, AppOptions } from '../env.js';
import { apiError, errorResponse, type ApiError } from '../errors.js';

export const ATTENDANCE_FORMATS = ['json', 'csv'] as const;
export type AttendanceFormat = (typeof ATTENDANCE_FORMATS)[number];

/** Stable `detail` of a 400 `request_invalid`, per query or path field. */
export const ATTENDANCE_REQUEST_DETAILS = { schoolId: 'school_id_invalid', day: 'day_invalid', format: 'format_invalid' } as const;

export interface AttendanceRouteOptions {
  /** A schedule to apply instead of the school's stored one (school-calendar.ts); undefined = the stored one, else SCHOOL_DAY_SCHEDULE_DEFAULT. */
  readonly scheduleOf?: (schoolId: string) => SchoolDaySchedule | undefined;
}

/** An organisation id (as the organisations table's CHECK). */
export const SCHOOL_ID_RE = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;

const params = z.object({ schoolId: z.string().regex(SCHOOL_ID_RE).openapi({ param: { name: 'schoolId', in: 'path' }, example: 'school-42' }) });
const query = z.object({
  day: z
    .string()
    .refine(isBusinessDay, 'a calendar date YYYY-MM-DD')
    .openapi({ param: { name: 'day', in: 'query' }, example: '2026-12-04', description: 'business day in Asia/Ho_Chi_Minh' }),
  format: z.enum(ATTENDANCE_FORMATS).optional().openapi({ param: { name: 'format', in: 'query' }, description: 'json (default) or csv' }),
});

const pupilSchema = z.object({
  cardNumber: z.string(),
  onRoster: z.boolean(),
  status: z.enum(ATTENDANCE_STATUSES),
  firstInAt: z.string().nullable(),
  lastOutAt: z.string().nullable(),
  late: z.boolean(),
  leftEarly: z.boolean(),
  tapCount: z.number().int(),
  repeatCollapsedCount: z.number().int(),
  notes: z.array(z.enum(ATTENDANCE_NOTES)),
});
const reportSchema = z
  .object({
    schoolId: z.string(),
    schoolName: z.string(),
    businessDay: z.string(),
    schoolDay: z.boolean(),
    schedule: z.object({ startsAtLocal: z.string(), lateAfterMinutes: z.number().int(), endsAtLocal: z.string(), schoolWeekdays: z.array(z.number().int()) }),
    scheduleDefaulted: z.boolean(),
    closure: z.object({ reason: z.string() }).nullable().openapi({ description: 'the school is closed that day (a holiday): nobody is absent' }),
    gatesKnown: z.boolean(),
    dayEnded: z.boolean(),
    counts: z.record(z.enum(ATTENDANCE_STATUSES), z.number().int()),
    pupils: z.array(pupilSchema),
  })
  .openapi('AttendanceReport');

const attendanceRoute = createRoute({
  method: 'get',
  path: '/v1/schools/{schoolId}/attendance',
  security: [{ bearer: [] as string[] }],
  request: { params, query },
  responses: {
    200: { content: { 'application/json': { schema: reportSchema }, 'text/csv': { schema: z.string() } }, description: 'per pupil: first in, last out, status' },
    400: errorResponse('request_invalid; detail school_id_invalid, day_invalid or format_invalid'),
    401: errorResponse('token_missing, token_invalid or token_expired'),
    403: errorResponse('another school'),
    404: errorResponse('no such school'),
    500: errorResponse('internal; detail report_too_large (the school exceeds the report limits) or schedule_invalid (its configured schedule)'),
  },
});

const fieldDetail = (field: unknown): string => (field === 'schoolId' || field === 'day' || field === 'format' ? ATTENDANCE_REQUEST_DETAILS[field] : 'request_invalid');

function refusalOf(code: AttendanceRefusal): { readonly body: ApiError; readonly status: 400 | 404 | 500 } {
  switch (code) {
    case 'business_day_invalid':
      return { body: apiError('request_invalid', 'the request does not match the API', ATTENDANCE_REQUEST_DETAILS.day), status: 400 };
    case 'school_unknown':
      return { body: apiError('not_found', 'no such school'), status: 404 };
    case 'schedule_invalid':
      return { body: apiError('internal', 'the school schedule configured is invalid', 'schedule_invalid'), status: 500 };
    case 'too_many_rows':
      return { body: apiError('internal', 'the attendance report exceeds its size limit', 'report_too_large'), status: 500 };
  }
}

export function attendanceRoutes(options: AppOptions, attendance: AttendanceRouteOptions = {}): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return undefined;
      // The field name only: never the value (it could be anything a caller typed).
      return c.json(apiError('request_invalid', 'the request does not match the API', fieldDetail(result.error.issues[0]?.path[0])), 400);
    },
  });
  app.use('/v1/schools/:schoolId/attendance', requirePrincipal(options));
  app.openapi(attendanceRoute, async (c) => {
    const { schoolId } = c.req.valid('param');
    const { day, format } = c.req.valid('query');
    if (!canSeeSchool(scopeOf(c.get('principal')), schoolId)) return c.json(apiError('forbidden', 'this attendance belongs to another school'), 403);
    const schedule = attendance.scheduleOf?.(schoolId);
    const result = await attendanceForSchoolDay(options.database.db, { schoolId, businessDay: day, nowMs: options.nowMs(), ...(schedule === undefined ? {} : { schedule }) });
    if (!result.ok) {
      const refusal = refusalOf(result.code);
      return c.json(refusal.body, refusal.status);
    }
    const chosen: AttendanceFormat = format ?? 'json';
    switch (chosen) {
      case 'json':
        return c.json(result.report, 200);
      case 'csv':
        return new Response(attendanceCsv(result.report), {
          status: 200,
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${attendanceCsvFileName(result.report)}"`,
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
          },
        });
    }
  });
  return app;
}
