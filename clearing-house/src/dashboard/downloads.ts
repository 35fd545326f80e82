/**
 * Report downloads behind the dashboard: settlement CSV/PDF and TIDES CSV per
 * operator, reconciliation PDF/exceptions CSV per operator or school, and the
 * clearing-wide summaries (admin only). Every download checks the viewer.
 */
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import { isBusinessDay } from '../reports/business-day.js';
import type { ReportLanguage } from '../reports/format.js';
import { exceptionsCsv, reconciliationPdf, reconciliationSummaryCsv } from '../reports/reconciliation-report.js';
import { canteenPayoutPdf } from '../reports/canteen-payout-pdf.js';
import { canteenPayoutCsv, settlementCsv } from '../reports/settlement-csv.js';
import { settlementPdf } from '../reports/settlement-pdf.js';
import { settlementStatement } from '../reports/settlement.js';
import { tidesFareTransactionsCsvStream } from '../reports/tides-fare-transactions.js';
import type { BusinessDay, FareTransactionRow } from '../reports/rows.js';
import type { DashboardData, DashboardViewer } from './dashboard-data.js';

export const SCOPE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/u;
const FILE_PATTERN = /^(\d{4}-\d{2}-\d{2})\.(csv|pdf)$/u;

export type DownloadRefusal = 'bad_request' | 'forbidden' | 'not_found';

export interface DownloadContext {
  readonly data: DashboardData;
  readonly viewerOf: (c: Context) => DashboardViewer | undefined;
  readonly langOf: (c: Context) => ReportLanguage;
  readonly nowMs: () => number;
  readonly refuse: (c: Context, refusal: DownloadRefusal | 'unauthenticated') => Response | Promise<Response>;
}

interface ParsedFile {
  readonly businessDay: BusinessDay;
  readonly format: 'csv' | 'pdf';
}

function parseFile(file: string | undefined): ParsedFile | undefined {
  const match = FILE_PATTERN.exec(file ?? '');
  const day = match?.[1];
  const format = match?.[2];
  if (day === undefined || !isBusinessDay(day) || (format !== 'csv' && format !== 'pdf')) return undefined;
  return { businessDay: day, format };
}

function canSeeOperator(viewer: DashboardViewer, operatorId: string): boolean {
  switch (viewer.kind) {
    case 'clearing_admin':
      return true;
    case 'operator':
      return viewer.operatorId === operatorId;
  }
}

