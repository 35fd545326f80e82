/**
 * Dashboard words in Vietnamese (default) and English, and choosing the
 * language: `?lang=vi|en` first, then Accept-Language, then Vietnamese.
 */
import { REPORT_LANGUAGES, type ReportLanguage } from '../reports/format.js';

export const ACCEPT_LANGUAGE_ENTRY_COUNT_MAX = 20;

export interface DashboardText {
  readonly appName: string;
  readonly pageTitle: string;
  readonly skipToContent: string;
  readonly languageSwitch: string;
  readonly otherLanguageName: string;
  readonly viewerAdmin: string;
  readonly viewerOperator: string;
  readonly filters: string;
  readonly day: string;
  readonly allOperators: string;
  readonly show: string;
  readonly kpiTaps: string;
  readonly kpiRevenue: string;
  readonly kpiNetPayable: string;
  readonly kpiNetPayableOne: string;
  readonly kpiOpenExceptions: string;
  readonly ridershipTitle: string;
  readonly ridershipCaption: string;
  readonly revenueTitle: string;
  readonly revenueCaption: string;
  readonly showNumbers: string;
  readonly hour: string;
  readonly taps: string;
  readonly fares: string;
  readonly passes: string;
  readonly otherRoutes: string;
  readonly routePrefix: string;
  readonly exceptionsTitle: string;
  readonly noExceptions: string;
  readonly where: string;
  readonly downloadsTitle: string;
  readonly downloadsIntro: string;
  readonly settlementCsv: string;
  readonly settlementPdf: string;
  readonly tidesCsv: string;
  readonly reconciliationPdf: string;
  readonly exceptionsCsv: string;
  readonly clearingWide: string;
  readonly reconciliationSummaryCsv: string;
  readonly canteenPayoutsCsv: string;
  readonly canteenPayoutsPdf: string;
  readonly noData: string;
  readonly badRequest: string;
  readonly forbidden: string;
  readonly notFound: string;
  readonly backToDashboard: string;
  readonly timesNote: string;
}

const VI: DashboardText = {
  appName: 'OneCard',
  pageTitle: 'Bảng điều khiển thanh toán bù trừ',
  skipToContent: 'Bỏ qua, đến nội dung chính',
  languageSwitch: 'Ngôn ngữ',
  otherLanguageName: 'English',
  viewerAdmin: 'Quản trị trung tâm thanh toán bù trừ',
  viewerOperator: 'Đơn vị vận hành',
  filters: 'Bộ lọc',
  day: 'Ngày',
  allOperators: 'Tất cả đơn vị',
  show: 'Xem',
  kpiTaps: 'Lượt quẹt thẻ',
  kpiRevenue: 'Doanh thu',
  kpiNetPayable: 'Thực trả các đơn vị',
  kpiNetPayableOne: 'Thực trả đơn vị',
  kpiOpenExceptions: 'Ngoại lệ chưa xử lý',
  ridershipTitle: 'Lượt đi theo giờ và tuyến',
  ridershipCaption: 'Số lượt quẹt thẻ lên xe mỗi giờ (giờ Hà Nội), theo tuyến.',
  revenueTitle: 'Doanh thu theo đơn vị vận hành',
  revenueCaption: 'Tiền vé lượt và vé tháng trong ngày kinh doanh.',
  showNumbers: 'Xem bảng số liệu',
  hour: 'Giờ',
  taps: 'Lượt',
  fares: 'Tiền vé lượt',
  passes: 'Vé tháng',
  otherRoutes: 'Các tuyến khác',
  routePrefix: 'Tuyến',
  exceptionsTitle: 'Ngoại lệ đối soát',
  noExceptions: 'Không có ngoại lệ trong ngày này.',
  where: 'Đơn vị / trường',
  downloadsTitle: 'Tải báo cáo',
  downloadsIntro: 'Báo cáo quyết toán, đối soát và dữ liệu giao dịch theo chuẩn TIDES cho ngày đã chọn.',
  settlementCsv: 'Quyết toán (CSV)',
  settlementPdf: 'Quyết toán (PDF)',
  tidesCsv: 'Giao dịch TIDES (CSV)',
  reconciliationPdf: 'Đối soát (PDF)',
  exceptionsCsv: 'Ngoại lệ (CSV)',
  clearingWide: 'Toàn hệ thống',
  reconciliationSummaryCsv: 'Tổng hợp đối soát (CSV)',
  canteenPayoutsCsv: 'Chi trả căng tin trường học (CSV)',
  canteenPayoutsPdf: 'Chi trả căng tin trường học (PDF)',
  noData: 'Chưa có dữ liệu cho ngày này.',
  badRequest: 'Yêu cầu không hợp lệ',
  forbidden: 'Bạn không có quyền xem mục này',
  notFound: 'Không tìm thấy',
  backToDashboard: 'Quay lại bảng điều khiển',
  timesNote: 'Giờ hiển thị theo múi giờ Hà Nội (UTC+7).',
};

