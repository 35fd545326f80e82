/**
 * The dashboard page as server-rendered HTML (hono/html: every interpolated
 * value is escaped; only the SVG charts made by src/reports go in raw).
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { formatBusinessDay, formatCount, formatLocalDateTime, formatVnd, type ReportLanguage } from '../reports/format.js';
import { reportLabels } from '../reports/report-labels.js';
import type { BusinessDay, ExceptionRow, OperatorRef, SchoolRef } from '../reports/rows.js';
import type { DashboardViewer } from './dashboard-data.js';
import { dashboardText } from './i18n.js';
import { DASHBOARD_CSS } from './styles.js';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface DashboardPageModel {
  readonly lang: ReportLanguage;
  readonly viewer: DashboardViewer;
  readonly basePath: string;
  readonly businessDay: BusinessDay;
  readonly businessDays: readonly BusinessDay[];
  readonly operators: readonly OperatorRef[];
  readonly schools: readonly SchoolRef[];
  readonly selectedOperatorId: string | undefined;
  readonly totalTaps: number;
  readonly totalRevenueVnd: number;
  readonly totalNetPayableVnd: number;
  readonly ridershipSvg: string;
  readonly ridershipTable: { readonly hours: readonly number[]; readonly series: readonly { readonly name: string; readonly taps: readonly number[] }[] };
  readonly revenueSvg: string;
  readonly revenueTable: readonly { readonly operatorName: string; readonly fareRevenueVnd: number; readonly passRevenueVnd: number }[];
  readonly exceptions: readonly ExceptionRow[];
}

export function pageHref(model: Pick<DashboardPageModel, 'basePath'>, params: Readonly<Record<string, string | undefined>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, value);
  const search = query.toString();
  // Mounted with app.route(basePath, …) the page answers at `basePath` exactly (Hono is strict about a trailing slash).
  const path = model.basePath === '' ? '/' : model.basePath;
  return `${path}${search === '' ? '' : `?${search}`}`;
}

function layout(lang: ReportLanguage, title: string, header: Html, body: Html): Html {
  const t = dashboardText(lang);
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t.appName}</title>
<style>${raw(DASHBOARD_CSS)}</style>
</head>
<body>
<a class="skip" href="#main">${t.skipToContent}</a>
<header class="top"><div class="bar">${header}</div></header>
<main id="main" tabindex="-1">${body}</main>
</body>
</html>`;
}

function downloadLinks(model: DashboardPageModel): Html {
  const t = dashboardText(model.lang);
  const day = model.businessDay;
  const base = `${model.basePath}/downloads`;
  const operators = model.operators.filter((operator) => model.selectedOperatorId === undefined || operator.operatorId === model.selectedOperatorId);
  const operatorItems = operators.map(
    (operator) => html`<li><span class="who">${operator.operatorName}</span>
<a href="${base}/settlement/${operator.operatorId}/${day}.csv" download>${t.settlementCsv}</a>
<a href="${base}/settlement/${operator.operatorId}/${day}.pdf?lang=${model.lang}" download>${t.settlementPdf}</a>
<a href="${base}/tides/${operator.operatorId}/${day}.csv" download>${t.tidesCsv}</a>
<a href="${base}/reconciliation/operator/${operator.operatorId}/${day}.pdf?lang=${model.lang}" download>${t.reconciliationPdf}</a>
<a href="${base}/reconciliation/operator/${operator.operatorId}/${day}.csv" download>${t.exceptionsCsv}</a></li>`,
  );
  const admin =
    model.viewer.kind === 'clearing_admin'
      ? [
          ...model.schools.map(
            (school) => html`<li><span class="who">${school.schoolName}</span>
<a href="${base}/reconciliation/school/${school.schoolId}/${day}.pdf?lang=${model.lang}" download>${t.reconciliationPdf}</a>
<a href="${base}/reconciliation/school/${school.schoolId}/${day}.csv" download>${t.exceptionsCsv}</a></li>`,
          ),
          html`<li><span class="who">${t.clearingWide}</span>
<a href="${base}/reconciliation-summary/${day}.csv" download>${t.reconciliationSummaryCsv}</a>
<a href="${base}/canteen-payouts/${day}.csv" download>${t.canteenPayoutsCsv}</a>
<a href="${base}/canteen-payouts/${day}.pdf?lang=${model.lang}" download>${t.canteenPayoutsPdf}</a></li>`,
        ]
      : [];
  return html`<ul class="downloads">${operatorItems}${admin}</ul>`;
}

function exceptionsTable(model: DashboardPageModel): Html {
  const t = dashboardText(model.lang);
  const labels = reportLabels(model.lang);
  if (model.exceptions.length === 0) return html`<p class="empty">${t.noExceptions}</p>`;
  const names = new Map<string, string>([
    ...model.operators.map((operator): [string, string] => [operator.operatorId, operator.operatorName]),
    ...model.schools.map((school): [string, string] => [school.schoolId, school.schoolName]),
  ]);
  const rows = [...model.exceptions]
    .sort((a, b) => a.detectedAt.getTime() - b.detectedAt.getTime())
    .map((row) => {
      const where = row.operatorId ?? row.schoolId;
      const difference = row.differenceVnd;
      return html`<tr>
<td>${formatLocalDateTime(row.detectedAt, model.lang)}</td>
<td>${labels.exceptionKind[row.kind]}</td>
<td><span class="badge ${row.status}">${labels.exceptionStatus[row.status]}</span></td>
<td>${where === null ? '—' : (names.get(where) ?? where)}</td>
<td><code>${row.cardReference}</code></td>
<td><code>${row.deviceId ?? '—'}</code></td>
<td class="num${difference !== null && difference < 0 ? ' neg' : ''}">${difference === null ? '—' : formatVnd(difference, model.lang)}</td>
</tr>`;
    });
  return html`<div class="table-wrap"><table>
<caption class="skip">${t.exceptionsTitle}</caption>
<thead><tr><th scope="col">${labels.detectedAt}</th><th scope="col">${labels.kind}</th><th scope="col">${labels.status}</th><th scope="col">${t.where}</th><th scope="col">${labels.card}</th><th scope="col">${labels.device}</th><th scope="col" class="num">${labels.difference}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function numbersTables(model: DashboardPageModel): { readonly ridership: Html; readonly revenue: Html } {
  const t = dashboardText(model.lang);
  const { hours, series } = model.ridershipTable;
  const ridership = html`<details><summary>${t.showNumbers}</summary><div class="table-wrap"><table>
<thead><tr><th scope="col">${t.hour}</th>${series.map((entry) => html`<th scope="col" class="num">${entry.name}</th>`)}</tr></thead>
<tbody>${hours.map((hour, index) => html`<tr><th scope="row">${String(hour).padStart(2, '0')}:00</th>${series.map((entry) => html`<td class="num">${formatCount(entry.taps[index] ?? 0, model.lang)}</td>`)}</tr>`)}</tbody>
</table></div></details>`;
  const revenue = html`<details><summary>${t.showNumbers}</summary><div class="table-wrap"><table>
<thead><tr><th scope="col">${dashboardText(model.lang).where}</th><th scope="col" class="num">${t.fares}</th><th scope="col" class="num">${t.passes}</th></tr></thead>
<tbody>${model.revenueTable.map((row) => html`<tr><th scope="row">${row.operatorName}</th><td class="num">${formatVnd(row.fareRevenueVnd, model.lang)}</td><td class="num">${formatVnd(row.passRevenueVnd, model.lang)}</td></tr>`)}</tbody>
</table></div></details>`;
  return { ridership, revenue };
}

export function dashboardPage(model: DashboardPageModel): Html {
  const t = dashboardText(model.lang);
  const otherLang: ReportLanguage = model.lang === 'vi' ? 'en' : 'vi';
  const viewerName =
    model.viewer.kind === 'clearing_admin'
      ? t.viewerAdmin
      : `${t.viewerOperator}: ${model.operators.find((operator) => operator.operatorId === model.selectedOperatorId)?.operatorName ?? ''}`;
  const switchHref = pageHref(model, { day: model.businessDay, operator: model.viewer.kind === 'clearing_admin' ? model.selectedOperatorId : undefined, lang: otherLang });
  const header = html`<span class="brand">${t.appName}</span><h1>${t.pageTitle}</h1>
<span class="viewer">${viewerName}</span>
<nav aria-label="${t.languageSwitch}"><a href="${switchHref}" hreflang="${otherLang}" lang="${otherLang}" id="lang-switch">${t.otherLanguageName}</a></nav>`;
  const operatorSelect =
    model.viewer.kind === 'clearing_admin'
      ? html`<label>${t.viewerOperator}<select name="operator"><option value="">${t.allOperators}</option>${model.operators.map(
          (operator) => html`<option value="${operator.operatorId}"${model.selectedOperatorId === operator.operatorId ? raw(' selected') : ''}>${operator.operatorName}</option>`,
        )}</select></label>`
      : '';
  const numbers = numbersTables(model);
  const openExceptions = model.exceptions.filter((row) => row.status !== 'resolved').length;
  const body = html`<form class="filters" method="get" action="${pageHref(model, {})}" aria-label="${t.filters}">
<input type="hidden" name="lang" value="${model.lang}">
<label>${t.day}<select name="day">${model.businessDays.map(
    (day) => html`<option value="${day}"${day === model.businessDay ? raw(' selected') : ''}>${formatBusinessDay(day)}</option>`,
  )}</select></label>
${operatorSelect}
<button type="submit">${t.show}</button>
</form>
${model.totalTaps === 0 && model.revenueTable.length === 0 ? html`<p class="empty" role="status">${t.noData}</p>` : ''}
<ul class="kpis">
<li><span class="label">${t.kpiTaps}</span><span class="value">${formatCount(model.totalTaps, model.lang)}</span></li>
<li><span class="label">${t.kpiRevenue}</span><span class="value">${formatVnd(model.totalRevenueVnd, model.lang)}</span></li>
<li><span class="label">${model.selectedOperatorId === undefined ? t.kpiNetPayable : t.kpiNetPayableOne}</span><span class="value">${formatVnd(model.totalNetPayableVnd, model.lang)}</span></li>
<li><span class="label">${t.kpiOpenExceptions}</span><span class="value">${formatCount(openExceptions, model.lang)}</span></li>
</ul>
<div class="grid">
<section class="card" aria-labelledby="ridership-title"><h2 id="ridership-title">${t.ridershipTitle}</h2><p class="caption">${t.ridershipCaption}</p>
<figure>${raw(model.ridershipSvg)}</figure>${numbers.ridership}</section>
<section class="card" aria-labelledby="revenue-title"><h2 id="revenue-title">${t.revenueTitle}</h2><p class="caption">${t.revenueCaption}</p>
<figure>${raw(model.revenueSvg)}</figure>${numbers.revenue}</section>
</div>
<section class="card" aria-labelledby="exceptions-title"><h2 id="exceptions-title">${t.exceptionsTitle}</h2>${exceptionsTable(model)}</section>
<section class="card" aria-labelledby="downloads-title"><h2 id="downloads-title">${t.downloadsTitle}</h2><p class="caption">${t.downloadsIntro}</p>${downloadLinks(model)}</section>
<p class="note">${t.timesNote}</p>`;
  return layout(model.lang, `${t.pageTitle} · ${formatBusinessDay(model.businessDay)}`, header, body);
}

/** A small page for errors and empty states. */
export function messagePage(options: { readonly lang: ReportLanguage; readonly basePath: string; readonly title: string; readonly detail: string }): Html {
  const t = dashboardText(options.lang);
  const header = html`<span class="brand">${t.appName}</span><h1>${t.pageTitle}</h1>`;
  const body = html`<section class="card"><h2>${options.title}</h2><p>${options.detail}</p><p><a href="${pageHref(options, { lang: options.lang })}">${t.backToDashboard}</a></p></section>`;
  return layout(options.lang, options.title, header, body);
}
