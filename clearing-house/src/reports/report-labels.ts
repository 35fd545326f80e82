/** Words on reports, in Vietnamese and English. Shared with the dashboard. */
import type { ReportLanguage } from './format.js';
import type { ExceptionKind, ExceptionStatus } from './rows.js';

export interface ReportLabels {
  readonly generated: string;
  readonly page: (page: number, pageCount: number) => string;
  readonly settlementTitle: string;
  readonly businessDay: string;
  readonly operator: string;
  readonly route: string;
  readonly fareTaps: string;
  readonly faresCollected: string;
  readonly passesSold: string;
  readonly passRevenue: string;
  readonly concessionTaps: string;
  readonly concessionsCarried: string;
  readonly apportionedIn: string;
  readonly apportionedOut: string;
  readonly refunds: string;
  readonly netPayable: string;
  readonly total: string;
  readonly settlementNote: string;
  readonly reconciliationTitle: string;
  readonly school: string;
  readonly eventsReceived: string;
  readonly eventsApplied: string;
  readonly duplicatesDropped: string;
  readonly gapsPending: string;
  readonly gapsOverdue: string;
  readonly balanceMismatches: string;
  readonly suspectedClones: string;
  readonly shadowMinusCard: string;
  readonly exceptions: string;
  readonly measure: string;
  readonly count: string;
  readonly noExceptions: string;
  readonly detectedAt: string;
  readonly kind: string;
  readonly status: string;
  readonly card: string;
  readonly device: string;
  readonly difference: string;
  readonly canteenTitle: string;
  readonly purchases: string;
  readonly sales: string;
  readonly payout: string;
  readonly canteenNote: string;
  readonly noCanteenSales: string;
  readonly exceptionKind: Readonly<Record<ExceptionKind, string>>;
  readonly exceptionStatus: Readonly<Record<ExceptionStatus, string>>;
}

// Noto Sans has no U+2212 MINUS SIGN: the notes use the hyphen-minus (a PDF test checks no glyph is missing).
const VI: ReportLabels = {
  generated: 'Lập lúc',
  page: (page, pageCount) => `Trang ${page}/${pageCount}`,
  settlementTitle: 'Bảng quyết toán doanh thu vé',
  businessDay: 'Ngày kinh doanh',
  operator: 'Đơn vị vận hành',
  route: 'Tuyến',
  fareTaps: 'Lượt quẹt trả tiền',
  faresCollected: 'Tiền vé thu',
  passesSold: 'Vé tháng bán',
  passRevenue: 'Tiền vé tháng',
  concessionTaps: 'Lượt ưu đãi',
  concessionsCarried: 'Giá trị ưu đãi',
  apportionedIn: 'Phân bổ nhận',
  apportionedOut: 'Phân bổ trả',
  refunds: 'Hoàn tiền',
  netPayable: 'Thực trả đơn vị',
  total: 'Tổng cộng',
  settlementNote:
    'Thực trả = tiền vé + vé tháng + phân bổ nhận - phân bổ trả - hoàn tiền. Giá trị ưu đãi do chương trình trợ giá chi trả, không tính vào thực trả.',
  reconciliationTitle: 'Báo cáo đối soát hằng ngày',
  school: 'Trường học',
  eventsReceived: 'Giao dịch nhận',
  eventsApplied: 'Giao dịch ghi sổ',
  duplicatesDropped: 'Trùng lặp bỏ qua',
  gapsPending: 'Khoảng trống chờ tải',
  gapsOverdue: 'Khoảng trống quá hạn',
  balanceMismatches: 'Lệch số dư',
  suspectedClones: 'Nghi thẻ giả',
  shadowMinusCard: 'Chênh lệch sổ cái so với thẻ',
  exceptions: 'Ngoại lệ cần xem xét',
  measure: 'Chỉ tiêu',
  count: 'Số lượng',
  noExceptions: 'Không có ngoại lệ.',
  detectedAt: 'Phát hiện lúc',
  kind: 'Loại',
  status: 'Trạng thái',
  card: 'Thẻ',
  device: 'Thiết bị',
  difference: 'Chênh lệch',
  canteenTitle: 'Chi trả căng tin trường học',
  purchases: 'Lượt mua',
  sales: 'Doanh số',
  payout: 'Chi trả',
  canteenNote: 'Chi trả = doanh số - hoàn tiền, chuyển cho trường vào ngày làm việc tiếp theo.',
  noCanteenSales: 'Không có giao dịch căng tin trong ngày này.',
  exceptionKind: {
    balance_mismatch: 'Lệch số dư',
    balance_rise_without_load: 'Số dư tăng không có nạp tiền',
    tmc_gap: 'Thiếu giao dịch (bộ đếm thẻ)',
    tmc_duplicate: 'Bộ đếm thẻ trùng (nghi thẻ giả)',
    autoload_without_order: 'Nạp tự động không có lệnh',
    autoload_amount_mismatch: 'Nạp tự động sai số tiền',
    chain_link_broken: 'Đứt chuỗi nhật ký thiết bị',
    batch_conflict: 'Lô dữ liệu xung đột',
    refund_after_load: 'Hoàn tiền sau khi đã nạp vào thẻ',
  },
  exceptionStatus: { open: 'Mới', under_review: 'Đang xem xét', resolved: 'Đã xử lý' },
};

