import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../test/support/database.js';
import { settlementForDay } from '../reconcile/settlement-queries.js';
import { DAY, openTwoOperatorDay, type TwoOperatorDay } from '../settlement/two-operator-day.fixtures.js';
import { canteenPayoutCsv, CONCESSIONS_STATUS, settlementCsv, SETTLEMENT_CSV_COLUMNS } from './settlement-csv.js';
import { settlementPdf } from './settlement-pdf.js';
import { canteenPayoutPdf } from './canteen-payout-pdf.js';
import { netPayableVnd, settlementStatement } from './settlement.js';
import { hanoiDay } from './testing/hanoi-day.js';
import { readPdf } from './testing/pdf-text.js';
import type { SettlementRow } from './rows.js';

const day = hanoiDay({ businessDay: '2026-12-03', seed: 11 });
const scope = { operatorId: 'transerco', businessDay: '2026-12-03' };

function statement(rows: readonly SettlementRow[] = day.settlement): NonNullable<ReturnType<typeof settlementStatement>> {
  const found = settlementStatement(rows, scope);
  if (found === undefined) throw new Error('no statement');
  return found;
}

describe('settlementStatement', () => {
  it('keeps only the operator and day asked for, sorts routes naturally, and totals every column', () => {
    const other = { ...day.settlement[0], businessDay: '2026-12-02' } as SettlementRow;
    const result = statement([...day.settlement, other]);
    expect(result.lines.map((line) => line.routeId)).toEqual(['01', '02', '03A', '09A', '18', '22A', '32', '34', '38', '86']);
    const mine = day.settlement.filter((row) => row.operatorId === 'transerco');
    expect(result.totals.faresCollectedVnd).toBe(mine.reduce((sum, row) => sum + row.faresCollectedVnd, 0));
    expect(result.totals.netPayableVnd).toBe(result.lines.reduce((sum, line) => sum + line.netPayableVnd, 0));
    expect(result.totals.netPayableVnd).toBe(netPayableVnd(result.totals));
  });

  it('explains every đồng across operators: apportionment nets to zero, so net payables sum to revenue minus refunds', () => {
    const statements = day.operators.map((operator) => settlementStatement(day.settlement, { operatorId: operator.operatorId, businessDay: day.businessDay }));
    const totals = statements.map((found) => {
      if (found === undefined) throw new Error('operator without a statement');
      return found.totals;
    });
    const sum = (pick: (t: (typeof totals)[number]) => number): number => totals.reduce((total, t) => total + pick(t), 0);
    expect(sum((t) => t.apportionedInVnd)).toBe(sum((t) => t.apportionedOutVnd));
    expect(sum((t) => t.netPayableVnd)).toBe(sum((t) => t.faresCollectedVnd + t.passesSoldVnd - t.refundsVnd));
  });

  it('totals unknown concessions as unknown, never as a partial sum, and checks known ones', () => {
    const mine = day.settlement.filter((row) => row.operatorId === 'transerco');
    const [first, ...rest] = mine;
    if (first === undefined) throw new Error('no rows');
    expect(statement([{ ...first, concessionsCarriedVnd: null }, ...rest]).totals.concessionsCarriedVnd).toBeNull();
    expect(statement(mine).totals.concessionsCarriedVnd).toBe(mine.reduce((sum, row) => sum + (row.concessionsCarriedVnd ?? 0), 0));
    expect(() => statement([{ ...first, concessionsCarriedVnd: -1 }])).toThrow(RangeError);
  });

  it('computes net payable as fares + passes + apportioned in − out − refunds', () => {
    expect(netPayableVnd({ faresCollectedVnd: 70_000, passesSoldVnd: 200_000, apportionedInVnd: 3_000, apportionedOutVnd: 5_000, refundsVnd: 7_000 })).toBe(261_000);
  });

  it('answers undefined for an operator without rows, and refuses rows that break the ledger rules', () => {
    expect(settlementStatement(day.settlement, { operatorId: 'nobody', businessDay: '2026-12-03' })).toBeUndefined();
    const first = day.settlement[0] as SettlementRow;
    expect(() => settlementStatement([{ ...first, faresCollectedVnd: 1.5 }], scope)).toThrow(RangeError);
    expect(() => settlementStatement([{ ...first, refundsVnd: -1 }], scope)).toThrow(RangeError);
    expect(() => settlementStatement([first, first], scope)).toThrow(/repeat/u);
  });
});

