import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../test/support/database.js';
import { OPERATOR_2_ID, OPERATOR_ID } from '../../test/support/seed.js';
import { databaseDashboardData } from '../dashboard-data/index.js';
import { queryRows, toNumber } from '../db/rows.js';
import { onBusinessDay } from '../reconcile/business-day-sql.js';
import { revenueByOperator, settlementForDay, type SettlementOptions } from '../reconcile/settlement-queries.js';
import type { SettlementRow } from '../reports/rows.js';
import { settlementStatement } from '../reports/settlement.js';
import { DAY, openTwoOperatorDay, type TwoOperatorDay } from './two-operator-day.fixtures.js';

type Figures = Omit<SettlementRow, 'businessDay' | 'operatorId' | 'operatorName' | 'refundsVnd'>;
const none = { fareTapCount: 0, faresCollectedVnd: 0, passesSoldCount: 0, passesSoldVnd: 0, concessionTapCount: 0, concessionsCarriedVnd: 0, apportionedInVnd: 0, apportionedOutVnd: 0 };
const figures = (rows: readonly SettlementRow[]): Figures[] =>
  rows.map((row) => ({
    routeId: row.routeId,
    fareTapCount: row.fareTapCount,
    faresCollectedVnd: row.faresCollectedVnd,
    passesSoldCount: row.passesSoldCount,
    passesSoldVnd: row.passesSoldVnd,
    concessionTapCount: row.concessionTapCount,
    concessionsCarriedVnd: row.concessionsCarriedVnd,
    apportionedInVnd: row.apportionedInVnd,
    apportionedOutVnd: row.apportionedOutVnd,
  }));