function attachment(body: string | Buffer | ReadableStream<Uint8Array>, options: { readonly fileName: string; readonly format: 'csv' | 'pdf' }): Response {
  const contentType = options.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf';
  return new Response(Buffer.isBuffer(body) ? new Uint8Array(body) : body, {
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${options.fileName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

export function mountDownloads(app: Hono, context: DownloadContext): void {
  const { data } = context;

  app.get('/downloads/settlement/:operatorId/:file', async (c) => {
    const viewer = context.viewerOf(c);
    if (viewer === undefined) return context.refuse(c, 'unauthenticated');
    const operatorId = c.req.param('operatorId');
    const file = parseFile(c.req.param('file'));
    if (!SCOPE_ID_PATTERN.test(operatorId) || file === undefined) return context.refuse(c, 'bad_request');
    if (!canSeeOperator(viewer, operatorId)) return context.refuse(c, 'forbidden');
    const statement = settlementStatement(await data.settlement({ businessDay: file.businessDay, operatorId }), { operatorId, businessDay: file.businessDay });
    if (statement === undefined) return context.refuse(c, 'not_found');
    const fileName = `settlement-${operatorId}-${file.businessDay}.${file.format}`;
    if (file.format === 'csv') return attachment(settlementCsv(statement), { fileName, format: 'csv' });
    return attachment(await settlementPdf(statement, { lang: context.langOf(c), generatedAt: new Date(context.nowMs()) }), { fileName, format: 'pdf' });
  });

  app.get('/downloads/tides/:operatorId/:file', async (c) => {
    const viewer = context.viewerOf(c);
    if (viewer === undefined) return context.refuse(c, 'unauthenticated');
    const operatorId = c.req.param('operatorId');
    const file = parseFile(c.req.param('file'));
    if (!SCOPE_ID_PATTERN.test(operatorId) || file?.format !== 'csv') return context.refuse(c, 'bad_request');
    if (!canSeeOperator(viewer, operatorId)) return context.refuse(c, 'forbidden');
    const { businessDay } = file;
    const source = data.fareTransactions({ businessDay, operatorId });
    async function* mine(): AsyncGenerator<FareTransactionRow> {
      const rows = Symbol.asyncIterator in source ? source : await source;
      for await (const row of rows) if (row.operatorId === operatorId) yield row;
    }
    const csv = tidesFareTransactionsCsvStream(mine(), { fareMediaIds: 'pseudonymous' });
    return attachment(Readable.toWeb(csv) as ReadableStream<Uint8Array>, { fileName: `fare_transactions-${operatorId}-${businessDay}.csv`, format: 'csv' });
  });

  app.get('/downloads/reconciliation/:scopeKind/:scopeId/:file', async (c) => {
    const viewer = context.viewerOf(c);
    if (viewer === undefined) return context.refuse(c, 'unauthenticated');
    const scopeKind = c.req.param('scopeKind');
    const scopeId = c.req.param('scopeId');
    const file = parseFile(c.req.param('file'));
    if ((scopeKind !== 'operator' && scopeKind !== 'school') || !SCOPE_ID_PATTERN.test(scopeId) || file === undefined) return context.refuse(c, 'bad_request');
    const allowed = scopeKind === 'operator' ? canSeeOperator(viewer, scopeId) : viewer.kind === 'clearing_admin';
    if (!allowed) return context.refuse(c, 'forbidden');
    const dayScope = { businessDay: file.businessDay, ...(scopeKind === 'operator' ? { operatorId: scopeId } : {}) };
    const [summaries, exceptions] = await Promise.all([data.reconciliationSummaries(dayScope), data.exceptions(dayScope)]);
    const summary = summaries.find((row) => row.scopeKind === scopeKind && row.scopeId === scopeId && row.businessDay === file.businessDay);
    if (summary === undefined) return context.refuse(c, 'not_found');
    const mine = exceptions.filter((row) => (scopeKind === 'operator' ? row.operatorId : row.schoolId) === scopeId);
    const fileName = `reconciliation-${scopeKind}-${scopeId}-${file.businessDay}.${file.format}`;
    if (file.format === 'csv') return attachment(exceptionsCsv(mine), { fileName, format: 'csv' });
    const pdf = await reconciliationPdf({ summary, exceptions: mine, lang: context.langOf(c), generatedAt: new Date(context.nowMs()) });
    return attachment(pdf, { fileName, format: 'pdf' });
  });

  app.get('/downloads/reconciliation-summary/:file', async (c) => {
    const viewer = context.viewerOf(c);
    if (viewer === undefined) return context.refuse(c, 'unauthenticated');
    const file = parseFile(c.req.param('file'));
    if (file?.format !== 'csv') return context.refuse(c, 'bad_request');
    if (viewer.kind !== 'clearing_admin') return context.refuse(c, 'forbidden');
    const rows = await data.reconciliationSummaries({ businessDay: file.businessDay });
    return attachment(reconciliationSummaryCsv(rows), { fileName: `reconciliation-summary-${file.businessDay}.csv`, format: 'csv' });
  });

  app.get('/downloads/canteen-payouts/:file', async (c) => {
    const viewer = context.viewerOf(c);
    if (viewer === undefined) return context.refuse(c, 'unauthenticated');
    const file = parseFile(c.req.param('file'));
    if (file === undefined) return context.refuse(c, 'bad_request');
    if (viewer.kind !== 'clearing_admin') return context.refuse(c, 'forbidden');
    const rows = (await data.canteenPayouts({ businessDay: file.businessDay })).filter((row) => row.businessDay === file.businessDay);
    const fileName = `canteen-payouts-${file.businessDay}.${file.format}`;
    if (file.format === 'csv') return attachment(canteenPayoutCsv(rows), { fileName, format: 'csv' });
    const pdf = await canteenPayoutPdf({ businessDay: file.businessDay, rows, lang: context.langOf(c), generatedAt: new Date(context.nowMs()) });
    return attachment(pdf, { fileName, format: 'pdf' });
  });
}
