/**
 * The dashboard routes in-process (app.request): language choice, viewer
 * scoping, hostile input, escaping, security headers, and every download.
 */
import { parse } from 'csv-parse/sync';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { DashboardData, DashboardViewer } from '../src/dashboard/dashboard-data.js';
import { chooseLanguage } from '../src/dashboard/i18n.js';
import { DASHBOARD_CSP, createDashboardRoutes } from '../src/dashboard/routes.js';
import { memoryDashboardData } from '../src/dashboard/testing/memory-dashboard-data.js';
import { hanoiDay, type HanoiDay } from '../src/reports/testing/hanoi-day.js';
import { readPdf } from '../src/reports/testing/pdf-text.js';
import { tidesRecordProblems } from '../src/reports/tides-fare-transactions.js';

const days = [hanoiDay({ businessDay: '2026-12-03', seed: 21 }), hanoiDay({ businessDay: '2026-12-02', seed: 22 })];

function appFor(viewer: DashboardViewer | undefined, data: DashboardData = memoryDashboardData(days)): Hono {
  const app = new Hono();
  app.route('/dashboard', createDashboardRoutes(data, { basePath: '/dashboard', viewerOf: () => viewer, nowMs: () => Date.parse('2026-12-04T01:00:00Z') }));
  return app;
}

const admin = appFor({ kind: 'clearing_admin' });
const vinbus = appFor({ kind: 'operator', operatorId: 'vinbus' });

describe('language', () => {
  it('prefers ?lang, then Accept-Language by q, then Vietnamese', () => {
    expect(chooseLanguage('en', 'vi')).toBe('en');
    expect(chooseLanguage('fr', 'en-US,en;q=0.9')).toBe('en');
    expect(chooseLanguage(undefined, 'fr-FR, en;q=0.4, vi;q=0.8')).toBe('vi');
    expect(chooseLanguage(undefined, 'fr, de')).toBe('vi');
    expect(chooseLanguage(undefined, 'en;q=0, vi;q=0.1')).toBe('vi');
    expect(chooseLanguage(undefined, `${'x;q=0.5,'.repeat(5_000)}en`)).toBe('vi');
    expect(chooseLanguage(undefined, undefined)).toBe('vi');
  });

  it('renders the page in the chosen language', async () => {
    const vi = await (await admin.request('/dashboard')).text();
    expect(vi).toContain('<html lang="vi">');
    expect(vi).toContain('Ngoại lệ đối soát');
    const en = await (await admin.request('/dashboard', { headers: { 'accept-language': 'en-GB,en;q=0.9' } })).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Reconciliation exceptions');
    expect(en).toContain('href="/dashboard?day=2026-12-03&amp;lang=vi"');
  });
});

