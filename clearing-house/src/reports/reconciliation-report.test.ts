import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EXCEPTION_CSV_COLUMNS, exceptionsCsv, reconciliationPdf, reconciliationSummaryCsv } from './reconciliation-report.js';
import { hanoiDay } from './testing/hanoi-day.js';
import { readPdf } from './testing/pdf-text.js';

const day = hanoiDay({ businessDay: '2026-12-03', seed: 5 });

describe('reconciliation report', () => {
  it('writes one summary line per operator and per school', () => {
    const records: Record<string, string>[] = parse(reconciliationSummaryCsv(day.reconciliation), { bom: true, columns: true });
    expect(records.filter((record) => record['scope_kind'] === 'operator')).toHaveLength(5);
    expect(records.filter((record) => record['scope_kind'] === 'school')).toHaveLength(3);
    for (const record of records) {
      expect(Number(record['events_received']) - Number(record['duplicates_dropped'])).toBe(Number(record['events_applied']));
    }
  });

  it('lists exceptions oldest first with UTC instants, and no card UID column', () => {
    const shuffled = [...day.exceptions].reverse();
    const records: Record<string, string>[] = parse(exceptionsCsv(shuffled), { bom: true, columns: true });
    expect(Object.keys(records[0] ?? {})).toEqual([...EXCEPTION_CSV_COLUMNS]);
    const instants = records.map((record) => Date.parse(record['detected_at'] ?? ''));
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    expect(records.every((record) => /^•••• \d{4}$/u.test(record['card_reference'] ?? ''))).toBe(true);
  });

  it('renders a school report and an operator report as PDFs in both languages', async () => {
    const school = day.reconciliation.find((row) => row.scopeKind === 'school');
    const operator = day.reconciliation.find((row) => row.scopeId === 'transerco');
    if (school === undefined || operator === undefined) throw new Error('fixture lacks scopes');
    const schoolExceptions = day.exceptions.filter((row) => row.schoolId === school.scopeId);
    const vi = readPdf(await reconciliationPdf({ summary: school, exceptions: schoolExceptions, lang: 'vi', generatedAt: new Date('2026-12-04T00:30:00Z') }));
    expect(vi.title).toBe('Báo cáo đối soát hằng ngày');
    expect(vi.pagesText.join('\n')).toContain(`Trường học: ${school.scopeName}`);
    expect(vi.missingGlyphCount).toBe(0);
    const operatorExceptions = day.exceptions.filter((row) => row.operatorId === 'transerco');
    const en = readPdf(await reconciliationPdf({ summary: operator, exceptions: operatorExceptions, lang: 'en', generatedAt: new Date('2026-12-04T00:30:00Z') }));
    const text = en.pagesText.join('\n');
    expect(text).toContain('Operator: Tổng Công ty Vận tải Hà Nội');
    expect(text).toContain(`Exceptions to review (${operatorExceptions.length})`);
    expect(en.missingGlyphCount).toBe(0);
    const empty = readPdf(await reconciliationPdf({ summary: operator, exceptions: [], lang: 'en', generatedAt: new Date('2026-12-04T00:30:00Z') }));
    expect(empty.pagesText.join('\n')).toContain('No exceptions.');
  });
});
