/**
 * Shared PDF set-up for reports (pdfkit): A4, Noto Sans embedded (Vietnamese
 * glyphs: ạ, ố, ư, đ …; the standard PDF fonts have none), document info and
 * language set, a header and page numbers, tables through pdfkit's `table`.
 */
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { formatLocalDateTime, type ReportLanguage } from './format.js';

export const NOTO_SANS_REGULAR_PATH = '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf';
export const NOTO_SANS_BOLD_PATH = '/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf';
export const PDF_MARGIN_PT = 40;
export const PDF_TITLE_SIZE_PT = 16;
export const PDF_BODY_SIZE_PT = 9;
export const PDF_SMALL_SIZE_PT = 7.5;
export const PDF_TABLE_ROW_COUNT_MAX = 20_000;
export const PDF_CELL_PADDING_PT = 3;
export const PDF_CELL_BORDER_PT = 0.5;
// Fonts are named by path, not registerFont aliases: pdfkit's table re-selects the current font by its source,
// and only a path is a cache key there (an alias makes it re-read the TTF for every cell).
const FONT_REGULAR = NOTO_SANS_REGULAR_PATH;
const FONT_BOLD = NOTO_SANS_BOLD_PATH;
const PDF_LANG: Record<ReportLanguage, string> = { vi: 'vi-VN', en: 'en-GB' };

export class ReportFontMissingError extends Error {
  override readonly name = 'ReportFontMissingError';
  readonly code = 'report_font_missing';
}

export interface PdfReportHeader {
  readonly title: string;
  readonly subtitle: string;
  readonly generatedAt: Date;
  readonly lang: ReportLanguage;
  readonly generatedLabel: string;
  readonly pageLabel: (page: number, pageCount: number) => string;
  readonly layout: 'portrait' | 'landscape';
}

export interface PdfTable {
  readonly headers: readonly string[];
  /** Column widths as fractions of the content width (they should sum to 1). */
  readonly widthFractions: readonly number[];
  /** Which columns hold numbers (right-aligned). */
  readonly numeric: readonly boolean[];
  readonly rows: readonly (readonly string[])[];
  /** Rows drawn bold at the end (totals). */
  readonly footerRows?: readonly (readonly string[])[];
}

export function assertReportFonts(): void {
  for (const path of [NOTO_SANS_REGULAR_PATH, NOTO_SANS_BOLD_PATH]) {
    if (!existsSync(path)) throw new ReportFontMissingError(`report font missing: ${path} (install fonts-noto-core)`);
  }
}

/**
 * Draws a table, repeating the header row on every page it runs onto. Each
 * row is measured (wrapped cells included) so a page takes what fits, with
 * one row's height to spare so pdfkit never breaks a chunk itself.
 */