describe('page', () => {
  it('answers the newest day by default with security headers and no external resources', async () => {
    const response = await admin.request('/dashboard');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    const page = await response.text();
    expect(page).toContain('<option value="2026-12-03" selected>03/12/2026</option>');
    expect(page).not.toMatch(/(src|href)="https?:/u);
    expect(page.match(/<svg role="img"/gu)).toHaveLength(2);
  });

  it('says so when a day has no data yet, and still renders', async () => {
    const response = await admin.request('/dashboard?day=2026-11-01&lang=en');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('No data for this day yet.');
    expect(page).toContain('<option value="2026-11-01" selected>01/11/2026</option>');
  });

  it('refuses bad input with a clear status', async () => {
    expect((await admin.request('/dashboard?day=2026-02-30')).status).toBe(400);
    expect((await admin.request('/dashboard?day=%3Cscript%3E')).status).toBe(400);
    expect((await admin.request('/dashboard?operator=../../etc')).status).toBe(400);
    expect((await admin.request('/dashboard?operator=nobody')).status).toBe(404);
    expect((await appFor(undefined).request('/dashboard')).status).toBe(401);
  });

  it('shows an operator only its own routes, revenue and exceptions', async () => {
    const response = await vinbus.request('/dashboard?lang=en&day=2026-12-03');
    const page = await response.text();
    expect(page).toContain('Operator: Công ty TNHH VinBus');
    expect(page).not.toContain('Tổng Công ty Vận tải Hà Nội');
    expect(page).not.toContain('val-transerco');
    expect(page).not.toContain('name="operator"');
    expect((await vinbus.request('/dashboard?operator=transerco')).status).toBe(403);
  });

  it('escapes names from the data', async () => {
    const hostile: HanoiDay = { ...days[0] as HanoiDay, operators: (days[0] as HanoiDay).operators.map((operator, index) => (index === 0 ? { ...operator, operatorName: '<script>alert(1)</script>' } : operator)) };
    const page = await (await appFor({ kind: 'clearing_admin' }, memoryDashboardData([hostile])).request('/dashboard')).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('downloads', () => {
  it('serves the settlement CSV and PDF as attachments', async () => {
    const csv = await admin.request('/dashboard/downloads/settlement/transerco/2026-12-03.csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="settlement-transerco-2026-12-03.csv"');
    expect(csv.headers.get('cache-control')).toBe('no-store');
    const records: Record<string, string>[] = parse(await csv.text(), { bom: true, columns: true });
    expect(records.at(-1)?.['line_type']).toBe('total');
    const pdf = await admin.request('/dashboard/downloads/settlement/transerco/2026-12-03.pdf?lang=en');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(readPdf(Buffer.from(await pdf.arrayBuffer())).title).toBe('Fare revenue settlement statement');
  });

  it('serves TIDES fare transactions that validate', async () => {
    const response = await vinbus.request('/dashboard/downloads/tides/vinbus/2026-12-03.csv');
    const records: Record<string, string>[] = parse(await response.text(), { columns: true });
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(tidesRecordProblems(record)).toEqual([]);
  });

  it('streams TIDES from a query that answers a whole array too', async () => {
    const memory = memoryDashboardData(days);
    const rows = (days[0] as HanoiDay).fareTransactions.filter((row) => row.operatorId === 'vinbus');
    const arrayData: DashboardData = { ...memory, fareTransactions: () => Promise.resolve(rows) };
    const response = await appFor({ kind: 'operator', operatorId: 'vinbus' }, arrayData).request('/dashboard/downloads/tides/vinbus/2026-12-03.csv');
    expect(parse(await response.text(), { columns: true })).toHaveLength(rows.length);
  });

  it('serves reconciliation reports per operator and per school', async () => {
    const operatorPdf = await vinbus.request('/dashboard/downloads/reconciliation/operator/vinbus/2026-12-03.pdf');
    expect(readPdf(Buffer.from(await operatorPdf.arrayBuffer())).title).toBe('Báo cáo đối soát hằng ngày');
    const schoolCsv = await admin.request('/dashboard/downloads/reconciliation/school/thpt-chu-van-an/2026-12-03.csv');
    expect(schoolCsv.status).toBe(200);
    const summary = await admin.request('/dashboard/downloads/reconciliation-summary/2026-12-03.csv');
    expect(parse(await summary.text(), { bom: true, columns: true })).toHaveLength(8);
    const canteens = await admin.request('/dashboard/downloads/canteen-payouts/2026-12-03.csv');
    expect(parse(await canteens.text(), { bom: true, columns: true })).toHaveLength(3);
    const canteenPdf = await admin.request('/dashboard/downloads/canteen-payouts/2026-12-03.pdf?lang=en');
    expect(readPdf(Buffer.from(await canteenPdf.arrayBuffer())).title).toBe('School canteen payouts');
  });

  it('keeps operators out of other operators, schools and clearing-wide files', async () => {
    expect((await vinbus.request('/dashboard/downloads/settlement/transerco/2026-12-03.csv')).status).toBe(403);
    expect((await vinbus.request('/dashboard/downloads/tides/transerco/2026-12-03.csv')).status).toBe(403);
    expect((await vinbus.request('/dashboard/downloads/reconciliation/school/thpt-chu-van-an/2026-12-03.pdf')).status).toBe(403);
    expect((await vinbus.request('/dashboard/downloads/reconciliation-summary/2026-12-03.csv')).status).toBe(403);
    expect((await vinbus.request('/dashboard/downloads/canteen-payouts/2026-12-03.csv')).status).toBe(403);
    expect((await appFor(undefined).request('/dashboard/downloads/settlement/vinbus/2026-12-03.csv')).status).toBe(401);
  });

  it('refuses malformed paths and answers 404 for days without data', async () => {
    expect((await admin.request('/dashboard/downloads/settlement/transerco/2026-12-03.xlsx')).status).toBe(400);
    expect((await admin.request('/dashboard/downloads/settlement/transerco/2026-13-03.csv')).status).toBe(400);
    expect((await admin.request('/dashboard/downloads/settlement/trans%20erco/2026-12-03.csv')).status).toBe(400);
    expect((await admin.request('/dashboard/downloads/tides/transerco/2026-12-03.pdf')).status).toBe(400);
    expect((await admin.request('/dashboard/downloads/reconciliation/district/x/2026-12-03.pdf')).status).toBe(400);
    expect((await admin.request('/dashboard/downloads/settlement/transerco/2026-11-01.csv')).status).toBe(404);
  });
});