describe('settlementCsv', () => {
  it('parses back to the same numbers, with a BOM, a header and a total line', () => {
    const result = statement();
    const csv = settlementCsv(result);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const records: Record<string, string>[] = parse(csv, { bom: true, columns: true });
    expect(Object.keys(records[0] ?? {})).toEqual([...SETTLEMENT_CSV_COLUMNS]);
    expect(records).toHaveLength(result.lines.length + 1);
    expect(records[0]?.['operator_name']).toBe('Tổng Công ty Vận tải Hà Nội');
    const total = records.at(-1);
    expect(total?.['line_type']).toBe('total');
    expect(Number(total?.['net_payable_vnd'])).toBe(result.totals.netPayableVnd);
    const routes = records.filter((record) => record['line_type'] === 'route');
    expect(routes.reduce((sum, record) => sum + Number(record['fares_collected_vnd']), 0)).toBe(result.totals.faresCollectedVnd);
  });

  it('escapes names a spreadsheet would run as a formula', () => {
    const hostile = day.settlement.filter((row) => row.operatorId === 'transerco').map((row) => ({ ...row, operatorName: '=HYPERLINK("http://x")' }));
    const records: Record<string, string>[] = parse(settlementCsv(statement(hostile)), { bom: true, columns: true });
    expect(records[0]?.['operator_name']).toBe(`'=HYPERLINK("http://x")`);
  });

  it('writes canteen payouts as sales minus refunds', () => {
    const records: Record<string, string>[] = parse(canteenPayoutCsv(day.canteenPayouts), { bom: true, columns: true });
    expect(records).toHaveLength(3);
    for (const record of records) expect(Number(record['payout_vnd'])).toBe(Number(record['sales_vnd']) - Number(record['refunds_vnd']));
    expect(records.map((record) => record['school_name'])).toContain('Trường THPT Chu Văn An');
  });
});

describe('canteenPayoutPdf', () => {
  it('lists every school with its payout and the total, in Vietnamese', async () => {
    const read = readPdf(await canteenPayoutPdf({ businessDay: day.businessDay, rows: day.canteenPayouts, lang: 'vi', generatedAt: new Date('2026-12-04T01:00:00Z') }));
    expect(read.title).toBe('Chi trả căng tin trường học');
    const text = read.pagesText.join('\n');
    for (const row of day.canteenPayouts) expect(text).toContain(row.schoolName);
    const totalVnd = day.canteenPayouts.reduce((sum, row) => sum + row.salesVnd - row.refundsVnd, 0);
    expect(text).toContain(new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }).format(totalVnd));
    expect(read.missingGlyphCount).toBe(0);
    const empty = readPdf(await canteenPayoutPdf({ businessDay: '2026-11-01', rows: day.canteenPayouts, lang: 'en', generatedAt: new Date() }));
    expect(empty.pagesText.join('\n')).toContain('No canteen sales on this day.');
  });
});

describe('settlementPdf', () => {
  it('is a PDF with the Vietnamese text, the totals and page numbers', async () => {
    const result = statement();
    const pdf = await settlementPdf(result, { lang: 'vi', generatedAt: new Date('2026-12-04T01:00:00Z') });
    const read = readPdf(pdf);
    expect(read.title).toBe('Bảng quyết toán doanh thu vé');
    expect(read.pageCount).toBe(1);
    const text = read.pagesText.join('\n');
    expect(text).toContain('Tổng Công ty Vận tải Hà Nội');
    expect(text).toContain('Ngày kinh doanh 03/12/2026');
    expect(text).toContain('Lập lúc: 08:00 04/12/2026');
    expect(text).toContain(`Thực trả đơn vị: ${new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }).format(result.totals.netPayableVnd)}`);
    expect(text).toContain('Tổng cộng');
    expect(text).toContain('Trang 1/1');
    expect(text).toContain('Thực trả = tiền vé + vé tháng + phân bổ nhận - phân bổ trả - hoàn tiền.');
    expect(read.missingGlyphCount).toBe(0);
  });

  it('breaks a long statement over pages and numbers every page, in English', async () => {
    const base = day.settlement[0] as SettlementRow;
    const many = Array.from({ length: 90 }, (_, index) => ({ ...base, operatorId: 'transerco', routeId: `R${String(index + 1).padStart(3, '0')}` }));
    const pdf = await settlementPdf(statement(many), { lang: 'en', generatedAt: new Date('2026-12-04T01:00:00Z') });
    const read = readPdf(pdf);
    expect(read.pageCount).toBeGreaterThanOrEqual(3);
    expect(read.pagesText.at(-1)).toContain(`Page ${read.pageCount} of ${read.pageCount}`);
    for (const page of read.pagesText) expect(page).toContain('Fares collected');
    const text = read.pagesText.join('\n');
    expect(text).toContain('R001');
    expect(text).toContain('R090');
    expect(text).toContain('Net payable');
    expect(read.missingGlyphCount).toBe(0);
  });
});

