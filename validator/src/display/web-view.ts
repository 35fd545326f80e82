/**
 * A tiny web view for demos (node:http): `/` shows the last taps as an
 * HTML page that refreshes itself, `/taps.json` the same as JSON. Only
 * masked card numbers; no UID, no personal data. Listens on loopback unless
 * told otherwise.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatTime } from './format.js';
import { displayLines } from './lines.js';
import { DISPLAY_TEXTS, type DisplayLanguage } from './messages.js';
import type { RecentTaps } from './recent-taps.js';

export const WEB_VIEW_REFRESH_SECONDS = 2;

export interface WebView {
  readonly url: string;
  close(): Promise<void>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderPage(recent: RecentTaps, language: DisplayLanguage): string {
  const t = DISPLAY_TEXTS[language];
  const rows = recent.list().map(({ at, outcome }) => {
    const lines = displayLines(outcome, language);
    const cells = [formatTime(at, language), lines.title, lines.headline, lines.reason ?? '', lines.amount ?? '', lines.balance ?? '', lines.card ?? ''];
    return `<tr class="${lines.accepted ? 'ok' : 'no'}">${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
  });
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${WEB_VIEW_REFRESH_SECONDS}"><title>OneCard</title>
<style>body{font:16px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td{padding:.4em .8em;border-bottom:1px solid #ddd}tr.ok td:nth-child(2){color:#fff;background:#1a7f37}tr.no td:nth-child(2){color:#fff;background:#c62828}</style></head>
<body><h1>${escapeHtml(t.recentTaps)}</h1>${rows.length === 0 ? `<p>${escapeHtml(t.noTapsYet)}</p>` : `<table>${rows.join('')}</table>`}</body></html>`;
}

export async function startWebView(options: { recent: RecentTaps; language: DisplayLanguage; port: number; host: string }): Promise<WebView> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderPage(options.recent, options.language));
    } else if (path === '/taps.json') {
      const taps = options.recent.list().map(({ at, outcome }) => ({ at: at.toISOString(), ...displayLines(outcome, options.language), kind: outcome.kind ?? null, reason: outcome.reason ?? null, amountVnd: outcome.amountVnd, balanceVnd: outcome.balanceVnd ?? null, totalMs: outcome.totalMs }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(taps));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { resolve(); });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${address.port}/`,
    close: () => new Promise<void>((resolve, reject) => { server.close((error) => { if (error === undefined) resolve(); else reject(error); }); }),
  };
}
