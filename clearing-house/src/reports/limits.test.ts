import { describe, expect, it } from 'vitest';
import { CHART_OPERATOR_COUNT_MAX, CHART_PALETTE, CHART_ROUTE_SERIES_COUNT_MAX } from './charts.js';
import { PDF_BODY_SIZE_PT, PDF_MARGIN_PT, PDF_SMALL_SIZE_PT, PDF_TITLE_SIZE_PT, PDF_TABLE_ROW_COUNT_MAX } from './pdf-document.js';
import { TIDES_ROW_COUNT_MAX } from './tides-fare-transactions.js';

describe('how the report limits relate', () => {
  it('every route series gets its own palette colour', () => {
    expect(CHART_ROUTE_SERIES_COUNT_MAX).toBeLessThanOrEqual(CHART_PALETTE.length);
    expect(new Set(CHART_PALETTE).size).toBe(CHART_PALETTE.length);
    expect(CHART_OPERATOR_COUNT_MAX).toBeGreaterThan(0);
  });

  it('PDF type sizes step down from title to body to table text, inside the margin', () => {
    expect(PDF_TITLE_SIZE_PT).toBeGreaterThan(PDF_BODY_SIZE_PT);
    expect(PDF_BODY_SIZE_PT).toBeGreaterThan(PDF_SMALL_SIZE_PT);
    expect(PDF_MARGIN_PT).toBeGreaterThan(2 * PDF_SMALL_SIZE_PT);
  });

  it('a PDF table holds far fewer rows than a TIDES export (PDFs are for people, CSV for machines)', () => {
    expect(PDF_TABLE_ROW_COUNT_MAX).toBeLessThan(TIDES_ROW_COUNT_MAX);
  });
});
