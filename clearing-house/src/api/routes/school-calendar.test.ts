import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueTestTokens, testAppOptions, TEST_STAFF } from '../../../test/support/api.js';
import { openHarness, type Harness } from '../../../test/support/harness.js';
import { createTestPki, SCHOOL_ID } from '../../../test/support/seed.js';
import { CLOSURE_REASON_LENGTH_MAX, SCHOOL_DAY_SCHEDULE_DEFAULT, type AttendanceReport } from '../../attendance/index.js';
import { openSchoolWeek, OTHER_SCHOOL_ID, PUPILS } from '../../attendance/school-day.fixtures.js';
import { queryRows } from '../../db/rows.js';
import { createApp } from '../app.js';
import { SCHOOL_CALENDAR_BODY_BYTES_MAX } from './school-calendar.js';

const FRIDAY = '2026-12-04';
const ALL_CARD_NUMBERS = /9704\d{12}/u;
const SHORT_DAY = { startsAtLocal: '07:30', lateAfterMinutes: 0, endsAtLocal: '11:00', schoolWeekdays: [1, 2, 3, 4, 5] };
type Staff = 'admin' | 'school' | 'otherSchool' | 'operator' | 'clinic';
type Answer = { error?: { code: string; message: string; detail?: string } } & Record<string, unknown>;