const EN: DashboardText = {
  appName: 'OneCard',
  pageTitle: 'Clearing dashboard',
  skipToContent: 'Skip to main content',
  languageSwitch: 'Language',
  otherLanguageName: 'Tiếng Việt',
  viewerAdmin: 'Clearing house administrator',
  viewerOperator: 'Operator',
  filters: 'Filters',
  day: 'Day',
  allOperators: 'All operators',
  show: 'Show',
  kpiTaps: 'Card taps',
  kpiRevenue: 'Revenue',
  kpiNetPayable: 'Net payable to operators',
  kpiNetPayableOne: 'Net payable to the operator',
  kpiOpenExceptions: 'Open exceptions',
  ridershipTitle: 'Ridership by hour and route',
  ridershipCaption: 'Boarding taps per hour (Hanoi time), by route.',
  revenueTitle: 'Revenue by operator',
  revenueCaption: 'Single fares and passes over the business day.',
  showNumbers: 'Show the numbers',
  hour: 'Hour',
  taps: 'Taps',
  fares: 'Single fares',
  passes: 'Passes',
  otherRoutes: 'Other routes',
  routePrefix: 'Route',
  exceptionsTitle: 'Reconciliation exceptions',
  noExceptions: 'No exceptions on this day.',
  where: 'Operator / school',
  downloadsTitle: 'Downloads',
  downloadsIntro: 'Settlement, reconciliation and TIDES fare transaction data for the selected day.',
  settlementCsv: 'Settlement (CSV)',
  settlementPdf: 'Settlement (PDF)',
  tidesCsv: 'TIDES transactions (CSV)',
  reconciliationPdf: 'Reconciliation (PDF)',
  exceptionsCsv: 'Exceptions (CSV)',
  clearingWide: 'Clearing-wide',
  reconciliationSummaryCsv: 'Reconciliation summary (CSV)',
  canteenPayoutsCsv: 'School canteen payouts (CSV)',
  canteenPayoutsPdf: 'School canteen payouts (PDF)',
  noData: 'No data for this day yet.',
  badRequest: 'Bad request',
  forbidden: 'You may not see this',
  notFound: 'Not found',
  backToDashboard: 'Back to the dashboard',
  timesNote: 'Times are shown in Hanoi time (UTC+7).',
};

export function dashboardText(lang: ReportLanguage): DashboardText {
  switch (lang) {
    case 'vi':
      return VI;
    case 'en':
      return EN;
  }
}

function isLanguage(value: string): value is ReportLanguage {
  return (REPORT_LANGUAGES as readonly string[]).includes(value);
}

/** `?lang=` wins; else the best of vi/en in Accept-Language by q; else vi. */
export function chooseLanguage(queryLang: string | undefined, acceptLanguage: string | undefined): ReportLanguage {
  if (queryLang !== undefined && isLanguage(queryLang)) return queryLang;
  const entries = (acceptLanguage ?? '')
    .split(',')
    .slice(0, ACCEPT_LANGUAGE_ENTRY_COUNT_MAX)
    .map((entry, index) => {
      const [tag = '', ...params] = entry.trim().split(';');
      const q = params.map((param) => /^\s*q=([01](?:\.\d{1,3})?)\s*$/u.exec(param)?.[1]).find((value) => value !== undefined);
      return { primary: tag.toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && isLanguage(entry.primary))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const best = entries[0]?.primary;
  return best !== undefined && isLanguage(best) ? best : 'vi';
}
