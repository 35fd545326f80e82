/**
 * A Hanoi-like day of report rows for tests and demos, deterministic from a
 * seed: five operators, ~30 routes, morning and evening peaks, concession
 * riders, passes, cross-operator transfers, canteen sales at three schools,
 * and a handful of reconciliation exceptions. Amounts are integer đồng.
 */
import { businessDayBounds } from '../business-day.js';
import {
  EXCEPTION_KINDS,
  type BusinessDay,
  type CanteenPayoutRow,
  type ExceptionRow,
  type FareTransactionRow,
  type OperatorRef,
  type ReconciliationSummaryRow,
  type RevenueRow,
  type RidershipRow,
  type SchoolRef,
  type SettlementRow,
} from '../rows.js';

export const HANOI_FARE_VND = 7_000;
export const HANOI_MONTHLY_PASS_VND = 200_000;
export const HANOI_FARE_TRANSACTION_SAMPLE_COUNT = 600;
const SERVICE_HOUR_FIRST = 5;
const SERVICE_HOUR_LAST = 22;
const HOUR_MS = 3_600_000;

export interface HanoiDay {
  readonly businessDay: BusinessDay;
  readonly operators: readonly (OperatorRef & { readonly routeIds: readonly string[] })[];
  readonly schools: readonly SchoolRef[];
  readonly ridership: readonly RidershipRow[];
  readonly revenue: readonly RevenueRow[];
  readonly settlement: readonly SettlementRow[];
  readonly canteenPayouts: readonly CanteenPayoutRow[];
  readonly exceptions: readonly ExceptionRow[];
  readonly reconciliation: readonly ReconciliationSummaryRow[];
  readonly fareTransactions: readonly FareTransactionRow[];
}

const OPERATORS: readonly (OperatorRef & { readonly routeIds: readonly string[] })[] = [
  { operatorId: 'transerco', operatorName: 'Tổng Công ty Vận tải Hà Nội', routeIds: ['01', '02', '03A', '09A', '18', '22A', '32', '34', '38', '86'] },
  { operatorId: 'bao-yen', operatorName: 'Công ty TNHH Bảo Yến', routeIds: ['29', '45', '57', '103A'] },
  { operatorId: 'thang-long', operatorName: 'Công ty CP Xe khách Thăng Long', routeIds: ['53A', '64', '107', '108'] },
  { operatorId: 'vinbus', operatorName: 'Công ty TNHH VinBus', routeIds: ['E01', 'E02', 'E03', 'E05', 'E07'] },
  { operatorId: 'dong-anh', operatorName: 'Hợp tác xã Vận tải Đông Anh', routeIds: ['15', '17', '46'] },
];

const SCHOOLS: readonly SchoolRef[] = [
  { schoolId: 'thcs-nguyen-trai', schoolName: 'Trường THCS Nguyễn Trãi' },
  { schoolId: 'th-doan-thi-diem', schoolName: 'Trường Tiểu học Đoàn Thị Điểm' },
  { schoolId: 'thpt-chu-van-an', schoolName: 'Trường THPT Chu Văn An' },
];

/** mulberry32: small, seeded, good enough for test data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Relative demand by local hour: peaks at 7h and 17h. */
function demandAt(hour: number): number {
  const peak = (centre: number, spread: number): number => Math.exp(-((hour - centre) ** 2) / (2 * spread ** 2));
  return 0.15 + peak(7, 1.2) + 0.85 * peak(17.3, 1.4) + 0.25 * peak(12, 2);
}

/**
 * Journeys that span operators move money between routes, never in or out of
 * the system: what all routes give up (apportioned out) is shared among the
 * routes that carried the other legs (apportioned in), to the đồng.
 */
function balanceApportionment(rows: SettlementRow[], random: () => number): void {
  const totalOutVnd = rows.reduce((sum, row) => sum + row.apportionedOutVnd, 0);
  const weights = rows.map(() => 0.5 + random());
  const weightTotal = weights.reduce((sum, weight) => sum + weight, 0);
  let givenVnd = 0;
  rows.forEach((row, index) => {
    const shareVnd = index === rows.length - 1 ? totalOutVnd - givenVnd : Math.floor((totalOutVnd * (weights[index] ?? 0)) / weightTotal);
    givenVnd += shareVnd;
    rows[index] = { ...row, apportionedInVnd: shareVnd };
  });
}