describe('school calendar endpoints (app.request)', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let tokens: Record<Staff, string>;
  const userIds: Partial<Record<Staff, string>> = {};
  const errorsLogged = vi.spyOn(console, 'error');
  const call = (method: string, path: string, token: string | null, body?: unknown, contentType: string | null = 'application/json') =>
    app.request(path, {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined || contentType === null ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const tables = async (): Promise<unknown> => ({
    schedules: await queryRows(h.database.db, sql`SELECT * FROM school_schedules ORDER BY organisation_id`),
    closures: await queryRows(h.database.db, sql`SELECT * FROM school_closures ORDER BY organisation_id, day`),
  });
  const answerOf = async (response: Response): Promise<Answer> => {
    const text = await response.text();
    expect(text).not.toMatch(ALL_CARD_NUMBERS);
    return JSON.parse(text) as Answer;
  };

  beforeAll(async () => {
    h = await openHarness('pglite', { cardCount: 1 });
    await openSchoolWeek(h);
    app = createApp(testAppOptions(h, createTestPki()));
    const staff = { admin: TEST_STAFF.admin, school: TEST_STAFF.school, otherSchool: { email: 'staff@school77.vn', role: 'school_staff', organisationId: OTHER_SCHOOL_ID }, operator: TEST_STAFF.operator, clinic: TEST_STAFF.clinic } as const;
    tokens = await issueTestTokens(h.database.db, staff);
    for (const name of Object.keys(staff) as Staff[]) {
      const [row] = await queryRows<{ id: string }>(h.database.db, sql`SELECT id::text AS id FROM users WHERE email = ${staff[name].email}`);
      if (row === undefined) throw new Error('test user missing');
      userIds[name] = row.id;
    }
  }, 60_000);
  beforeEach(async () => {
    await h.database.db.execute(sql`DELETE FROM school_schedules`);
    await h.database.db.execute(sql`DELETE FROM school_closures`);
  });
  afterEach(() => {
    for (const logged of errorsLogged.mock.calls) expect(JSON.stringify(logged)).not.toMatch(ALL_CARD_NUMBERS);
    errorsLogged.mockClear();
  });
  afterAll(async () => {
    errorsLogged.mockRestore();
    await h.close();
  });

  it('answers the default schedule until one is stored; PUT is idempotent and records who', async () => {
    const initial = await call('GET', `/v1/schools/${SCHOOL_ID}/schedule`, tokens.school);
    expect([initial.status, await answerOf(initial)]).toEqual([200, { schoolId: SCHOOL_ID, schedule: SCHOOL_DAY_SCHEDULE_DEFAULT, defaulted: true, updatedAt: null, updatedBy: null }]);
    const created = await call('PUT', `/v1/schools/${SCHOOL_ID}/schedule`, tokens.school, { ...SHORT_DAY, schoolWeekdays: [5, 4, 3, 2, 1] });
    const stored = { schoolId: SCHOOL_ID, schedule: SHORT_DAY, defaulted: false, updatedAt: '2026-12-04T12:00:00.000Z', updatedBy: userIds.school };
    expect([created.status, await answerOf(created)]).toEqual([201, { ...stored, change: 'created' }]);
    const repeated = await call('PUT', `/v1/schools/${SCHOOL_ID}/schedule`, tokens.admin, SHORT_DAY);
    expect([repeated.status, await answerOf(repeated)]).toEqual([200, { ...stored, change: 'unchanged' }]);
    const updated = await call('PUT', `/v1/schools/${SCHOOL_ID}/schedule`, tokens.admin, { ...SHORT_DAY, lateAfterMinutes: 5 });
    expect([updated.status, await answerOf(updated)]).toEqual([200, { ...stored, schedule: { ...SHORT_DAY, lateAfterMinutes: 5 }, updatedBy: userIds.admin, change: 'updated' }]);
    expect(await answerOf(await call('GET', `/v1/schools/${SCHOOL_ID}/schedule`, tokens.school))).toEqual({ ...stored, schedule: { ...SHORT_DAY, lateAfterMinutes: 5 }, updatedBy: userIds.admin });
  });

  it('closes and opens a day idempotently, lists closures, and the attendance report follows', async () => {
    const path = `/v1/schools/${SCHOOL_ID}/closures/${FRIDAY}`;
    const closure = { day: FRIDAY, reason: 'Typhoon Yagi', updatedAt: '2026-12-04T12:00:00.000Z', updatedBy: userIds.school };
    const created = await call('PUT', path, tokens.school, { reason: ' Typhoon Yagi ' });
    expect([created.status, await answerOf(created)]).toEqual([201, { schoolId: SCHOOL_ID, closure, change: 'created' }]);
    const repeated = await call('PUT', path, tokens.school, { reason: 'Typhoon Yagi' });
    expect([repeated.status, await answerOf(repeated)]).toEqual([200, { schoolId: SCHOOL_ID, closure, change: 'unchanged' }]);
    const listed = await call('GET', `/v1/schools/${SCHOOL_ID}/closures?from=2026-12-01&to=2026-12-31`, tokens.school);
    expect([listed.status, await answerOf(listed)]).toEqual([200, { schoolId: SCHOOL_ID, from: '2026-12-01', to: '2026-12-31', closures: [closure] }]);
    expect((await answerOf(await call('GET', `/v1/schools/${SCHOOL_ID}/closures?from=2026-12-05&to=2026-12-31`, tokens.school)))['closures']).toEqual([]);

    // The attendance report names the school's own pupils' cards: read it as it is.
    const report = (await (await call('GET', `/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}`, tokens.school)).json()) as AttendanceReport;
    expect(report).toMatchObject({ schoolDay: false, closure: { reason: 'Typhoon Yagi' }, counts: { absent: 0, late: 0, left_early: 0, present: 0 } });
    const csv = await call('GET', `/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}&format=csv`, tokens.school);
    const records: Record<string, string>[] = parse(await csv.text(), { bom: true, columns: true });
    expect(records.find((r) => r['card_number'] === PUPILS.absent)).toMatchObject({ status: 'no_school', closure_reason: 'Typhoon Yagi' });

    const removed = await call('DELETE', path, tokens.admin);
    expect([removed.status, await answerOf(removed)]).toEqual([200, { schoolId: SCHOOL_ID, day: FRIDAY, removed: true }]);
    const again = await call('DELETE', path, tokens.admin);
    expect([again.status, await answerOf(again)]).toEqual([200, { schoolId: SCHOOL_ID, day: FRIDAY, removed: false }]);
    expect(await (await call('GET', `/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}`, tokens.school)).json()).toMatchObject({ schoolDay: true, closure: null, counts: { absent: 1 } });
  });

  /** Each endpoint with a valid request, for the scope checks. */
  const everyEndpoint = (schoolId: string) =>
    [
      ['GET', `/v1/schools/${schoolId}/schedule`, undefined],
      ['PUT', `/v1/schools/${schoolId}/schedule`, SHORT_DAY],
      ['GET', `/v1/schools/${schoolId}/closures?from=2026-12-01&to=2026-12-31`, undefined],
      ['PUT', `/v1/schools/${schoolId}/closures/${FRIDAY}`, { reason: 'Holiday' }],
      ['DELETE', `/v1/schools/${schoolId}/closures/${FRIDAY}`, undefined],
    ] as const;

  it('refuses another school, operators and clinics with 403, whether the school exists or not, and writes nothing', async () => {
    await call('PUT', `/v1/schools/${SCHOOL_ID}/closures/${FRIDAY}`, tokens.school, { reason: 'Kept' });
    await call('PUT', `/v1/schools/${OTHER_SCHOOL_ID}/closures/${FRIDAY}`, tokens.otherSchool, { reason: 'Kept too' });
    const before = await tables();
    const refused: readonly (readonly [Staff, string])[] = [
      ['otherSchool', SCHOOL_ID],
      ['school', OTHER_SCHOOL_ID],
      ['school', 'school-404'],
      ['operator', SCHOOL_ID],
      ['clinic', SCHOOL_ID],
      ['operator', 'hanoibus'],
      // Not a valid school id either: the scope answers first.
      ['school', 'School%2042'],
    ];
    for (const [who, schoolId] of refused) {
      for (const [method, path, body] of everyEndpoint(schoolId)) {
        const response = await call(method, path, tokens[who], body);
        expect(response.status, `${who} ${method} ${path}`).toBe(403);
        expect((await answerOf(response)).error).toEqual({ code: 'forbidden', message: 'this calendar belongs to another school' });
      }
    }
    for (const [method, path, body] of everyEndpoint(SCHOOL_ID)) {
      expect((await call(method, path, null, body)).status).toBe(401);
      expect((await answerOf(await call(method, path, 'och_not-a-token', body))).error?.code).toBe('token_invalid');
    }
    expect(await tables()).toEqual(before);
  });

  it('lets the clearing admin manage any school, and answers 404 for an unknown school or an organisation that is not a school', async () => {
    const theirs = await call('PUT', `/v1/schools/${OTHER_SCHOOL_ID}/closures/${FRIDAY}`, tokens.admin, { reason: 'Holiday' });
    expect(theirs.status).toBe(201);
    const before = await tables();
    for (const schoolId of ['school-404', 'hanoibus', 'clinic-7']) {
      for (const [method, path, body] of everyEndpoint(schoolId)) {
        const response = await call(method, path, tokens.admin, body);
        expect(response.status, `${method} ${path}`).toBe(404);
        expect((await answerOf(response)).error).toEqual({ code: 'not_found', message: 'no such school' });
      }
    }
    expect(await tables()).toEqual(before);
  });

  it('answers malformed, hostile, truncated and oversized requests with a stable code, echoes nothing, and writes nothing', async () => {
    await call('PUT', `/v1/schools/${SCHOOL_ID}/schedule`, tokens.school, SHORT_DAY);
    await call('PUT', `/v1/schools/${SCHOOL_ID}/closures/${FRIDAY}`, tokens.school, { reason: 'Kept' });
    const before = await tables();
    const schedule = `/v1/schools/${SCHOOL_ID}/schedule`;
    const closure = `/v1/schools/${SCHOOL_ID}/closures/2026-12-24`;
    const closures = `/v1/schools/${SCHOOL_ID}/closures`;
    const hostile = "x' OR 1=1; DROP TABLE school_closures; --";
    const cases: readonly (readonly [string, string, unknown, number, string])[] = [
      ['PUT', schedule, '{"startsAtLocal": "07:', 400, 'body_not_json'],
      ['PUT', schedule, '', 400, 'body_not_json'],
      ['PUT', schedule, 'null', 400, 'schedule_invalid'],
      ['PUT', schedule, '[]', 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, startsAtLocal: '25:00' }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, endsAtLocal: '07:00' }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, endsAtLocal: '07:30' }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, schoolWeekdays: [0] }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, schoolWeekdays: [] }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, schoolWeekdays: [1, 1] }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, lateAfterMinutes: '0' }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, lateAfterMinutes: 181 }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, [hostile]: 1 }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, startsAtLocal: hostile }, 400, 'schedule_invalid'],
      ['PUT', schedule, { ...SHORT_DAY, schoolWeekdays: 'x'.repeat(SCHOOL_CALENDAR_BODY_BYTES_MAX) }, 413, 'body_too_large'],
      ['PUT', closure, '{"reason": "Tết', 400, 'body_not_json'],
      ['PUT', closure, '{"reason": "Tết"} trailing', 400, 'body_not_json'],
      ['PUT', closure, 'null', 400, 'reason_invalid'],
      ['PUT', closure, {}, 400, 'reason_invalid'],
      ['PUT', closure, { reason: 42 }, 400, 'reason_invalid'],
      ['PUT', closure, { reason: null }, 400, 'reason_invalid'],
      ['PUT', closure, { reason: ['Tết'] }, 400, 'reason_invalid'],
      ['PUT', closure, { reason: 'Tết', day: FRIDAY }, 400, 'reason_invalid'],
      ['PUT', closure, { reason: '' }, 400, 'reason_invalid'],
      ['PUT', closure, { reason: '   ' }, 400, 'reason_invalid'],
      ['PUT', closure, { reason: 'x'.repeat(CLOSURE_REASON_LENGTH_MAX + 1) }, 400, 'reason_invalid'],
      ['PUT', closure, { reason: 'a\u0000b' }, 400, 'reason_invalid'],
      ['PUT', closure, '{"reason": "lone \\ud800"}', 400, 'reason_invalid'],
      ['PUT', closure, { reason: 'x'.repeat(10_000) }, 413, 'body_too_large'],
      ['PUT', `/v1/schools/${SCHOOL_ID}/closures/2026-02-30`, { reason: 'Holiday' }, 400, 'day_invalid'],
      ['PUT', `/v1/schools/${SCHOOL_ID}/closures/tomorrow`, { reason: 'Holiday' }, 400, 'day_invalid'],
      ['PUT', `/v1/schools/${SCHOOL_ID}/closures/2026%2F12%2F24`, { reason: 'Holiday' }, 400, 'day_invalid'],
      ['PUT', `/v1/schools/${SCHOOL_ID}/closures/2026-12-24'%20OR%201=1--`, { reason: 'Holiday' }, 400, 'day_invalid'],
      ['DELETE', `/v1/schools/${SCHOOL_ID}/closures/2026-02-30`, undefined, 400, 'day_invalid'],
      ['DELETE', `/v1/schools/${SCHOOL_ID}/closures/9704000000000203`, undefined, 400, 'day_invalid'],
      ['GET', closures, undefined, 400, 'from_invalid'],
      ['GET', `${closures}?from=2026-12-01`, undefined, 400, 'to_invalid'],
      ['GET', `${closures}?from=2026-02-30&to=2026-12-31`, undefined, 400, 'from_invalid'],
      ['GET', `${closures}?from=2026-12-01&to=2026-12`, undefined, 400, 'to_invalid'],
      ['GET', `${closures}?from=2026-12-31&to=2026-12-01`, undefined, 400, 'range_invalid'],
      ['GET', `${closures}?from=2026-01-01&to=2027-01-02`, undefined, 400, 'range_invalid'],
    ];
    for (const [method, path, body, status, detail] of cases) {
      const response = await call(method, path, tokens.school, body);
      const label = `${method} ${path} ${(typeof body === 'string' ? body : JSON.stringify(body ?? null)).slice(0, 40)}`;
      expect(response.status, label).toBe(status);
      const answer = await answerOf(response);
      expect(answer.error?.code, label).toBe('request_invalid');
      expect(answer.error?.detail, label).toBe(detail);
      expect(JSON.stringify(answer)).not.toContain('DROP');
    }
    for (const [path, body] of [
      [schedule, SHORT_DAY],
      [closure, { reason: 'Holiday' }],
    ] as const) {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null]) {
        const response = await call('PUT', path, tokens.school, body, contentType);
        expect(response.status, `${path} ${contentType}`).toBe(415);
        expect((await answerOf(response)).error?.detail).toBe('content_type_not_json');
      }
    }
    for (const path of [`/v1/schools/School%2042/schedule`, `/v1/schools/${'x'.repeat(65)}/closures?from=2026-12-01&to=2026-12-02`]) {
      const response = await call('GET', path, tokens.admin);
      expect(response.status, path).toBe(400);
      expect((await answerOf(response)).error?.detail).toBe('school_id_invalid');
    }
    expect(await tables()).toEqual(before);
  });

  it('accepts a 200-character reason in \\u escapes well under the body limit', async () => {
    const reason = '🎉'.repeat(CLOSURE_REASON_LENGTH_MAX);
    const escaped = JSON.stringify({ reason }).replace(/[\u{10000}-\u{10FFFF}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}\\u${c.charCodeAt(1).toString(16)}`);
    expect(escaped.length).toBeLessThan(SCHOOL_CALENDAR_BODY_BYTES_MAX);
    const response = await call('PUT', `/v1/schools/${SCHOOL_ID}/closures/${FRIDAY}`, tokens.school, escaped);
    expect(response.status).toBe(201);
    expect(((await answerOf(response))['closure'] as { reason: string }).reason).toBe(reason);
  });

  it('answers 500 schedule_invalid, with nothing of the row, when the stored schedule no longer makes sense', async () => {
    await call('PUT', `/v1/schools/${SCHOOL_ID}/schedule`, tokens.school, SHORT_DAY);
    await h.database.db.execute(sql`UPDATE school_schedules SET school_weekdays = '{1,1}' WHERE organisation_id = ${SCHOOL_ID}`);
    const response = await call('GET', `/v1/schools/${SCHOOL_ID}/schedule`, tokens.school);
    expect([response.status, await answerOf(response)]).toEqual([500, { error: { code: 'internal', message: 'the stored school schedule is invalid', detail: 'schedule_invalid' } }]);
    expect((await call('GET', `/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}`, tokens.school)).status).toBe(500);
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths['/v1/schools/{schoolId}/schedule'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(Object.keys(document.paths['/v1/schools/{schoolId}/closures'] ?? {})).toEqual(['get']);
    expect(Object.keys(document.paths['/v1/schools/{schoolId}/closures/{day}'] ?? {}).sort()).toEqual(['delete', 'put']);
  });
});
