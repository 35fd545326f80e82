/** Reports: pure functions from plain rows to CSV, PDF and SVG. */
export * from './rows.js';
export { BUSINESS_TIME_ZONE, businessDayBounds, businessDayOf, isBusinessDay, localHourOf } from './business-day.js';
export { REPORT_LANGUAGES, formatBusinessDay, formatCount, formatLocalDateTime, formatVnd, type ReportLanguage } from './format.js';
export { canteenPayoutVnd, netPayableVnd, settlementStatement, type SettlementStatement, type SettlementTotals } from './settlement.js';
export { CANTEEN_PAYOUT_CSV_COLUMNS, SETTLEMENT_CSV_COLUMNS, canteenPayoutCsv, settlementCsv } from './settlement-csv.js';
export { settlementPdf, type SettlementPdfOptions } from './settlement-pdf.js';
export { canteenPayoutPdf, type CanteenPayoutPdfInput } from './canteen-payout-pdf.js';
export {
  EXCEPTION_CSV_COLUMNS,
  RECONCILIATION_SUMMARY_CSV_COLUMNS,
  exceptionsCsv,
  reconciliationPdf,
  reconciliationSummaryCsv,
  type ReconciliationPdfInput,
} from './reconciliation-report.js';
export {
  TIDES_FARE_TRANSACTION_FIELDS,
  tidesFareTransactionsCsv,
  tidesFareTransactionsCsvStream,
  tidesRecordProblems,
  toTidesRecord,
  type TidesExportOptions,
  type TidesField,
  type TidesRecord,
} from './tides-fare-transactions.js';
export { revenueByOperatorSvg, ridershipByHourSvg, ridershipSeries, type ChartOptions, type RevenueChartLabels, type RidershipChartLabels } from './charts.js';
export { ReportFontMissingError, assertReportFonts } from './pdf-document.js';
export { reportLabels, type ReportLabels } from './report-labels.js';
