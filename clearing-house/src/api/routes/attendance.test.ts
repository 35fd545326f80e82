import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueTestTokens, testAppOptions, TEST_STAFF } from '../../../test/support/api.js';
import { openHarness, type Harness } from '../../../test/support/harness.js';
import { createTestPki, SCHOOL_ID } from '../../../test/support/seed.js';
import { ATTENDANCE_CSV_COLUMNS, SCHOOL_DAY_SCHEDULE_DEFAULT, type AttendanceReport } from '../../attendance/index.js';
import { openSchoolWeek, OTHER_SCHOOL_ID, PUPILS } from '../../attendance/school-day.fixtures.js';
import { createApp } from '../app.js';
import type { AppOptions } from '../env.js';
import { attendanceRoutes } from './attendance.js';

const FRIDAY = '2026-12-04';
const ALL_CARD_NUMBERS = /9704\d{12}/u;

describe('GET /v1/schools/{schoolId}/attendance (app.request)', () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let options: AppOptions;
  let tokens: Record<'admin' | 'school' | 'otherSchool' | 'operator' | 'clinic', string>;
  const get = (path: string, token: string | null) => app.request(path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const errorsLogged = vi.spyOn(console, 'error');

  beforeAll(async () => {
    h = await openHarness('pglite', { cardCount: 1 });
    await openSchoolWeek(h);
    const pki = createTestPki();
    options = testAppOptions(h, pki);
    app = createApp(options);
    tokens = await issueTestTokens(h.database.db, { admin: TEST_STAFF.admin, school: TEST_STAFF.school, otherSchool: { email: 'staff@school77.vn', role: 'school_staff', organisationId: OTHER_SCHOOL_ID }, operator: TEST_STAFF.operator, clinic: TEST_STAFF.clinic });
  }, 60_000);
  afterEach(() => {
    for (const call of errorsLogged.mock.calls) expect(JSON.stringify(call)).not.toMatch(ALL_CARD_NUMBERS);
    errorsLogged.mockClear();
  });
  afterAll(async () => {
    errorsLogged.mockRestore();
    await h.close();
  });

  it('answers the school its own day as JSON', async () => {
    const response = await get(`/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}`, tokens.school);
    expect(response.status).toBe(200);
    const report = (await response.json()) as AttendanceReport;
    expect(report).toMatchObject({ schoolId: SCHOOL_ID, businessDay: FRIDAY, schoolDay: true, dayEnded: false, counts: { present: 6, late: 1, left_early: 2, absent: 1, no_school: 0 } });
    expect(report.pupils.find((p) => p.cardNumber === PUPILS.late)).toMatchObject({ status: 'late', firstInAt: '2026-12-04T00:20:00.000Z' });
  });

  it('answers a CSV download with local times', async () => {
    const response = await get(`/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}&format=csv`, tokens.school);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="attendance-${SCHOOL_ID}-${FRIDAY}.csv"`);
    const records: Record<string, string>[] = parse(await response.text(), { bom: true, columns: true });
    expect(Object.keys(records[0] ?? {})).toEqual([...ATTENDANCE_CSV_COLUMNS]);
    expect(records.find((r) => r['card_number'] === PUPILS.leftEarly)).toMatchObject({ status: 'left_early', first_in_local: '06:55', last_out_local: '11:00' });
  });

  it('lets the clearing admin see any school, and answers 404 for a school that does not exist', async () => {
    const response = await get(`/v1/schools/${OTHER_SCHOOL_ID}/attendance?day=${FRIDAY}`, tokens.admin);
    expect(response.status).toBe(200);
    expect(((await response.json()) as AttendanceReport).schoolId).toBe(OTHER_SCHOOL_ID);
    const missing = await get(`/v1/schools/school-404/attendance?day=${FRIDAY}`, tokens.admin);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('refuses another school, operators and clinics with 403 and no card number, whether the school exists or not', async () => {
    for (const [token, schoolId] of [
      [tokens.otherSchool, SCHOOL_ID],
      [tokens.school, OTHER_SCHOOL_ID],
      [tokens.school, 'school-404'],
      [tokens.operator, SCHOOL_ID],
      [tokens.clinic, SCHOOL_ID],
    ] as const) {
      const response = await get(`/v1/schools/${schoolId}/attendance?day=${FRIDAY}`, token);
      expect(response.status).toBe(403);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'forbidden' } });
      expect(text).not.toMatch(ALL_CARD_NUMBERS);
    }
  });

  it('asks for a token first', async () => {
    expect((await get(`/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}`, null)).status).toBe(401);
    const bad = await get(`/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}`, 'och_not-a-token');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { code: 'token_invalid' } });
  });

  it('answers malformed, hostile and truncated parameters with 400 request_invalid and a stable detail naming the field only', async () => {
    const cases: readonly (readonly [string, string])[] = [
      [`/v1/schools/${SCHOOL_ID}/attendance`, 'day_invalid'],
      [`/v1/schools/${SCHOOL_ID}/attendance?day=`, 'day_invalid'],
      [`/v1/schools/${SCHOOL_ID}/attendance?day=2026-12`, 'day_invalid'],
      [`/v1/schools/${SCHOOL_ID}/attendance?day=2026-02-30`, 'day_invalid'],
      [`/v1/schools/${SCHOOL_ID}/attendance?day=2026-13-01`, 'day_invalid'],
      [`/v1/schools/${SCHOOL_ID}/attendance?day=%202026-12-04`, 'day_invalid'],
      [`/v1/schools/${SCHOOL_ID}/attendance?day=9704000000000203`, 'day_invalid'],
      [`/v1/schools/${SCHOOL_ID}/attendance?day=2026-12-04'%20OR%201=1--`, 'day_invalid'],
      [`/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}&format=xml`, 'format_invalid'],
      [`/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}&format=CSV`, 'format_invalid'],
      [`/v1/schools/School%2042/attendance?day=${FRIDAY}`, 'school_id_invalid'],
      [`/v1/schools/${'x'.repeat(65)}/attendance?day=${FRIDAY}`, 'school_id_invalid'],
    ];
    for (const [path, detail] of cases) {
      const response = await get(path, tokens.admin);
      expect(response.status, path).toBe(400);
      const text = await response.text();
      expect(JSON.parse(text), path).toEqual({ error: { code: 'request_invalid', message: 'the request does not match the API', detail } });
      expect(text).not.toMatch(ALL_CARD_NUMBERS);
    }
  });

  it('applies the schedule the caller configures for a school', async () => {
    const custom = attendanceRoutes(options, { scheduleOf: (schoolId) => (schoolId === SCHOOL_ID ? { ...SCHOOL_DAY_SCHEDULE_DEFAULT, startsAtLocal: '07:30' } : undefined) });
    const response = await custom.request(`/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}`, { headers: { authorization: `Bearer ${tokens.school}` } });
    const report = (await response.json()) as AttendanceReport;
    expect(report).toMatchObject({ scheduleDefaulted: false, schedule: { startsAtLocal: '07:30' } });
    expect(report.pupils.find((p) => p.cardNumber === PUPILS.late)?.status).toBe('present');
  });

  it('answers 500 schedule_invalid, naming no card, when the configured schedule makes no sense', async () => {
    const broken = attendanceRoutes(options, { scheduleOf: () => ({ ...SCHOOL_DAY_SCHEDULE_DEFAULT, lateAfterMinutes: -1 }) });
    const response = await broken.request(`/v1/schools/${SCHOOL_ID}/attendance?day=${FRIDAY}`, { headers: { authorization: `Bearer ${tokens.school}` } });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: 'internal', detail: 'schedule_invalid' } });
  });

  it('documents the endpoint in the OpenAPI document', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain('/v1/schools/{schoolId}/attendance');
  });
});
