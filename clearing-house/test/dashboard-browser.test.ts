/**
 * The dashboard in headless Chromium (playwright-core, Debian's /usr/bin/chromium)
 * over a Hanoi-like day in memory: Vietnamese by default from Accept-Language,
 * the language switch to English, a settlement PDF download, and an operator
 * who sees only its own routes. Screenshots go to clearing-house/.scratch/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardViewer } from '../src/dashboard/dashboard-data.js';
import { createDashboardRoutes } from '../src/dashboard/routes.js';
import { memoryDashboardData } from '../src/dashboard/testing/memory-dashboard-data.js';
import { hanoiDay } from '../src/reports/testing/hanoi-day.js';

const SCRATCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.scratch');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The test's stand-in for a session: a cookie naming the viewer (downloads do not carry extra headers). */
const VIEWER_COOKIE = 'test_viewer';

let browser: Browser;
let server: ReturnType<typeof serve>;
let baseUrl: string;

function viewerFromCookie(value: string | undefined): DashboardViewer | undefined {
  if (value === 'admin') return { kind: 'clearing_admin' };
  if (value?.startsWith('operator.') === true) return { kind: 'operator', operatorId: value.slice('operator.'.length) };
  return undefined;
}

beforeAll(async () => {
  mkdirSync(SCRATCH_DIR, { recursive: true });
  const data = memoryDashboardData([hanoiDay({ businessDay: '2026-12-03', seed: 42 }), hanoiDay({ businessDay: '2026-12-02', seed: 41 })]);
  const app = new Hono();
  app.route('/dashboard', createDashboardRoutes(data, { basePath: '/dashboard', viewerOf: (c) => viewerFromCookie(getCookie(c, VIEWER_COOKIE)), nowMs: () => Date.parse('2026-12-04T01:00:00Z') }));
  server = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
      resolve(started);
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 20_000);

afterAll(async () => {
  await browser.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('dashboard in Chromium', () => {
  it('shows Vietnamese first, switches to English, and downloads a settlement PDF', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.addCookies([{ name: VIEWER_COOKIE, value: 'admin', url: baseUrl }]);
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl)) blocked.push(request.url());
    });
    await page.goto(`${baseUrl}/dashboard`);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await page.locator('h1').textContent()).toBe('Bảng điều khiển thanh toán bù trừ');
    expect(await page.locator('#ridership-title').textContent()).toBe('Lượt đi theo giờ và tuyến');
    expect(await page.locator('figure svg[role="img"]').count()).toBe(2);
    expect(await page.locator('section[aria-labelledby="exceptions-title"] tbody tr').count()).toBe(14);
    await page.screenshot({ path: join(SCRATCH_DIR, 'dashboard-vi.png'), fullPage: true });

    await page.locator('#lang-switch').click();
    await page.waitForURL(/lang=en/u);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Clearing dashboard');
    await expect.poll(() => page.locator('#revenue-title').textContent()).toBe('Revenue by operator');
    await page.screenshot({ path: join(SCRATCH_DIR, 'dashboard-en.png'), fullPage: true });

    const downloadStarted = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Settlement (PDF)' }).first().click();
    const download = await downloadStarted;
    expect(download.suggestedFilename()).toBe('settlement-transerco-2026-12-03.pdf');
    const path = await download.path();
    expect(readFileSync(path).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(blocked).toEqual([]);
    await context.close();
  }, 20_000);

  it('filters by day through the form and shows an operator only its own data', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: VIEWER_COOKIE, value: 'operator.vinbus', url: baseUrl }]);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/dashboard`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.locator('select[name="day"]').selectOption('2026-12-02');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/day=2026-12-02/u);
    const downloads = await page.locator('ul.downloads .who').allTextContents();
    expect(downloads).toEqual(['Công ty TNHH VinBus']);
    const legend = await page.locator('section[aria-labelledby="ridership-title"] figure svg').innerHTML();
    expect(legend).toContain('Route E01');
    expect(legend).not.toContain('Route 01<');
    expect(await page.locator('select[name="operator"]').count()).toBe(0);
    await page.screenshot({ path: join(SCRATCH_DIR, 'dashboard-operator-en.png'), fullPage: true });
    const forbidden = await page.goto(`${baseUrl}/dashboard/downloads/settlement/transerco/2026-12-02.csv`);
    expect(forbidden?.status()).toBe(403);
    await context.close();
  }, 20_000);
});
