/** The autoload decision (modes/autoload-plan.ts) for every state a card can be in (PROFILE.md §12). */
import { describe, expect, it } from 'vitest';
import type { TripRecord } from '@onecard/card-os/profile';
import { planAutoload, actionSeqOf } from '../src/modes/autoload-plan.js';
import type { CardAction } from '../src/ports.js';

const AT = new Date('2025-09-03T01:00:00Z');
function trip(transactionNo: number, event: TripRecord['event'], amountVnd: number): TripRecord {
  return { event, transactionNo, at: AT, deviceId: 1, routeId: 0, amountVnd, balanceAfterVnd: 0, contractSlot: undefined };
}
type SequencedAutoload = Extract<CardAction, { kind: 'autoload' }>;
const order = (seq: number, id = `order-${seq}`): SequencedAutoload => ({ kind: 'autoload', actionId: id, application: 'transit', amountVnd: 50_000, seq });
const never = (): boolean => false;

describe('planAutoload', () => {
  it('claims the lowest pending sequence above the card marker, skipping applied, old, out-of-range and canteen actions', () => {
    const pending: CardAction[] = [order(5), order(3), order(2), { kind: 'autoload', actionId: 'seq-out-of-range', seq: 0, application: 'transit', amountVnd: 1 }, { ...order(4), application: 'canteen' }];
    expect(planAutoload({ marker: { lastSeq: 2, claimTmc: 0 }, trips: [trip(9, 'fare', 8_000)], pending, canCredit: true, isActionApplied: (id) => id === 'order-3' })).toMatchObject({ kind: 'claim', seq: 5 });
    expect(planAutoload({ marker: undefined, trips: [trip(9, 'fare', 8_000)], pending, canCredit: false, isActionApplied: never })).toEqual({ kind: 'none' });
    expect(planAutoload({ marker: { lastSeq: 5, claimTmc: 0 }, trips: [], pending, canCredit: true, isActionApplied: never })).toEqual({ kind: 'none' });
    expect(actionSeqOf({ kind: 'unblock', actionId: 'x', seq: 0, application: 'transit' })).toBeUndefined();
    expect(actionSeqOf({ kind: 'unblock', actionId: 'y', seq: 0x1_00_00_00, application: 'transit' })).toBeUndefined();
  });

  it('settles a claim whose next commit is its credit, whoever reads the card', () => {
    const trips = [trip(7, 'autoload', 0), trip(8, 'autoload', 50_000), trip(9, 'fare', 8_000)];
    expect(planAutoload({ marker: { lastSeq: 1, claimTmc: 7 }, trips, pending: [], canCredit: false, isActionApplied: never })).toEqual({ kind: 'settle', seq: 1 });
  });

  it('credits a claim that is the newest commit, only with the top-up key and the action in hand', () => {
    const trips = [trip(6, 'fare', 8_000), trip(7, 'autoload', 0)];
    expect(planAutoload({ marker: { lastSeq: 1, claimTmc: 7 }, trips, pending: [order(1)], canCredit: true, isActionApplied: never })).toMatchObject({ kind: 'credit', seq: 1 });
    expect(planAutoload({ marker: { lastSeq: 1, claimTmc: 7 }, trips, pending: [order(1)], canCredit: false, isActionApplied: never })).toEqual({ kind: 'none' });
    expect(planAutoload({ marker: { lastSeq: 1, claimTmc: 7 }, trips, pending: [order(1)], canCredit: true, isActionApplied: () => true })).toEqual({ kind: 'none' });
  });

  it('claims again when the commit after the claim was something else, and settles as lost when it left the log', () => {
    const overtaken = [trip(7, 'autoload', 0), trip(8, 'fare', 8_000)];
    expect(planAutoload({ marker: { lastSeq: 1, claimTmc: 7 }, trips: overtaken, pending: [order(1)], canCredit: true, isActionApplied: never })).toMatchObject({ kind: 'claim', seq: 1 });
    const rolled = [trip(20, 'fare', 8_000), trip(21, 'fare', 8_000)];
    expect(planAutoload({ marker: { lastSeq: 1, claimTmc: 7 }, trips: rolled, pending: [order(1)], canCredit: true, isActionApplied: never })).toEqual({ kind: 'lost', seq: 1 });
    expect(planAutoload({ marker: { lastSeq: 1, claimTmc: 7 }, trips: rolled, pending: [], canCredit: false, isActionApplied: never })).toEqual({ kind: 'lost', seq: 1 });
  });
});
