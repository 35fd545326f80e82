/**
 * The daily reconciliation report for one operator or one school: counts
 * (CSV of summaries across scopes, or one scope in the PDF) and the
 * exceptions to review, oldest first.
 */
import { stringify } from 'csv-stringify/sync';
import { formatBusinessDay, formatCount, formatLocalDateTime, formatVnd, type ReportLanguage } from './format.js';
import { drawTable, heading, paragraph, renderPdf } from './pdf-document.js';
import { reportLabels } from './report-labels.js';
import type { ExceptionRow, ReconciliationSummaryRow } from './rows.js';

export const RECONCILIATION_SUMMARY_CSV_COLUMNS = [
  'business_day',
  'scope_kind',
  'scope_id',
  'scope_name',
  'events_received',
  'events_applied',
  'duplicates_dropped',
  'gaps_pending',
  'gaps_overdue',
  'balance_mismatches',
  'suspected_clones',
  'shadow_minus_card_vnd',
] as const;

export const EXCEPTION_CSV_COLUMNS = ['exception_id', 'detected_at', 'kind', 'status', 'operator_id', 'school_id', 'card_reference', 'device_id', 'difference_vnd'] as const;

export function reconciliationSummaryCsv(rows: readonly ReconciliationSummaryRow[]): string {
  const records = rows.map((row) => [
    row.businessDay,
    row.scopeKind,
    row.scopeId,
    row.scopeName,
    row.eventsReceived,
    row.eventsApplied,
    row.duplicatesDropped,
    row.gapsPending,
    row.gapsOverdue,
    row.balanceMismatches,
    row.suspectedClones,
    row.shadowMinusCardVnd,
  ]);
  return stringify(records, { header: true, columns: [...RECONCILIATION_SUMMARY_CSV_COLUMNS], bom: true, escape_formulas: true });
}

function oldestFirst(rows: readonly ExceptionRow[]): ExceptionRow[] {
  return [...rows].sort((a, b) => a.detectedAt.getTime() - b.detectedAt.getTime() || a.exceptionId.localeCompare(b.exceptionId));
}

/** Exceptions with UTC ISO-8601 instants (machine-readable). */
export function exceptionsCsv(rows: readonly ExceptionRow[]): string {
  const records = oldestFirst(rows).map((row) => [
    row.exceptionId,
    row.detectedAt.toISOString(),
    row.kind,
    row.status,
    row.operatorId ?? '',
    row.schoolId ?? '',
    row.cardReference,
    row.deviceId ?? '',
    row.differenceVnd ?? '',
  ]);
  return stringify(records, { header: true, columns: [...EXCEPTION_CSV_COLUMNS], bom: true, escape_formulas: true });
}

export interface ReconciliationPdfInput {
  readonly summary: ReconciliationSummaryRow;
  readonly exceptions: readonly ExceptionRow[];
  readonly lang: ReportLanguage;
  readonly generatedAt: Date;
}

export function reconciliationPdf(input: ReconciliationPdfInput): Promise<Buffer> {
  const { summary, lang } = input;
  const t = reportLabels(lang);
  const count = (value: number): string => formatCount(value, lang);
  const scopeLabel = summary.scopeKind === 'operator' ? t.operator : t.school;
  return renderPdf(
    {
      title: t.reconciliationTitle,
      subtitle: `${scopeLabel}: ${summary.scopeName} (${summary.scopeId}) · ${t.businessDay} ${formatBusinessDay(summary.businessDay)}`,
      generatedAt: input.generatedAt,
      lang,
      generatedLabel: t.generated,
      pageLabel: t.page,
      layout: 'portrait',
    },
    (doc) => {
      drawTable(doc, {
        headers: [t.measure, t.count],
        widthFractions: [0.6, 0.4],
        numeric: [false, true],
        rows: [
          [t.eventsReceived, count(summary.eventsReceived)],
          [t.eventsApplied, count(summary.eventsApplied)],
          [t.duplicatesDropped, count(summary.duplicatesDropped)],
          [t.gapsPending, count(summary.gapsPending)],
          [t.gapsOverdue, count(summary.gapsOverdue)],
          [t.balanceMismatches, count(summary.balanceMismatches)],
          [t.suspectedClones, count(summary.suspectedClones)],
          [t.shadowMinusCard, formatVnd(summary.shadowMinusCardVnd, lang)],
        ],
      });
      heading(doc, `${t.exceptions} (${count(input.exceptions.length)})`);
      if (input.exceptions.length === 0) {
        paragraph(doc, t.noExceptions);
        return;
      }
      drawTable(doc, {
        headers: [t.detectedAt, t.kind, t.status, t.card, t.device, t.difference],
        widthFractions: [0.15, 0.29, 0.12, 0.1, 0.2, 0.14],
        numeric: [false, false, false, false, false, true],
        rows: oldestFirst(input.exceptions).map((row) => [
          formatLocalDateTime(row.detectedAt, lang),
          t.exceptionKind[row.kind],
          t.exceptionStatus[row.status],
          row.cardReference,
          row.deviceId ?? '—',
          row.differenceVnd === null ? '—' : formatVnd(row.differenceVnd, lang),
        ]),
      });
    },
  );
}
