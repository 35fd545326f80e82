import { describe, expect, it } from 'vitest';
import { CHART_ROUTE_SERIES_COUNT_MAX, revenueByOperatorSvg, ridershipByHourSvg, ridershipSeries } from './charts.js';
import { formatMillionsVnd } from './format.js';
import { hanoiDay } from './testing/hanoi-day.js';

const day = hanoiDay({ businessDay: '2026-12-03', seed: 9 });
const ridershipLabels = { otherRoutes: 'Tuyến khác', hourAxis: 'Giờ', tapsAxis: 'Lượt', routePrefix: 'Tuyến' };

describe('ridership by hour', () => {
  it('folds the quieter routes into one series and keeps every tap', () => {
    const { hours, series } = ridershipSeries(day.ridership, ridershipLabels);
    expect(hours[0]).toBe(5);
    expect(hours.at(-1)).toBe(22);
    expect(series).toHaveLength(CHART_ROUTE_SERIES_COUNT_MAX);
    expect(series.at(-1)?.name).toBe('Tuyến khác');
    const charted = series.reduce((sum, entry) => sum + entry.taps.reduce((a, b) => a + b, 0), 0);
    expect(charted).toBe(day.ridership.reduce((sum, row) => sum + row.taps, 0));
    const morningPeak = hours.indexOf(7);
    const midnightish = hours.indexOf(22);
    const total = (index: number): number => series.reduce((sum, entry) => sum + (entry.taps[index] ?? 0), 0);
    expect(total(morningPeak)).toBeGreaterThan(2 * total(midnightish));
  });

  it('renders an SVG with the route series, the local hours and an accessible name', () => {
    const svg = ridershipByHourSvg(day.ridership, { lang: 'vi', title: 'Lượt đi theo giờ', labels: ridershipLabels });
    expect(svg.startsWith('<svg role="img" aria-label="Lượt đi theo giờ"')).toBe(true);
    const { series } = ridershipSeries(day.ridership, ridershipLabels);
    for (const entry of series) expect(svg).toContain(entry.name);
    expect(svg).toContain('07h');
    expect(svg).toContain('17h');
    expect(svg.match(/<path /gu)?.length ?? 0).toBeGreaterThan(100);
  });

  it('renders an empty day without failing', () => {
    expect(ridershipByHourSvg([], { lang: 'en', title: 'Empty', labels: ridershipLabels })).toContain('<svg');
  });
});

describe('revenue by operator', () => {
  it('renders every operator with its total in đồng, and escapes the title', () => {
    const svg = revenueByOperatorSvg(day.revenue, { lang: 'vi', title: 'Doanh thu <theo> "đơn vị"', labels: { fares: 'Tiền vé', passes: 'Vé tháng' } });
    expect(svg).toContain('aria-label="Doanh thu &lt;theo&gt; &quot;đơn vị&quot;"');
    for (const row of day.revenue) {
      expect(svg).toContain(row.operatorName.slice(0, 12));
      const total = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 }).format(row.fareRevenueVnd + row.passRevenueVnd);
      expect(svg).toContain(total);
    }
    expect(svg).toContain('Tiền vé');
    expect(svg).toContain('Vé tháng');
  });
});

describe('revenue axis ticks', () => {
  it('shows fractions of a million below ten million, in both languages', () => {
    expect([0, 200_000, 1_000_000, 1_400_000, 25_000_000].map((v) => formatMillionsVnd(v, 'en'))).toEqual(['0 M', '0.2 M', '1 M', '1.4 M', '25 M']);
    expect(formatMillionsVnd(200_000, 'vi')).toBe('0,2 tr');
  });
});