describe.each(testBackends())('settlement of a two-operator day (%s)', (backend) => {
  let day: TwoOperatorDay;
  const settle = (operatorId: string, options: SettlementOptions = {}): Promise<SettlementRow[]> => settlementForDay(day.harness.database.db, operatorId, DAY, options);
  /** Every đồng the ledger took on the day for fares and passes. */
  const collectedVnd = async (businessDay = DAY): Promise<number> => {
    const [row] = await queryRows<Record<string, unknown>>(day.harness.database.db, sql`SELECT coalesce(sum(amount_vnd), 0) AS vnd FROM ledger_transfers t WHERE t.code IN ('fare', 'pass_sale') AND ${onBusinessDay(sql`t.at`, businessDay)}`);
    return toNumber(row?.['vnd']);
  };
  const netPayables = async (options: SettlementOptions, businessDay = DAY): Promise<number[]> =>
    Promise.all(
      [OPERATOR_ID, OPERATOR_2_ID].map(async (operatorId) => {
        const statement = settlementStatement(await settlementForDay(day.harness.database.db, operatorId, businessDay, options), { operatorId, businessDay });
        return statement?.totals.netPayableVnd ?? 0;
      }),
    );

  beforeAll(async () => {
    day = await openTwoOperatorDay(backend);
  }, 60_000);
  afterAll(async () => {
    await day.harness.close();
  });

  it('settles the collecting operator with the published feed: passes from the ledger, concessions priced, its share of journeys given out', async () => {
    expect(figures(await settle(OPERATOR_ID, { fares: day.fares }))).toEqual([
      // 03A: three 8,000 fares (the replay of card 4's TMC is not counted), a free elderly ride (full fare 8,000), the 03A pass;
      // the 03A → 32 journey's 8,000 is shared 8,000 : 10,000 → 3,556 stays, 4,444 goes to bus-two.
      // The 23:50 03A → 00:10 32 journey of card 7 is apportioned the same way on this day (its first leg's); card 6's began the day before.
      { ...none, routeId: '03A', fareTapCount: 3, faresCollectedVnd: 24_000, passesSoldCount: 1, passesSoldVnd: 100_000, concessionTapCount: 1, concessionsCarriedVnd: 8_000, apportionedOutVnd: 2 * 4_444 },
      // 18: the 2,000 transfer after bus-two's 10,000 fare: 12,000 shared 10,000 : 10,000, so 4,000 comes in.
      { ...none, routeId: '18', fareTapCount: 1, faresCollectedVnd: 2_000, apportionedInVnd: 4_000 },
      // 32: the student's 6,000 fare (10,000 adult) and a pupil's pass ride (not a concession boarding: the pass was paid for).
      { ...none, routeId: '32', fareTapCount: 1, faresCollectedVnd: 6_000, concessionTapCount: 1, concessionsCarriedVnd: 4_000 },
      // The operator's own row: the all-routes pass (the one sold on 3 Dec local time is not on this day).
      { ...none, routeId: '', passesSoldCount: 1, passesSoldVnd: 200_000 },
    ]);
  });

  it('settles the carrier: apportioned in for the free transfer, out for the journey it collected', async () => {
    expect(figures(await settle(OPERATOR_2_ID, { fares: day.fares }))).toEqual([{ ...none, routeId: '32', fareTapCount: 1, faresCollectedVnd: 10_000, passesSoldCount: 1, passesSoldVnd: 70_000, apportionedInVnd: 2 * 4_444, apportionedOutVnd: 4_000 }]);
  });

  it('without a published feed: concessions unknown (null, not 0), equal shares, single-route passes on the operator row', async () => {
    expect(figures(await settle(OPERATOR_ID))).toEqual([
      { ...none, routeId: '03A', fareTapCount: 3, faresCollectedVnd: 24_000, concessionTapCount: 1, concessionsCarriedVnd: null, apportionedOutVnd: 2 * 4_000 },
      { ...none, routeId: '18', fareTapCount: 1, faresCollectedVnd: 2_000, apportionedInVnd: 4_000 },
      { ...none, routeId: '32', fareTapCount: 1, faresCollectedVnd: 6_000, concessionTapCount: 1, concessionsCarriedVnd: null },
      { ...none, routeId: '', passesSoldCount: 2, passesSoldVnd: 300_000 },
    ]);
    expect(figures(await settle(OPERATOR_2_ID))).toEqual([
      { ...none, routeId: '32', fareTapCount: 1, faresCollectedVnd: 10_000, apportionedInVnd: 2 * 4_000, apportionedOutVnd: 4_000 },
      { ...none, routeId: '', passesSoldCount: 1, passesSoldVnd: 70_000 },
    ]);
  });

  it('explains every đồng: the net payables of all operators add up to what the ledger collected, with a feed and without', async () => {
    const collected = await collectedVnd();
    expect(collected).toBe(42_000 + 370_000);
    const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
    expect(await netPayables({ fares: day.fares })).toEqual([327_112, 84_888]);
    expect(await netPayables({})).toEqual([328_000, 84_000]);
    for (const businessDay of ['2026-12-03', DAY, '2026-12-05']) {
      for (const options of [{ fares: day.fares }, {}]) expect(sum(await netPayables(options, businessDay))).toBe(await collectedVnd(businessDay));
    }
  });

  it('settles a journey crossing midnight on the day of its first leg, and only there', async () => {
    const before = { businessDay: '2026-12-03', fares: day.fares };
    expect(figures(await settlementForDay(day.harness.database.db, OPERATOR_ID, before.businessDay, before))).toEqual([
      { ...none, routeId: '03A', fareTapCount: 1, faresCollectedVnd: 8_000, passesSoldCount: 1, passesSoldVnd: 100_000, concessionTapCount: 1, concessionsCarriedVnd: 8_000, apportionedOutVnd: 4_444 },
    ]);
    // The 00:10 transfer of card 6 is a boarding of bus-two on the 4th, apportioned on the 3rd.
    expect(figures(await settlementForDay(day.harness.database.db, OPERATOR_2_ID, before.businessDay, before))).toEqual([{ ...none, routeId: '32', apportionedInVnd: 4_444 }]);
    expect(figures(await settlementForDay(day.harness.database.db, OPERATOR_2_ID, '2026-12-05', before))).toEqual([{ ...none, routeId: '32' }]);
    expect(figures(await settlementForDay(day.harness.database.db, OPERATOR_ID, '2026-12-05', before))).toEqual([{ ...none, routeId: '03A', concessionTapCount: 1, concessionsCarriedVnd: 8_000 }]);
  });

  it('counts passes in revenue from the ledger, on the business day of the sale', async () => {
    expect(await revenueByOperator(day.harness.database.db, { fromBusinessDay: DAY, toBusinessDay: DAY })).toEqual([
      { businessDay: DAY, operatorId: OPERATOR_2_ID, operatorName: 'Bus Two', fareRevenueVnd: 10_000, passRevenueVnd: 70_000 },
      { businessDay: DAY, operatorId: OPERATOR_ID, operatorName: 'Hanoi Bus', fareRevenueVnd: 32_000, passRevenueVnd: 300_000 },
    ]);
    const dayBefore = await revenueByOperator(day.harness.database.db, { fromBusinessDay: '2026-12-03', toBusinessDay: '2026-12-03' });
    expect(dayBefore).toEqual([{ businessDay: '2026-12-03', operatorId: OPERATOR_ID, operatorName: 'Hanoi Bus', fareRevenueVnd: 8_000, passRevenueVnd: 100_000 }]);
  });

  it('is what the dashboard shows, with the fare table it is given per request', async () => {
    const scope = { businessDay: DAY, operatorId: OPERATOR_ID };
    const priced = await databaseDashboardData(day.harness.database.db, { fares: () => Promise.resolve(day.fares) }).settlement(scope);
    expect(priced).toEqual(await settle(OPERATOR_ID, { fares: day.fares }));
    const unpriced = await databaseDashboardData(day.harness.database.db).settlement(scope);
    expect(unpriced.find((row) => row.routeId === '03A')?.concessionsCarriedVnd).toBeNull();
  });

  it('answers nothing for an unknown operator or a day without activity, and refuses a malformed day', async () => {
    expect(await settlementForDay(day.harness.database.db, 'nobody', DAY)).toEqual([]);
    expect(await settlementForDay(day.harness.database.db, OPERATOR_ID, '2026-12-06')).toEqual([]);
    await expect(settlementForDay(day.harness.database.db, OPERATOR_ID, "2026-12-04' OR 1=1")).rejects.toThrow(RangeError);
    expect(await settlementForDay(day.harness.database.db, "hanoibus' OR '1'='1", DAY)).toEqual([]);
  });
});