const EN: ReportLabels = {
  generated: 'Generated',
  page: (page, pageCount) => `Page ${page} of ${pageCount}`,
  settlementTitle: 'Fare revenue settlement statement',
  businessDay: 'Business day',
  operator: 'Operator',
  route: 'Route',
  fareTaps: 'Paid taps',
  faresCollected: 'Fares collected',
  passesSold: 'Passes sold',
  passRevenue: 'Pass revenue',
  concessionTaps: 'Concession taps',
  concessionsCarried: 'Concessions carried',
  apportionedIn: 'Apportioned in',
  apportionedOut: 'Apportioned out',
  refunds: 'Refunds',
  netPayable: 'Net payable',
  total: 'Total',
  settlementNote:
    'Net payable = fares + passes + apportioned in - apportioned out - refunds. Concessions carried are paid by the concession scheme and are not part of net payable.',
  reconciliationTitle: 'Daily reconciliation report',
  school: 'School',
  eventsReceived: 'Events received',
  eventsApplied: 'Events applied',
  duplicatesDropped: 'Duplicates dropped',
  gapsPending: 'Gaps pending upload',
  gapsOverdue: 'Gaps overdue',
  balanceMismatches: 'Balance mismatches',
  suspectedClones: 'Suspected clones',
  shadowMinusCard: 'Ledger minus card balances',
  exceptions: 'Exceptions to review',
  measure: 'Measure',
  count: 'Count',
  noExceptions: 'No exceptions.',
  detectedAt: 'Detected',
  kind: 'Kind',
  status: 'Status',
  card: 'Card',
  device: 'Device',
  difference: 'Difference',
  canteenTitle: 'School canteen payouts',
  purchases: 'Purchases',
  sales: 'Sales',
  payout: 'Payout',
  canteenNote: 'Payout = sales - refunds, transferred to the school on the next working day.',
  noCanteenSales: 'No canteen sales on this day.',
  exceptionKind: {
    balance_mismatch: 'Balance mismatch',
    balance_rise_without_load: 'Balance rose without a load',
    tmc_gap: 'Missing transactions (card counter gap)',
    tmc_duplicate: 'Card counter seen twice (possible clone)',
    autoload_without_order: 'Autoload without an order',
    autoload_amount_mismatch: 'Autoload amount mismatch',
    chain_link_broken: 'Device journal chain broken',
    batch_conflict: 'Conflicting batch',
    refund_after_load: 'Refund after the card was loaded',
  },
  exceptionStatus: { open: 'Open', under_review: 'Under review', resolved: 'Resolved' },
};

export function reportLabels(lang: ReportLanguage): ReportLabels {
  switch (lang) {
    case 'vi':
      return VI;
    case 'en':
      return EN;
  }
}
