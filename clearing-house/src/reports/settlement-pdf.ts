/**
 * The settlement statement of one operator for one business day as PDF:
 * per-route table with totals, the net payable and how it is computed.
 * Unknown concessions (no fare feed to price them) are written as such, with
 * a note saying why, never as 0.
 */
import { formatBusinessDay, formatCount, formatVnd, type ReportLanguage } from './format.js';
import { drawTable, heading, paragraph, renderPdf } from './pdf-document.js';
import { reportLabels } from './report-labels.js';
import { OPERATOR_ROUTE_ID } from './settlement-csv.js';
import type { SettlementStatement, SettlementTotals } from './settlement.js';

export interface SettlementPdfOptions {
  readonly lang: ReportLanguage;
  readonly generatedAt: Date;
}

/** Words of settlement lines and unknown concessions (kept here: report-labels.ts is shared by every report). */
const SETTLEMENT_WORDS: Readonly<Record<ReportLanguage, { readonly cell: string; readonly note: string; readonly operatorLine: string }>> = {
  vi: { operatorLine: 'Đơn vị', cell: 'Chưa xác định', note: 'Giá trị ưu đãi chưa xác định: chưa có bảng giá vé được phát hành, hoặc bảng giá không định giá được một lượt ưu đãi.' },
  en: { operatorLine: 'Operator', cell: 'Unknown', note: 'Concessions carried are unknown: no fare feed is published, or it cannot price a concession boarding.' },
};

const WIDTH_FRACTIONS = [0.08, 0.08, 0.11, 0.07, 0.1, 0.07, 0.1, 0.1, 0.1, 0.08, 0.11];

export function settlementPdf(statement: SettlementStatement, options: SettlementPdfOptions): Promise<Buffer> {
  const { lang } = options;
  const t = reportLabels(lang);
  const money = (amountVnd: number): string => formatVnd(amountVnd, lang);
  const count = (value: number): string => formatCount(value, lang);
  const words = SETTLEMENT_WORDS[lang];
  const concessions = (amountVnd: number | null): string => (amountVnd === null ? words.cell : money(amountVnd));
  const cells = (values: SettlementTotals): string[] => [
    count(values.fareTapCount),
    money(values.faresCollectedVnd),
    count(values.passesSoldCount),
    money(values.passesSoldVnd),
    count(values.concessionTapCount),
    concessions(values.concessionsCarriedVnd),
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
      paragraph(doc, `${t.concessionsCarried}: ${concessions(statement.totals.concessionsCarriedVnd)} (${count(statement.totals.concessionTapCount)} ${t.concessionTaps.toLowerCase()})`);
      doc.moveDown();
      drawTable(doc, {
        headers: [t.route, t.fareTaps, t.faresCollected, t.passesSold, t.passRevenue, t.concessionTaps, t.concessionsCarried, t.apportionedIn, t.apportionedOut, t.refunds, t.netPayable],
        widthFractions: WIDTH_FRACTIONS,
        numeric: WIDTH_FRACTIONS.map((_, index) => index > 0),
        rows: statement.lines.map((line) => [line.routeId === OPERATOR_ROUTE_ID ? words.operatorLine : line.routeId, ...cells(line)]),
        footerRows: [[t.total, ...cells(statement.totals)]],
      });
      doc.moveDown();
      paragraph(doc, t.settlementNote);
      if (statement.totals.concessionsCarriedVnd === null) paragraph(doc, words.note);
    },
  );
}
