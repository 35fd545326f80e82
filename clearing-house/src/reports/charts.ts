/**
 * Charts as SVG strings with ECharts server-side rendering (no DOM, no
 * browser): ridership by local hour stacked by route, revenue by operator.
 * The root <svg> gets role="img" and an aria-label; pages show the numbers in
 * a table beside it for screen readers.
 */
import * as echarts from 'echarts';
import { localHourOf } from './business-day.js';
import { formatCount, formatMillionsVnd, formatVnd, type ReportLanguage } from './format.js';
import type { RevenueRow, RidershipRow } from './rows.js';

export const CHART_ROUTE_SERIES_COUNT_MAX = 8;
export const CHART_OPERATOR_COUNT_MAX = 30;
export const CHART_WIDTH_PX_DEFAULT = 720;
export const CHART_HEIGHT_PX_DEFAULT = 340;
const HOURS_PER_DAY = 24;
/** Okabe–Ito, readable with the common colour-vision deficiencies. */
export const CHART_PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999'];
/** The "other routes" series: a quiet grey, so the named routes stand out. */
export const CHART_FOLDED_COLOR = '#b9c1ca';
export const CHART_BAR_WIDTH_PX_MAX = 40;
const FONT_FAMILY = 'Noto Sans, DejaVu Sans, Arial, sans-serif';

export interface ChartOptions {
  readonly lang: ReportLanguage;
  /** Accessible name of the chart. */
  readonly title: string;
  readonly widthPx?: number;
  readonly heightPx?: number;
}

export interface RidershipChartLabels {
  readonly otherRoutes: string;
  readonly hourAxis: string;
  readonly tapsAxis: string;
  readonly routePrefix: string;
}

export interface RevenueChartLabels {
  readonly fares: string;
  readonly passes: string;
}

function escapeAttribute(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function render(options: ChartOptions, option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: options.widthPx ?? CHART_WIDTH_PX_DEFAULT,
    height: options.heightPx ?? CHART_HEIGHT_PX_DEFAULT,
  });
  try {
    chart.setOption({ animation: false, color: CHART_PALETTE, textStyle: { fontFamily: FONT_FAMILY }, ...option });
    const svg = chart.renderToSVGString();
    return svg.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(options.title)}" `);
  } finally {
    chart.dispose();
  }
}

/** Routes by total taps, busiest first; ties by id so output is stable. */
function busiestRoutes(rows: readonly RidershipRow[]): string[] {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.routeId, (totals.get(row.routeId) ?? 0) + row.taps);
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'en', { numeric: true })).map(([routeId]) => routeId);
}

export interface RidershipSeries {
  readonly hours: readonly number[];
  /** `folded` marks the one series that sums the quieter routes. */
  readonly series: readonly { readonly name: string; readonly routeIds: readonly string[]; readonly folded: boolean; readonly taps: readonly number[] }[];
}

/** Taps per local hour for the busiest routes, the rest folded into one series. Hours span the first to the last with taps. */
export function ridershipSeries(rows: readonly RidershipRow[], labels: Pick<RidershipChartLabels, 'otherRoutes' | 'routePrefix'>): RidershipSeries {
  const byHour = rows.map((row) => ({ ...row, hour: localHourOf(row.hourStart) }));
  const withTaps = byHour.filter((row) => row.taps > 0).map((row) => row.hour);
  const firstHour = withTaps.length === 0 ? 0 : Math.min(...withTaps);
  const lastHour = withTaps.length === 0 ? HOURS_PER_DAY - 1 : Math.max(...withTaps);
  const hours = Array.from({ length: lastHour - firstHour + 1 }, (_, index) => firstHour + index);
  const ranked = busiestRoutes(rows);
  const shown = ranked.length > CHART_ROUTE_SERIES_COUNT_MAX ? ranked.slice(0, CHART_ROUTE_SERIES_COUNT_MAX - 1) : ranked;
  const folded = ranked.slice(shown.length);
  const groups = [
    ...shown.map((routeId) => ({ name: `${labels.routePrefix} ${routeId}`, routeIds: [routeId], folded: false })),
    ...(folded.length > 0 ? [{ name: labels.otherRoutes, routeIds: folded, folded: true }] : []),
  ];
  const tapsByHourAndRoute = new Map<string, number>();
  for (const row of byHour) tapsByHourAndRoute.set(`${row.hour}|${row.routeId}`, (tapsByHourAndRoute.get(`${row.hour}|${row.routeId}`) ?? 0) + row.taps);
  return {
    hours,
    series: groups.map((group) => ({
      ...group,
      taps: hours.map((hour) => group.routeIds.reduce((sum, routeId) => sum + (tapsByHourAndRoute.get(`${hour}|${routeId}`) ?? 0), 0)),
    })),
  };
}

export function ridershipByHourSvg(rows: readonly RidershipRow[], options: ChartOptions & { readonly labels: RidershipChartLabels }): string {
  const { hours, series } = ridershipSeries(rows, options.labels);
  return render(options, {
    grid: { left: 64, right: 16, top: 56, bottom: 48 },
    legend: { type: 'plain', top: 4, left: 8, right: 8, textStyle: { fontSize: 11 }, itemWidth: 14, itemHeight: 10 },
    xAxis: { type: 'category', name: options.labels.hourAxis, nameLocation: 'middle', nameGap: 28, data: hours.map((hour) => `${String(hour).padStart(2, '0')}h`) },
    yAxis: { type: 'value', name: options.labels.tapsAxis, axisLabel: { formatter: (value: number) => formatCount(value, options.lang) } },
    series: series.map((entry) => ({
      type: 'bar',
      stack: 'taps',
      name: entry.name,
      data: [...entry.taps],
      barCategoryGap: '20%',
      ...(entry.folded ? { itemStyle: { color: CHART_FOLDED_COLOR } } : {}),
    })),
  });
}

export function revenueByOperatorSvg(rows: readonly RevenueRow[], options: ChartOptions & { readonly labels: RevenueChartLabels }): string {
  if (rows.length > CHART_OPERATOR_COUNT_MAX) throw new RangeError('too many operators for one revenue chart');
  const sorted = [...rows].sort((a, b) => a.fareRevenueVnd + a.passRevenueVnd - (b.fareRevenueVnd + b.passRevenueVnd) || b.operatorId.localeCompare(a.operatorId));
  const money = (value: number): string => formatVnd(value, options.lang);
  return render(options, {
    grid: { left: 8, right: 104, top: 36, bottom: 32, containLabel: true },
    legend: { top: 4, left: 8 },
    xAxis: { type: 'value', axisLabel: { formatter: (value: number) => formatMillionsVnd(value, options.lang) } },
    yAxis: { type: 'category', data: sorted.map((row) => row.operatorName), axisLabel: { width: 150, overflow: 'break', lineHeight: 14 } },
    series: [
      { type: 'bar', stack: 'revenue', name: options.labels.fares, data: sorted.map((row) => row.fareRevenueVnd), barMaxWidth: CHART_BAR_WIDTH_PX_MAX },
      {
        type: 'bar',
        stack: 'revenue',
        name: options.labels.passes,
        data: sorted.map((row) => row.passRevenueVnd),
        barMaxWidth: CHART_BAR_WIDTH_PX_MAX,
        label: { show: true, position: 'right', formatter: (params: { dataIndex: number }) => money((sorted[params.dataIndex]?.fareRevenueVnd ?? 0) + (sorted[params.dataIndex]?.passRevenueVnd ?? 0)) },
      },
    ],
  });
}
