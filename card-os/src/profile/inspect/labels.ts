/**
 * What `card-os inspect` prints, in Vietnamese (default) and English. Every
 * code of every record has a label in both languages (the Record types make
 * a missing one a type error).
 */
import type { Allergy, BloodGroup, CanteenEvent, ContactRelation, ContractKind, GateDirection, HolderCategory, SchoolLevel, Tariff, TripEvent, VisitType } from '../codecs/codes.js';
import type { RecordDecodeErrorCode } from '../codecs/result.js';
import type { ProfileApplication } from '../layout/applications.js';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Labels {
  readonly locale: string;
  readonly applications: Readonly<Record<ProfileApplication, string>>;
  readonly field: {
    readonly cardNumber: string; readonly issuer: string; readonly issuedOn: string; readonly expiresOn: string; readonly categories: string; readonly profileVersion: string;
    readonly balance: string; readonly fareCategory: string; readonly contracts: string; readonly route: string; readonly sale: string;
    readonly journey: string; readonly transfers: string; readonly lastTap: string; readonly capDay: string; readonly capMonth: string; readonly history: string; readonly balanceAfter: string; readonly transaction: string; readonly counter: string;
    readonly school: string; readonly studentId: string; readonly level: string; readonly grade: string; readonly validUntil: string; readonly validity: string; readonly attendance: string; readonly gate: string; readonly loans: string; readonly due: string; readonly library: string; readonly item: string;
    readonly agency: string; readonly employeeId: string; readonly loginAccount: string; readonly credentialSerial: string;
    readonly insuranceNumber: string; readonly registeredFacility: string; readonly bloodGroup: string; readonly allergies: string; readonly conditions: string; readonly contact: string; readonly visits: string; readonly none: string; readonly device: string;
  };
  readonly problem: {
    readonly applicationAbsent: string; readonly keyNotHeld: string; readonly cardRefused: string; readonly recordInvalid: string;
    readonly decode: Readonly<Record<RecordDecodeErrorCode, string>>;
  };
  readonly issuers: Readonly<Record<number, string>>;
  readonly category: Readonly<Record<HolderCategory, string>>;
  readonly contractKind: Readonly<Record<ContractKind, string>>;
  readonly tariff: Readonly<Record<Tariff, string>>;
  readonly tripEvent: Readonly<Record<TripEvent, string>>;
  readonly level: Readonly<Record<SchoolLevel, string>>;
  readonly direction: Readonly<Record<GateDirection, string>>;
  readonly canteenEvent: Readonly<Record<CanteenEvent, string>>;
  readonly bloodGroup: Readonly<Record<BloodGroup, string>>;
  readonly allergy: Readonly<Record<Allergy, string>>;
  readonly relation: Readonly<Record<ContactRelation, string>>;
  readonly visitType: Readonly<Record<VisitType, string>>;
}

const BLOOD_GROUPS = { 'O+': 'O+', 'O-': 'O−', 'A+': 'A+', 'A-': 'A−', 'B+': 'B+', 'B-': 'B−', 'AB+': 'AB+', 'AB-': 'AB−' } as const;