export function drawTable(doc: PDFKit.PDFDocument, table: PdfTable): void {
  if (table.rows.length > PDF_TABLE_ROW_COUNT_MAX) throw new RangeError('PDF table has too many rows');
  const contentWidthPt = doc.page.width - 2 * PDF_MARGIN_PT;
  const widthsPt = table.widthFractions.map((fraction) => fraction * contentWidthPt);
  const columnStyles = widthsPt.map((width, index) => ({
    width,
    align: { x: table.numeric[index] === true ? ('right' as const) : ('left' as const), y: 'center' as const },
  }));
  const cell = (text: string, options: { readonly header: boolean; readonly bold: boolean }): PDFKit.Mixins.CellOptions => ({
    text,
    type: options.header ? 'TH' : 'TD',
    font: { src: options.bold ? FONT_BOLD : FONT_REGULAR, size: PDF_SMALL_SIZE_PT },
    ...(options.header ? { backgroundColor: '#e8eef5' } : {}),
  });
  const heightPt = (texts: readonly string[], bold: boolean): number => {
    doc.font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(PDF_SMALL_SIZE_PT);
    const tallest = Math.max(...texts.map((text, index) => doc.heightOfString(text === '' ? ' ' : text, { width: (widthsPt[index] ?? contentWidthPt) - 2 * PDF_CELL_PADDING_PT })));
    return tallest + 2 * PDF_CELL_PADDING_PT + PDF_CELL_BORDER_PT;
  };
  const header = table.headers.map((text) => cell(text, { header: true, bold: true }));
  const headerHeightPt = heightPt(table.headers, true);
  const body = [
    ...table.rows.map((row) => ({ cells: row.map((text) => cell(text, { header: false, bold: false })), heightPt: heightPt(row, false) })),
    ...(table.footerRows ?? []).map((row) => ({ cells: row.map((text) => cell(text, { header: false, bold: true })), heightPt: heightPt(row, true) })),
  ];
  doc.font(FONT_REGULAR).fontSize(PDF_SMALL_SIZE_PT);
  let next = 0;
  do {
    const spareRowPt = Math.max(...body.slice(next).map((row) => row.heightPt));
    let availablePt = doc.page.maxY() - doc.y - headerHeightPt - spareRowPt;
    const chunk: PDFKit.Mixins.CellOptions[][] = [];
    for (const row of body.slice(next)) {
      if (chunk.length > 0 && row.heightPt > availablePt) break;
      chunk.push(row.cells);
      availablePt -= row.heightPt;
    }
    next += chunk.length;
    doc.table({
      position: { x: PDF_MARGIN_PT },
      columnStyles,
      defaultStyle: { padding: PDF_CELL_PADDING_PT, border: PDF_CELL_BORDER_PT, borderColor: '#9aa5b1' },
      data: [header, ...chunk],
    });
    if (next < body.length) doc.addPage();
  } while (next < body.length);
}

/** Builds a report: header on the first page, body from `draw`, page numbers on every page. */
export function renderPdf(header: PdfReportHeader, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  assertReportFonts();
  const doc = new PDFDocument({
    size: 'A4',
    layout: header.layout,
    margin: PDF_MARGIN_PT,
    bufferPages: true,
    tagged: true,
    lang: PDF_LANG[header.lang],
    displayTitle: true,
    info: { Title: header.title, Subject: header.subtitle, Author: 'OneCard clearing house', Creator: 'OneCard', CreationDate: header.generatedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on('error', reject);
  });
  doc.font(FONT_BOLD).fontSize(PDF_TITLE_SIZE_PT).fillColor('#12355b').text(header.title);
  doc.font(FONT_REGULAR).fontSize(PDF_BODY_SIZE_PT + 2).fillColor('#222222').text(header.subtitle);
  doc.fontSize(PDF_SMALL_SIZE_PT).fillColor('#555555').text(`${header.generatedLabel}: ${formatLocalDateTime(header.generatedAt, header.lang)} (Asia/Ho_Chi_Minh)`);
  doc.moveDown();
  doc.fillColor('#000000');
  draw(doc);
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index);
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font(FONT_REGULAR)
      .fontSize(PDF_SMALL_SIZE_PT)
      .fillColor('#555555')
      .text(header.pageLabel(index + 1, range.count), PDF_MARGIN_PT, doc.page.height - PDF_MARGIN_PT / 2 - PDF_SMALL_SIZE_PT, {
        width: doc.page.width - 2 * PDF_MARGIN_PT,
        align: 'right',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottomMargin;
  }
  doc.end();
  return done;
}

export function heading(doc: PDFKit.PDFDocument, text: string): void {
  doc.moveDown(0.5).font(FONT_BOLD).fontSize(PDF_BODY_SIZE_PT + 2).fillColor('#12355b').text(text, PDF_MARGIN_PT).fillColor('#000000');
  doc.moveDown(0.3);
}

export function paragraph(doc: PDFKit.PDFDocument, text: string): void {
  doc.font(FONT_REGULAR).fontSize(PDF_BODY_SIZE_PT).fillColor('#222222').text(text, PDF_MARGIN_PT);
}