export function hanoiDay(options: { readonly businessDay: BusinessDay; readonly seed: number }): HanoiDay {
  const random = seededRandom(options.seed);
  const { startsAt } = businessDayBounds(options.businessDay);
  const ridership: RidershipRow[] = [];
  const settlement: SettlementRow[] = [];
  const fareTransactions: FareTransactionRow[] = [];
  for (const operator of OPERATORS) {
    for (const routeId of operator.routeIds) {
      const routeScale = 60 + Math.floor(random() * 260);
      let routeTaps = 0;
      for (let hour = SERVICE_HOUR_FIRST; hour <= SERVICE_HOUR_LAST; hour += 1) {
        const taps = Math.round(routeScale * demandAt(hour) * (0.85 + 0.3 * random()));
        routeTaps += taps;
        ridership.push({ hourStart: new Date(startsAt.getTime() + hour * HOUR_MS), operatorId: operator.operatorId, routeId, taps });
      }
      const concessionTapCount = Math.round(routeTaps * 0.14);
      const passTapCount = Math.round(routeTaps * 0.3);
      const fareTapCount = routeTaps - concessionTapCount - passTapCount;
      const passesSoldCount = Math.floor(random() * 12);
      const transferShareVnd = Math.round(fareTapCount * 0.05) * 1_000;
      settlement.push({
        businessDay: options.businessDay,
        operatorId: operator.operatorId,
        operatorName: operator.operatorName,
        routeId,
        fareTapCount,
        faresCollectedVnd: fareTapCount * HANOI_FARE_VND,
        passesSoldCount,
        passesSoldVnd: passesSoldCount * HANOI_MONTHLY_PASS_VND,
        concessionTapCount,
        concessionsCarriedVnd: concessionTapCount * HANOI_FARE_VND,
        apportionedInVnd: 0,
        apportionedOutVnd: transferShareVnd,
        refundsVnd: random() < 0.2 ? HANOI_FARE_VND : 0,
      });
    }
  }
  balanceApportionment(settlement, random);
  const revenue: RevenueRow[] = OPERATORS.map((operator) => {
    const rows = settlement.filter((row) => row.operatorId === operator.operatorId);
    return {
      businessDay: options.businessDay,
      operatorId: operator.operatorId,
      operatorName: operator.operatorName,
      fareRevenueVnd: rows.reduce((sum, row) => sum + row.faresCollectedVnd, 0),
      passRevenueVnd: rows.reduce((sum, row) => sum + row.passesSoldVnd, 0),
    };
  });
  const allRoutes = OPERATORS.flatMap((operator) => operator.routeIds.map((routeId) => ({ operatorId: operator.operatorId, routeId })));
  const kinds = ['fare', 'fare', 'fare', 'fare', 'fare', 'fare', 'transfer', 'pass_purchase', 'top_up', 'adjustment'] as const;
  for (let index = 0; index < HANOI_FARE_TRANSACTION_SAMPLE_COUNT; index += 1) {
    const route = allRoutes[Math.floor(random() * allRoutes.length)] ?? { operatorId: 'transerco', routeId: '01' };
    const kind = kinds[Math.floor(random() * kinds.length)] ?? 'fare';
    const hour = SERVICE_HOUR_FIRST + Math.floor(random() * (SERVICE_HOUR_LAST - SERVICE_HOUR_FIRST));
    const amountVnd = kind === 'fare' ? HANOI_FARE_VND : kind === 'pass_purchase' ? HANOI_MONTHLY_PASS_VND : kind === 'top_up' ? 100_000 : 0;
    fareTransactions.push({
      transactionId: `ftx-${options.businessDay}-${String(index).padStart(6, '0')}`,
      occurredAt: new Date(startsAt.getTime() + hour * HOUR_MS + Math.floor(random() * HOUR_MS)),
      kind,
      amountVnd,
      operatorId: route.operatorId,
      routeId: route.routeId,
      tripIdPerformed: `${route.routeId}-${hour}`,
      stopId: `HN-${1000 + Math.floor(random() * 900)}`,
      vehicleId: `29B-${String(10000 + Math.floor(random() * 89999))}`,
      deviceId: `val-${route.operatorId}-${String(Math.floor(random() * 300)).padStart(4, '0')}`,
      fareId: kind === 'fare' ? 'hn-flat-7000' : null,
      riderCategory: random() < 0.14 ? 'Senior' : 'Adult',
      fareProduct: kind === 'pass_purchase' ? 'Monthly pass' : 'Single ride',
      fareCapped: random() < 0.03,
      fareMediaId: `acct_${Math.floor(random() * 1e9).toString(36)}`,
      balanceAfterVnd: Math.floor(random() * 40) * 5_000,
    });
  }
  const exceptions: ExceptionRow[] = Array.from({ length: 14 }, (_, index) => {
    const route = allRoutes[Math.floor(random() * allRoutes.length)] ?? { operatorId: 'transerco', routeId: '01' };
    const kind = EXCEPTION_KINDS[index % EXCEPTION_KINDS.length] ?? 'tmc_gap';
    const money = kind === 'balance_mismatch' || kind === 'balance_rise_without_load' || kind === 'autoload_amount_mismatch';
    const atSchool = index % 5 === 4;
    return {
      exceptionId: `exc-${options.businessDay}-${String(index + 1).padStart(3, '0')}`,
      detectedAt: new Date(startsAt.getTime() + (6 + index) * HOUR_MS + Math.floor(random() * HOUR_MS)),
      kind,
      status: index < 9 ? 'open' : index < 12 ? 'under_review' : 'resolved',
      operatorId: atSchool ? null : route.operatorId,
      schoolId: atSchool ? (SCHOOLS[index % SCHOOLS.length]?.schoolId ?? null) : null,
      cardReference: `•••• ${String(Math.floor(random() * 10_000)).padStart(4, '0')}`,
      deviceId: `val-${route.operatorId}-${String(Math.floor(random() * 300)).padStart(4, '0')}`,
      differenceVnd: money ? (1 + Math.floor(random() * 10)) * 1_000 * (random() < 0.5 ? -1 : 1) : null,
    };
  });
  const summaryFor = (scopeKind: 'operator' | 'school', scopeId: string, scopeName: string, taps: number): ReconciliationSummaryRow => {
    const mine = exceptions.filter((row) => (scopeKind === 'operator' ? row.operatorId : row.schoolId) === scopeId);
    const countOf = (kind: ExceptionRow['kind']): number => mine.filter((row) => row.kind === kind).length;
    const duplicatesDropped = Math.floor(taps * 0.002);
    return {
      businessDay: options.businessDay,
      scopeKind,
      scopeId,
      scopeName,
      eventsReceived: taps + duplicatesDropped,
      eventsApplied: taps,
      duplicatesDropped,
      gapsPending: countOf('tmc_gap'),
      gapsOverdue: mine.filter((row) => row.kind === 'tmc_gap' && row.status === 'open').length,
      balanceMismatches: countOf('balance_mismatch'),
      suspectedClones: countOf('tmc_duplicate') + countOf('balance_rise_without_load'),
      shadowMinusCardVnd: mine.reduce((sum, row) => sum + (row.differenceVnd ?? 0), 0),
    };
  };
  const canteenPayouts: CanteenPayoutRow[] = SCHOOLS.map((school) => {
    const purchaseCount = 300 + Math.floor(random() * 500);
    return {
      businessDay: options.businessDay,
      schoolId: school.schoolId,
      schoolName: school.schoolName,
      purchaseCount,
      salesVnd: purchaseCount * 15_000,
      refundsVnd: Math.floor(random() * 4) * 15_000,
    };
  });
  const reconciliation = [
    ...OPERATORS.map((operator) =>
      summaryFor('operator', operator.operatorId, operator.operatorName, ridership.filter((row) => row.operatorId === operator.operatorId).reduce((sum, row) => sum + row.taps, 0)),
    ),
    ...SCHOOLS.map((school) => summaryFor('school', school.schoolId, school.schoolName, canteenPayouts.find((row) => row.schoolId === school.schoolId)?.purchaseCount ?? 0)),
  ];
  return { businessDay: options.businessDay, operators: OPERATORS, schools: SCHOOLS, ridership, revenue, settlement, canteenPayouts, exceptions, reconciliation, fareTransactions };
}