export const VI: Labels = {
  locale: 'vi-VN',
  applications: { identity: 'Thông tin thẻ', transit: 'Giao thông công cộng', student: 'Học sinh – sinh viên', canteen: 'Căng tin', civil: 'Công chức, viên chức', health: 'Y tế' },
  field: {
    cardNumber: 'Số thẻ', issuer: 'Đơn vị phát hành', issuedOn: 'Ngày phát hành', expiresOn: 'Hạn sử dụng', categories: 'Đối tượng', profileVersion: 'Phiên bản hồ sơ thẻ',
    balance: 'Số dư', fareCategory: 'Đối tượng tính giá vé', contracts: 'Vé tháng', route: 'Tuyến', sale: 'mã bán',
    journey: 'Hành trình bắt đầu', transfers: 'Số lần chuyển tuyến', lastTap: 'Lần quẹt thẻ gần nhất', capDay: 'Đã chi trong ngày', capMonth: 'Đã chi trong tháng', history: 'Lịch sử giao dịch', balanceAfter: 'số dư sau', transaction: 'GD', counter: 'Số giao dịch của thẻ (TMC)',
    school: 'Mã trường', studentId: 'Mã học sinh', level: 'Cấp học', grade: 'Lớp', validUntil: 'Hạn sử dụng', validity: 'Giá trị sử dụng', attendance: 'Điểm danh', gate: 'cổng', loans: 'Sách đang mượn', due: 'hạn trả', library: 'thư viện', item: 'mã sách',
    agency: 'Mã cơ quan', employeeId: 'Mã cán bộ', loginAccount: 'Tài khoản đăng nhập', credentialSerial: 'số phát hành',
    insuranceNumber: 'Số thẻ BHYT', registeredFacility: 'Nơi đăng ký KCB ban đầu', bloodGroup: 'Nhóm máu', allergies: 'Dị ứng', conditions: 'Bệnh mạn tính', contact: 'Người liên hệ khẩn cấp', visits: 'Lịch sử khám chữa bệnh', none: 'không có', device: 'thiết bị',
  },
  problem: {
    applicationAbsent: 'Thẻ không có ứng dụng này',
    keyNotHeld: 'Không đọc được: thiết bị không giữ khóa cần thiết',
    cardRefused: 'Thẻ từ chối truy cập',
    recordInvalid: 'Dữ liệu trên thẻ không hợp lệ',
    decode: { empty: 'chưa ghi', unsupported_version: 'phiên bản không được hỗ trợ', malformed: 'sai định dạng' },
  },
  issuers: {
    1: 'Trung tâm Quản lý và Điều hành giao thông đô thị Hà Nội',
    2: 'Sở Giáo dục và Đào tạo Hà Nội',
    3: 'Bảo hiểm xã hội Việt Nam',
    4: 'Sở Nội vụ Hà Nội',
  },
  category: {
    adult: 'Người lớn', pupil: 'Học sinh', student: 'Sinh viên', 'civil-servant': 'Công chức, viên chức', 'elderly-60-plus': 'Người cao tuổi (từ 60 tuổi)',
    'child-under-6': 'Trẻ em dưới 6 tuổi', disabled: 'Người khuyết tật', veteran: 'Người có công với cách mạng', 'industrial-worker': 'Công nhân khu công nghiệp',
  },
  contractKind: { 'monthly-single-route': 'Vé tháng một tuyến', 'monthly-all-routes': 'Vé tháng liên tuyến' },
  tariff: { regular: 'Thông thường', concession: 'Ưu tiên', free: 'Miễn phí' },
  tripEvent: { issue: 'Phát hành thẻ', fare: 'Trả tiền vé', 'pass-use': 'Đi bằng vé tháng', transfer: 'Chuyển tuyến', 'top-up': 'Nạp tiền', autoload: 'Nạp tiền tự động', 'contract-sale': 'Mua vé tháng', correction: 'Điều chỉnh' },
  level: { preschool: 'Mầm non', primary: 'Tiểu học', 'lower-secondary': 'Trung học cơ sở', 'upper-secondary': 'Trung học phổ thông', vocational: 'Giáo dục nghề nghiệp', university: 'Đại học, cao đẳng' },
  direction: { in: 'Vào', out: 'Ra' },
  canteenEvent: { issue: 'Phát hành', purchase: 'Mua hàng', 'top-up': 'Nạp tiền', refund: 'Hoàn tiền' },
  bloodGroup: { unknown: 'Chưa rõ', ...BLOOD_GROUPS },
  allergy: {
    penicillin: 'Penicillin', 'other-antibiotics': 'Kháng sinh khác', nsaids: 'Thuốc giảm đau chống viêm (NSAID)', anaesthetics: 'Thuốc gây tê, gây mê', 'iodinated-contrast': 'Thuốc cản quang có i-ốt',
    latex: 'Cao su (latex)', nuts: 'Các loại hạt', seafood: 'Hải sản', egg: 'Trứng', milk: 'Sữa', 'insect-stings': 'Côn trùng đốt',
  },
  relation: { parent: 'Cha/mẹ', spouse: 'Vợ/chồng', child: 'Con', sibling: 'Anh/chị/em', relative: 'Người thân', guardian: 'Người giám hộ', other: 'Khác' },
  visitType: { outpatient: 'Ngoại trú', inpatient: 'Nội trú', emergency: 'Cấp cứu', vaccination: 'Tiêm chủng', pharmacy: 'Nhà thuốc' },
};

