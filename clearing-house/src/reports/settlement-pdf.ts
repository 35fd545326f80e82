/**
 * The settlement statement of one operator for one business day as PDF:
 * per-route table with totals, the net payable and how it is computed.
 */
import { formatBusinessDay, formatCount, formatVnd, type ReportLanguage } from './format.js';
import { drawTable, heading, paragraph, renderPdf } from './pdf-document.js';
import { reportLabels } from './report-labels.js';
import type { SettlementStatement, SettlementTotals } from './settlement.js';

export interface SettlementPdfOptions {
  readonly lang: ReportLanguage;
  readonly generatedAt: Date;
}

const WIDTH_FRACTIONS = [0.08, 0.08, 0.11, 0.07, 0.1, 0.07, 0.1, 0.1, 0.1, 0.08, 0.11];

export function settlementPdf(statement: SettlementStatement, options: SettlementPdfOptions): Promise<Buffer> {
  const { lang } = options;
  const t = reportLabels(lang);
  const money = (amountVnd: number): string => formatVnd(amountVnd, lang);
  const count = (value: number): string => formatCount(value, lang);
  const cells = (values: SettlementTotals): string[] => [
    count(values.fareTapCount),
    money(values.faresCollectedVnd),
    count(values.passesSoldCount),
    money(values.passesSoldVnd),
    count(values.concessionTapCount),
    money(values.concessionsCarriedVnd),
    money(values.apportionedInVnd),
    money(values.apportionedOutVnd),
    money(values.refundsVnd),
    money(values.netPayableVnd),
  ];
  return renderPdf(
    {
      title: t.settlementTitle,
      subtitle: `${statement.operatorName} (${statement.operatorId}) · ${t.businessDay} ${formatBusinessDay(statement.businessDay)}`,
      generatedAt: options.generatedAt,
      lang,
      generatedLabel: t.generated,
      pageLabel: t.page,
      layout: 'landscape',
    },
    (doc) => {
      heading(doc, `${t.netPayable}: ${money(statement.totals.netPayableVnd)}`);
      paragraph(doc, `${t.concessionsCarried}: ${money(statement.totals.concessionsCarriedVnd)} (${count(statement.totals.concessionTapCount)} ${t.concessionTaps.toLowerCase()})`);
      doc.moveDown();
      drawTable(doc, {
        headers: [t.route, t.fareTaps, t.faresCollected, t.passesSold, t.passRevenue, t.concessionTaps, t.concessionsCarried, t.apportionedIn, t.apportionedOut, t.refunds, t.netPayable],
        widthFractions: WIDTH_FRACTIONS,
        numeric: WIDTH_FRACTIONS.map((_, index) => index > 0),
        rows: statement.lines.map((line) => [line.routeId, ...cells(line)]),
        footerRows: [[t.total, ...cells(statement.totals)]],
      });
      doc.moveDown();
      paragraph(doc, t.settlementNote);
    },
  );
}
