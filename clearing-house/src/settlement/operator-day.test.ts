import { describe, expect, it } from 'vitest';
import { groupBoardings, type Boarding } from './boarding.js';
import { hanoiFareTable } from './hanoi-feed.fixtures.js';
import { operatorDaySettlement, passRouteId, type OperatorDayInput } from './operator-day.js';

const table = hanoiFareTable();
let tmc = 0;
const boarding = (input: Partial<Boarding> & Pick<Boarding, 'kind'>): Boarding => {
  tmc += 1;
  return { cardKey: 'c', tmc, at: '2026-12-04T01:00:00.000Z', operatorId: 'a', routeId: '32', riderCategory: 'adult', fareProductId: 'single_10k', chargedVnd: 0, onDay: true, ...input };
};
type TestInput = Partial<Omit<OperatorDayInput, 'tapGroups' | 'journeyBoardings'>> & { readonly boardings?: readonly Boarding[] };
const settle = ({ boardings = [], ...input }: TestInput) => {
  const operatorId = input.operatorId ?? 'a';
  return operatorDaySettlement({ businessDay: '2026-12-04', operatorId, operatorName: 'A', tapGroups: groupBoardings(boardings, operatorId), journeyBoardings: boardings, passSales: [], fares: table, ...input });
};

describe('operatorDaySettlement', () => {
  it('reports concessions of a row as unknown when the feed cannot price one of its concession boardings', () => {
    const rows = settle({ boardings: [boarding({ kind: 'free-ride', riderCategory: 'veteran' }), boarding({ kind: 'free-ride', routeId: 'X9', fareProductId: undefined })] });
    expect(rows.map((row) => [row.routeId, row.concessionTapCount, row.concessionsCarriedVnd])).toEqual([['32', 1, 10_000], ['X9', 1, null]]);
  });

  it('counts grouped boardings by their count', () => {
    const [row] = settle({ boardings: [boarding({ kind: 'fare', chargedVnd: 10_000 }), boarding({ kind: 'fare', chargedVnd: 10_000 }), boarding({ kind: 'free-ride', riderCategory: 'veteran' }), boarding({ kind: 'free-ride', riderCategory: 'veteran' })] });
    expect(row).toMatchObject({ fareTapCount: 2, faresCollectedVnd: 20_000, concessionTapCount: 2, concessionsCarriedVnd: 20_000 });
    expect(groupBoardings([boarding({ kind: 'fare', chargedVnd: 1 }), boarding({ kind: 'fare', chargedVnd: 1 }), boarding({ kind: 'fare', chargedVnd: 1, onDay: false })], 'a')).toEqual([expect.objectContaining({ count: 2 })]);
  });

  it("keeps a row without concession boardings at 0 even without a feed, and puts route-less boardings on the operator's row", () => {
    const rows = settle({ fares: undefined, boardings: [boarding({ kind: 'fare', chargedVnd: 10_000 }), boarding({ kind: 'fare', routeId: '', chargedVnd: 8_000 })] });
    expect(rows.map((row) => [row.routeId, row.fareTapCount, row.faresCollectedVnd, row.concessionsCarriedVnd])).toEqual([['32', 1, 10_000, 0], ['', 1, 8_000, 0]]);
  });

  it("does not apportion a journey that stays with one operator, and ignores other operators' boardings outside journeys", () => {
    const rows = settle({ boardings: [boarding({ kind: 'fare', chargedVnd: 10_000 }), boarding({ kind: 'transfer', routeId: '18', chargedVnd: 0 }), boarding({ kind: 'fare', operatorId: 'b', chargedVnd: 10_000 })] });
    expect(rows.every((row) => row.apportionedInVnd === 0 && row.apportionedOutVnd === 0)).toBe(true);
    expect(rows.map((row) => row.routeId)).toEqual(['32', '18']);
  });

  it('apportions a journey on the day of its first leg: its next-day legs count there, a journey begun the day before does not', () => {
    const night = [boarding({ kind: 'fare', chargedVnd: 10_000 }), boarding({ kind: 'transfer', operatorId: 'b', chargedVnd: 0, onDay: false })];
    const [row] = settle({ boardings: night });
    expect(row).toMatchObject({ routeId: '32', fareTapCount: 1, faresCollectedVnd: 10_000, apportionedOutVnd: 5_000 });
    const carrier = settle({ operatorId: 'b', boardings: night });
    expect(carrier).toEqual([expect.objectContaining({ routeId: '32', fareTapCount: 0, faresCollectedVnd: 0, apportionedInVnd: 5_000 })]);
    const begunBefore = [boarding({ kind: 'fare', chargedVnd: 10_000, onDay: false }), boarding({ kind: 'transfer', operatorId: 'b', chargedVnd: 0 })];
    expect(settle({ operatorId: 'b', boardings: begunBefore })).toEqual([
      expect.objectContaining({ routeId: '32', fareTapCount: 0, apportionedInVnd: 0, apportionedOutVnd: 0 }),
    ]);
    expect(settle({ boardings: begunBefore })).toEqual([]);
  });

  it('puts a single-route pass on its route only when the feed maps its card route code', () => {
    expect(passRouteId({ amountVnd: 1, contractKind: 'monthly-single-route', routeCode: 301 }, table)).toBe('03A');
    expect(passRouteId({ amountVnd: 1, contractKind: 'monthly-single-route', routeCode: 4242 }, table)).toBe('');
    expect(passRouteId({ amountVnd: 1, contractKind: 'monthly-single-route', routeCode: 301 }, undefined)).toBe('');
    expect(passRouteId({ amountVnd: 1, contractKind: 'monthly-all-routes', routeCode: 0 }, table)).toBe('');
    expect(passRouteId({ amountVnd: 1, contractKind: undefined, routeCode: undefined }, table)).toBe('');
  });
});