export const EN: Labels = {
  locale: 'en-GB',
  applications: { identity: 'Card', transit: 'Public transport', student: 'Pupil / student', canteen: 'Canteen', civil: 'Civil servant', health: 'Health' },
  field: {
    cardNumber: 'Card number', issuer: 'Issuer', issuedOn: 'Issued on', expiresOn: 'Valid until', categories: 'Holder category', profileVersion: 'Card profile version',
    balance: 'Balance', fareCategory: 'Fare category', contracts: 'Monthly passes', route: 'Route', sale: 'sale',
    journey: 'Journey started', transfers: 'Transfers used', lastTap: 'Last tap', capDay: 'Spent today', capMonth: 'Spent this month', history: 'Transactions', balanceAfter: 'balance after', transaction: 'txn', counter: 'Card transaction counter (TMC)',
    school: 'School code', studentId: 'Student ID', level: 'Level', grade: 'Grade', validUntil: 'Valid until', validity: 'Valid', attendance: 'Attendance', gate: 'gate', loans: 'Library loans', due: 'due', library: 'library', item: 'item',
    agency: 'Agency code', employeeId: 'Employee ID', loginAccount: 'Login account', credentialSerial: 'credential serial',
    insuranceNumber: 'Health insurance number', registeredFacility: 'Registered facility', bloodGroup: 'Blood group', allergies: 'Allergies', conditions: 'Chronic conditions', contact: 'Emergency contact', visits: 'Visits', none: 'none', device: 'device',
  },
  problem: {
    applicationAbsent: 'The card has no such application',
    keyNotHeld: 'Not readable: this terminal does not hold the key',
    cardRefused: 'The card refused access',
    recordInvalid: 'The data on the card is not valid',
    decode: { empty: 'never written', unsupported_version: 'unsupported version', malformed: 'malformed' },
  },
  issuers: {
    1: 'Hanoi Urban Transport Management and Operation Centre',
    2: 'Hanoi Department of Education and Training',
    3: 'Vietnam Social Security',
    4: 'Hanoi Department of Home Affairs',
  },
  category: {
    adult: 'Adult', pupil: 'Pupil', student: 'Student', 'civil-servant': 'Civil servant', 'elderly-60-plus': 'Elderly (60+)',
    'child-under-6': 'Child under 6', disabled: 'Person with a disability', veteran: 'Person with meritorious service', 'industrial-worker': 'Industrial-zone worker',
  },
  contractKind: { 'monthly-single-route': 'Monthly pass, one route', 'monthly-all-routes': 'Monthly pass, all routes' },
  tariff: { regular: 'Regular', concession: 'Concession', free: 'Free' },
  tripEvent: { issue: 'Card issued', fare: 'Fare', 'pass-use': 'Pass used', transfer: 'Transfer', 'top-up': 'Top-up', autoload: 'Autoload', 'contract-sale': 'Pass bought', correction: 'Correction' },
  level: { preschool: 'Preschool', primary: 'Primary', 'lower-secondary': 'Lower secondary', 'upper-secondary': 'Upper secondary', vocational: 'Vocational', university: 'University / college' },
  direction: { in: 'In', out: 'Out' },
  canteenEvent: { issue: 'Issued', purchase: 'Purchase', 'top-up': 'Top-up', refund: 'Refund' },
  bloodGroup: { unknown: 'Unknown', ...BLOOD_GROUPS },
  allergy: {
    penicillin: 'Penicillin', 'other-antibiotics': 'Other antibiotics', nsaids: 'NSAIDs', anaesthetics: 'Anaesthetics', 'iodinated-contrast': 'Iodinated contrast',
    latex: 'Latex', nuts: 'Nuts', seafood: 'Seafood', egg: 'Egg', milk: 'Milk', 'insect-stings': 'Insect stings',
  },
  relation: { parent: 'Parent', spouse: 'Spouse', child: 'Child', sibling: 'Sibling', relative: 'Relative', guardian: 'Guardian', other: 'Other' },
  visitType: { outpatient: 'Outpatient', inpatient: 'Inpatient', emergency: 'Emergency', vaccination: 'Vaccination', pharmacy: 'Pharmacy' },
};

export const LABELS: Readonly<Record<Language, Labels>> = { vi: VI, en: EN };
