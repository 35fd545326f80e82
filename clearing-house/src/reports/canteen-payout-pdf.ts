/** School canteen payouts for one business day as PDF: sales, refunds and the payout per school, with totals. */
import { formatBusinessDay, formatCount, formatVnd, type ReportLanguage } from './format.js';
import { drawTable, paragraph, renderPdf } from './pdf-document.js';
import { reportLabels } from './report-labels.js';
import type { BusinessDay, CanteenPayoutRow } from './rows.js';
import { canteenPayoutVnd } from './settlement.js';

export interface CanteenPayoutPdfInput {
  readonly businessDay: BusinessDay;
  readonly rows: readonly CanteenPayoutRow[];
  readonly lang: ReportLanguage;
  readonly generatedAt: Date;
}

export function canteenPayoutPdf(input: CanteenPayoutPdfInput): Promise<Buffer> {
  const { lang } = input;
  const t = reportLabels(lang);
  const rows = input.rows.filter((row) => row.businessDay === input.businessDay).sort((a, b) => a.schoolName.localeCompare(b.schoolName, 'vi'));
  const money = (amountVnd: number): string => formatVnd(amountVnd, lang);
  const sum = (pick: (row: CanteenPayoutRow) => number): number => rows.reduce((total, row) => total + pick(row), 0);
  return renderPdf(
    {
      title: t.canteenTitle,
      subtitle: `${t.businessDay} ${formatBusinessDay(input.businessDay)}`,
      generatedAt: input.generatedAt,
      lang,
      generatedLabel: t.generated,
      pageLabel: t.page,
      layout: 'portrait',
    },
    (doc) => {
      if (rows.length === 0) {
        paragraph(doc, t.noCanteenSales);
        return;
      }
      drawTable(doc, {
        headers: [t.school, t.purchases, t.sales, t.refunds, t.payout],
        widthFractions: [0.4, 0.12, 0.16, 0.14, 0.18],
        numeric: [false, true, true, true, true],
        rows: rows.map((row) => [row.schoolName, formatCount(row.purchaseCount, lang), money(row.salesVnd), money(row.refundsVnd), money(canteenPayoutVnd(row))]),
        footerRows: [[t.total, formatCount(sum((row) => row.purchaseCount), lang), money(sum((row) => row.salesVnd)), money(sum((row) => row.refundsVnd)), money(sum(canteenPayoutVnd))]],
      });
      doc.moveDown();
      paragraph(doc, t.canteenNote);
    },
  );
}