describe.each(testBackends())('settlement reports of a real two-operator day (%s)', (backend) => {
  let real: TwoOperatorDay;
  beforeAll(async () => {
    real = await openTwoOperatorDay(backend);
  }, 60_000);
  afterAll(async () => {
    await real.harness.close();
  });
  const statements = async (withFeed: boolean) =>
    Promise.all(
      ['hanoibus', 'bus-two'].map(async (operatorId) => {
        const rows = await settlementForDay(real.harness.database.db, operatorId, DAY, withFeed ? { fares: real.fares } : {});
        const found = settlementStatement(rows, { operatorId, businessDay: DAY });
        if (found === undefined) throw new Error('operator without a statement');
        return found;
      }),
    );

  it('explains every đồng across operators: apportionment nets to zero, so net payables sum to revenue minus refunds', async () => {
    for (const withFeed of [true, false]) {
      const totals = (await statements(withFeed)).map((found) => found.totals);
      const sum = (pick: (t: (typeof totals)[number]) => number): number => totals.reduce((total, t) => total + pick(t), 0);
      expect(sum((t) => t.apportionedInVnd)).toBeGreaterThan(0);
      expect(sum((t) => t.apportionedInVnd)).toBe(sum((t) => t.apportionedOutVnd));
      expect(sum((t) => t.netPayableVnd)).toBe(sum((t) => t.faresCollectedVnd + t.passesSoldVnd - t.refundsVnd));
      expect(sum((t) => t.faresCollectedVnd + t.passesSoldVnd)).toBe(412_000);
    }
  });

  it('writes priced concessions as amounts and unknown ones as an empty cell marked unknown in the CSV', async () => {
    const [priced] = await statements(true);
    const [unknown] = await statements(false);
    if (priced === undefined || unknown === undefined) throw new Error('no statement');
    const pricedRecords: Record<string, string>[] = parse(settlementCsv(priced), { bom: true, columns: true });
    expect(pricedRecords.at(-1)).toMatchObject({ line_type: 'total', concessions_carried_vnd: '12000', concessions_status: CONCESSIONS_STATUS.priced, net_payable_vnd: '327112' });
    const unknownRecords: Record<string, string>[] = parse(settlementCsv(unknown), { bom: true, columns: true });
    expect(unknownRecords.find((record) => record['route_id'] === '03A')).toMatchObject({ concessions_carried_vnd: '', concessions_status: CONCESSIONS_STATUS.unknown });
    expect(unknownRecords.find((record) => record['route_id'] === '18')).toMatchObject({ concessions_carried_vnd: '0', concessions_status: CONCESSIONS_STATUS.priced });
    expect(unknownRecords.find((record) => record['line_type'] === 'operator')).toMatchObject({ route_id: '', passes_sold_count: '2', passes_sold_vnd: '300000' });
    expect(unknownRecords.at(-1)).toMatchObject({ line_type: 'total', concessions_carried_vnd: '', concessions_status: CONCESSIONS_STATUS.unknown, net_payable_vnd: '328000' });
  });

  it('says "unknown" in the PDF when concessions cannot be priced, and shows the amount when they can', async () => {
    const [priced] = await statements(true);
    const [unknown] = await statements(false);
    if (priced === undefined || unknown === undefined) throw new Error('no statement');
    const vnd = (amountVnd: number): string => new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' }).format(amountVnd);
    const pricedText = readPdf(await settlementPdf(priced, { lang: 'vi', generatedAt: new Date('2026-12-05T01:00:00Z') })).pagesText.join('\n');
    expect(pricedText).toContain(`Giá trị ưu đãi: ${vnd(12_000)}`);
    expect(pricedText).not.toContain('Chưa xác định');
    const unknownRead = readPdf(await settlementPdf(unknown, { lang: 'en', generatedAt: new Date('2026-12-05T01:00:00Z') }));
    const unknownText = unknownRead.pagesText.join('\n');
    expect(unknownText).toContain('Concessions carried: Unknown');
    expect(unknownText).toMatch(/^Operator\b/mu);
    expect(unknownText).toContain('no fare feed is published');
    expect(unknownRead.missingGlyphCount).toBe(0);
    const unknownVi = readPdf(await settlementPdf(unknown, { lang: 'vi', generatedAt: new Date('2026-12-05T01:00:00Z') }));
    expect(unknownVi.pagesText.join('\n')).toContain('Giá trị ưu đãi: Chưa xác định');
    expect(unknownVi.missingGlyphCount).toBe(0);
  });
});
