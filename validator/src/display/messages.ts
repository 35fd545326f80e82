/** What the rider and the operator read, in Vietnamese (default) and English. Every reason code has a text in both. */
import type { JournalEventKind } from '@onecard/card-os/profile';
import type { TapMode, TapReason } from '../tap/outcome.js';

export const DISPLAY_LANGUAGES = ['vi', 'en'] as const;
export type DisplayLanguage = (typeof DISPLAY_LANGUAGES)[number];

export interface DisplayTexts {
  readonly accepted: string;
  readonly refused: string;
  readonly amount: string;
  readonly balance: string;
  readonly card: string;
  readonly recentTaps: string;
  readonly noTapsYet: string;
  readonly reasons: Readonly<Record<TapReason, string>>;
  readonly kinds: Readonly<Record<JournalEventKind, string>>;
  readonly modes: Readonly<Record<TapMode, string>>;
}

const VI: DisplayTexts = {
  accepted: 'HỢP LỆ',
  refused: 'TỪ CHỐI',
  amount: 'Số tiền',
  balance: 'Số dư',
  card: 'Thẻ',
  recentTaps: 'Lượt quẹt gần đây',
  noTapsYet: 'Chưa có lượt quẹt nào',
  reasons: {
    link_lost: 'Thẻ rời đầu đọc quá sớm, vui lòng quẹt lại',
    application_absent: 'Thẻ không có ứng dụng này',
    key_not_held: 'Thiết bị không được phép đọc thẻ này',
    card_refused: 'Thẻ từ chối thao tác',
    record_invalid: 'Dữ liệu trên thẻ không hợp lệ',
    card_unreadable: 'Không đọc được thẻ',
    deny_listed: 'Thẻ đã bị khóa',
    card_expired: 'Thẻ đã hết hạn',
    category_expired: 'Đối tượng ưu tiên đã hết hạn',
    insufficient_funds: 'Số dư không đủ',
    purse_limit: 'Vượt hạn mức ví',
    amount_invalid: 'Số tiền không hợp lệ',
    route_unknown: 'Tuyến không có trong biểu giá',
    no_fare_for_rider: 'Không có giá vé cho đối tượng này',
    repeat_tap: 'Đã thanh toán',
    recovered_torn_tap: 'Đã thanh toán (khôi phục lượt trước)',
    autoload_claim_lost: 'Nạp tiền tự động chưa hoàn tất',
    autoload_settled: 'Đã nạp tiền tự động',
    anti_passback: 'Vừa quẹt thẻ, vui lòng chờ',
    not_enrolled_here: 'Không thuộc đơn vị này',
    enrolment_expired: 'Hết hạn đăng ký',
    loan_limit: 'Đã mượn tối đa số sách',
    item_not_on_loan: 'Sách không có trong danh sách mượn',
    item_already_on_loan: 'Sách đã được mượn',
    insurance_expired: 'Thẻ bảo hiểm y tế hết hạn',
    insurance_not_yet_valid: 'Thẻ bảo hiểm y tế chưa có hiệu lực',
    journal_failed: 'Lỗi lưu giao dịch, vui lòng quẹt lại',
    out_of_service: 'Tạm ngừng phục vụ, vui lòng dùng thiết bị khác',
    mode_input_missing: 'Thiếu thông tin nhập',
  },
  kinds: {
    fare: 'Vé lượt',
    'pass-use': 'Vé tháng',
    transfer: 'Chuyển tuyến',
    'free-ride': 'Miễn phí',
    capped: 'Đã đạt mức trần',
    'top-up': 'Nạp tiền',
    autoload: 'Nạp tiền tự động',
    'contract-load': 'Nạp vé tháng',
    recovery: 'Khôi phục',
    denied: 'Từ chối',
    'gate-in': 'Vào trường',
    'gate-out': 'Ra về',
    'canteen-purchase': 'Mua tại căng tin',
    'canteen-top-up': 'Nạp tiền căng tin',
    'library-loan': 'Mượn sách',
    'library-return': 'Trả sách',
    'office-in': 'Vào làm',
    'office-out': 'Ra về',
    'clinic-visit': 'Khám bệnh',
    'emergency-read': 'Đọc dữ liệu cấp cứu',
  },
  modes: { bus: 'Xe buýt', 'school-gate': 'Cổng trường', canteen: 'Căng tin', library: 'Thư viện', office: 'Cơ quan', clinic: 'Phòng khám' },
};

const EN: DisplayTexts = {
  accepted: 'OK',
  refused: 'REFUSED',
  amount: 'Amount',
  balance: 'Balance',
  card: 'Card',
  recentTaps: 'Recent taps',
  noTapsYet: 'No taps yet',
  reasons: {
    link_lost: 'Card left the reader too early, please tap again',
    application_absent: 'This card has no such application',
    key_not_held: 'This device may not read this card',
    card_refused: 'The card refused the operation',
    record_invalid: 'Card data is invalid',
    card_unreadable: 'Card unreadable',
    deny_listed: 'Card blocked',
    card_expired: 'Card expired',
    category_expired: 'Concession expired',
    insufficient_funds: 'Insufficient balance',
    purse_limit: 'Purse limit reached',
    amount_invalid: 'Invalid amount',
    route_unknown: 'Route not in the fare table',
    no_fare_for_rider: 'No fare for this rider category',
    repeat_tap: 'Already paid',
    recovered_torn_tap: 'Paid (previous tap recovered)',
    autoload_claim_lost: 'Autoload not completed',
    autoload_settled: 'Autoload completed',
    anti_passback: 'Just tapped, please wait',
    not_enrolled_here: 'Not registered here',
    enrolment_expired: 'Registration expired',
    loan_limit: 'Loan limit reached',
    item_not_on_loan: 'Item was not on loan',
    item_already_on_loan: 'Item already on loan',
    insurance_expired: 'Health insurance expired',
    insurance_not_yet_valid: 'Health insurance not yet valid',
    journal_failed: 'Could not save, please tap again',
    out_of_service: 'Out of service, please use another validator',
    mode_input_missing: 'Input missing',
  },
  kinds: {
    fare: 'Single fare',
    'pass-use': 'Monthly pass',
    transfer: 'Transfer',
    'free-ride': 'Free ride',
    capped: 'Cap reached',
    'top-up': 'Top-up',
    autoload: 'Autoload',
    'contract-load': 'Pass loaded',
    recovery: 'Recovery',
    denied: 'Refused',
    'gate-in': 'Arrived at school',
    'gate-out': 'Left school',
    'canteen-purchase': 'Canteen purchase',
    'canteen-top-up': 'Canteen top-up',
    'library-loan': 'Loan',
    'library-return': 'Return',
    'office-in': 'Checked in',
    'office-out': 'Checked out',
    'clinic-visit': 'Visit',
    'emergency-read': 'Emergency data read',
  },
  modes: { bus: 'Bus', 'school-gate': 'School gate', canteen: 'Canteen', library: 'Library', office: 'Office', clinic: 'Clinic' },
};

export const DISPLAY_TEXTS: Readonly<Record<DisplayLanguage, DisplayTexts>> = { vi: VI, en: EN };
