/**
 * Pass loads from the action list, applied once on the card (PROFILE.md §12,
 * modes/bus-contract-load.ts): two offline validators load a pass once; a
 * card cut at any APDU of the load tap ends with the pass at most once and
 * exactly once after the re-tap, every commit journaled once; a full card
 * keeps the action pending with a typed reason; a plain bus validator leaves
 * it pending; actions of both kinds apply in the card's one sequence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesfireClient } from '@onecard/card-os';
import { ProfileSession, readTransitForTap, readTransitTrips, type ProfileKeySource, type TransitContract } from '@onecard/card-os/profile';
import type { JournalEvent } from '@onecard/card-os/profile';
import { busMode, BUS_RECOVERY_WINDOW_MS_DEFAULT, BUS_REPEAT_WINDOW_MS_DEFAULT } from '../src/modes/bus.js';
import { nextBusAction, planAutoload } from '../src/modes/autoload-plan.js';
import { contractSlotFor, withContract } from '../src/modes/bus-contract-load.js';
import { cloneCard, createTestKeyStore, CuttingChannel, issueCard, type TestCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { adultRider, cardNumber, cardUid } from '../src/tap/testing/holders.js';
import { testPorts, type SequencedAction, type TestPorts } from '../src/tap/testing/ports.js';
import { createValidator, type Validator } from '../src/tap/validator.js';

const ROUTES = new Map([['32', 32]]);
const T0 = new Date('2025-09-03T01:00:00Z');
const LATER = new Date(T0.getTime() + 30 * 60_000);
const OPENING_VND = 20_000;
const FARE_VND = 8_000;
const AUTOLOAD_VND = 50_000;
const SALE_ID = 90_001;
const PASS: TransitContract = { kind: 'monthly-all-routes', tariff: 'regular', routeId: 0, validFrom: '2025-09-01', validUntil: '2025-09-30', pricePaidVnd: 200_000, saleId: SALE_ID };
const LOAD: SequencedAction = { kind: 'load-contract', actionId: 'sale-90001', seq: 1, contract: PASS };
/**
 * identity 5 · transit select, GetKeyVersion, 2 auth, reads 5 (9) · load: GetKeyVersion, 2 auth, WriteData (2 frames),
 * WriteRecord (2 frames), commit (8) · back to the debit key (3) · pass use: WriteData, WriteRecord (2 frames), commit (4).
 */
const LOAD_TAP_APDUS = 29;

const otherPass = (saleId: number, validUntil: string): TransitContract => ({ kind: 'monthly-single-route', tariff: 'regular', routeId: 99, validFrom: '2025-08-01', validUntil, pricePaidVnd: 150_000, saleId });

let keyStore: TestKeyStore;
let autoloadKeys: ProfileKeySource;
let plainKeys: ProfileKeySource;
const CUT_SERIAL = 600;
let template: TestCard;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  autoloadKeys = (await keyStore.deviceKeys('bus-validator-autoload')).keys;
  plainKeys = (await keyStore.deviceKeys('bus-validator')).keys;
  template = await issueCard({ issuer: keyStore.issuer, holder: adultRider(CUT_SERIAL, { balanceVnd: OPENING_VND }), uid: cardUid(CUT_SERIAL) });
});
afterAll(() => {
  keyStore.close();
});

function device(options: { deviceId: number; keys: ProfileKeySource; autoload: boolean; serial: number; clock: () => Date; actions?: readonly SequencedAction[] }): { ports: TestPorts; validator: Validator<void> } {
  const ports = testPorts({ deviceId: options.deviceId, routes: ROUTES });
  for (const action of options.actions ?? [LOAD]) ports.actions.add(cardNumber(options.serial), action);
  const validator = createValidator({
    mode: busMode({ fares: ports.fares, position: () => ({ routeId: '32', stopId: undefined }), fareMediaId: 'onecard', autoload: options.autoload, windows: { recoveryWindowMs: BUS_RECOVERY_WINDOW_MS_DEFAULT, repeatWindowMs: BUS_REPEAT_WINDOW_MS_DEFAULT } }),
    device: { deviceId: options.deviceId, operatorId: undefined },
    keys: options.keys,
    denyList: ports.denyList,
    actions: ports.actions,
    journal: ports.journal,
    clock: options.clock,
  });
  return { ports, validator };
}

async function cardState(card: TestCard): Promise<{ balanceVnd: number; saleIds: number[]; marker: unknown; tmcs: number[] }> {
  const session = ProfileSession.withUid(new DesfireClient(card.tap()), keyStore.issuer, card.uid);
  const view = await readTransitForTap(session);
  const trips = await readTransitTrips(session);
  session.close();
  if (!view.ok || !trips.ok) throw new Error('card unreadable');
  return { balanceVnd: view.value.balanceVnd, saleIds: view.value.entitlements.contracts.map((c) => c.saleId), marker: view.value.fareState.actions, tmcs: trips.value.map((t) => t.transactionNo).filter((n) => n > 0) };
}

const loads = (events: readonly JournalEvent[]): readonly JournalEvent[] => events.filter((e) => e.kind === 'contract-load' && e.actionId === LOAD.actionId);

describe('pass load from the action list', () => {
  it('loads the pass at an autoload validator, the pass covers the same tap, and a second offline validator does not load it again', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(610, { balanceVnd: OPENING_VND }), uid: cardUid(610) });
    let now = T0;
    const a = device({ deviceId: 11, keys: autoloadKeys, autoload: true, serial: 610, clock: () => now });
    const b = device({ deviceId: 12, keys: autoloadKeys, autoload: true, serial: 610, clock: () => now });
    const counting = new CuttingChannel(card.tap(), { cutAt: undefined, point: 'before-delivery' });
    expect(await a.validator.tap({ channel: counting, uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'pass-use', amountVnd: 0, balanceVnd: OPENING_VND });
    expect(counting.count).toBe(LOAD_TAP_APDUS);
    expect(a.ports.journal.events.map((e) => [e.kind, e.actionId, e.tmc, e.contractSlot, e.detail?.['actionSeq']])).toEqual([
      ['contract-load', LOAD.actionId, 1, 0, 1],
      ['pass-use', undefined, 2, 0, undefined],
    ]);
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND, saleIds: [SALE_ID], marker: { lastSeq: 1, claimTmc: 0 }, tmcs: [1, 2] });
    now = LATER;
    expect(await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'pass-use' });
    expect(b.ports.journal.events.map((e) => e.kind)).toEqual(['pass-use']);
    expect(await cardState(card)).toMatchObject({ saleIds: [SALE_ID], marker: { lastSeq: 1, claimTmc: 0 } });
  });

  const cuts = [...Array(LOAD_TAP_APDUS).keys()].flatMap((i) => (['before-delivery', 'after-execution'] as const).map((point) => ({ cutAt: i + 1, point })));
  it.each(cuts)('cut at APDU $cutAt ($point): the pass at most once, exactly once after the re-tap, every commit journaled once', async ({ cutAt, point }) => {
    const card = cloneCard(template);
    let now = T0;
    const a = device({ deviceId: 13, keys: autoloadKeys, autoload: true, serial: CUT_SERIAL, clock: () => now });
    expect((await a.validator.tap({ channel: new CuttingChannel(card.tap(), { cutAt, point }), uid: card.uid }, undefined)).accepted).toBe(false);
    expect((await cardState(card)).saleIds.filter((id) => id === SALE_ID).length).toBeLessThanOrEqual(1);
    expect(loads(a.ports.journal.events).length).toBeLessThanOrEqual(1);
    now = new Date(T0.getTime() + 10_000);
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, amountVnd: 0, balanceVnd: OPENING_VND });
    const after = await cardState(card);
    expect(after).toMatchObject({ balanceVnd: OPENING_VND, saleIds: [SALE_ID], marker: { lastSeq: 1, claimTmc: 0 } });
    const events = a.ports.journal.events;
    expect(loads(events).length).toBe(1);
    expect(events.filter((e) => e.kind === 'pass-use').length).toBe(1);
    expect(events.filter((e) => e.kind === 'fare').length).toBe(0);
    // The card's commits and the journal's agree one to one.
    expect(events.flatMap((e) => (e.tmc === undefined ? [] : [e.tmc]))).toEqual(after.tmcs);
  });

  it.each([0, 1])('recovers when the validator dies before journal append %i of the tap (load, pass use)', async (appendsBefore) => {
    const card = cloneCard(template);
    let now = T0;
    const a = device({ deviceId: 23, keys: autoloadKeys, autoload: true, serial: CUT_SERIAL, clock: () => now });
    a.ports.journal.failNextAppend = true;
    a.ports.journal.appendsBeforeFailure = appendsBefore;
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'journal_failed' });
    now = new Date(T0.getTime() + 10_000);
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, amountVnd: 0 });
    const events = a.ports.journal.events;
    expect(events.map((e) => [e.kind, e.actionId, e.tmc])).toEqual([
      ['contract-load', LOAD.actionId, 1],
      ['pass-use', undefined, 2],
    ]);
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND, saleIds: [SALE_ID], marker: { lastSeq: 1, claimTmc: 0 }, tmcs: [1, 2] });
  });

  it('a second validator journals a load whose commit answer the first never got, once', async () => {
    const card = cloneCard(template);
    const a = device({ deviceId: 14, keys: autoloadKeys, autoload: true, serial: CUT_SERIAL, clock: () => T0 });
    const b = device({ deviceId: 15, keys: autoloadKeys, autoload: true, serial: CUT_SERIAL, clock: () => LATER });
    // APDU 22 is the load's CommitTransaction (identity 5, transit read 9, load 8).
    expect(await a.validator.tap({ channel: new CuttingChannel(card.tap(), { cutAt: 22, point: 'after-execution' }), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'link_lost' });
    expect(await cardState(card)).toMatchObject({ saleIds: [SALE_ID], tmcs: [1] });
    expect(a.ports.journal.events).toEqual([]);
    expect(await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'pass-use' });
    expect(b.ports.journal.events.map((e) => [e.kind, e.reason, e.actionId, e.tmc])).toEqual([
      ['contract-load', 'contract_load_settled', LOAD.actionId, 1],
      ['pass-use', undefined, undefined, 2],
    ]);
  });

  it('waits with no_free_contract_slot on a card with three valid passes, and a later autoload does not overtake it', async () => {
    const contracts = [otherPass(1, '2025-09-30'), otherPass(2, '2025-09-30'), otherPass(3, '2025-10-31')];
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(620, { balanceVnd: OPENING_VND, contracts }), uid: cardUid(620) });
    const autoload: SequencedAction = { kind: 'autoload', actionId: 'order-1', seq: 2, application: 'transit', amountVnd: AUTOLOAD_VND };
    const a = device({ deviceId: 16, keys: autoloadKeys, autoload: true, serial: 620, clock: () => T0, actions: [LOAD, autoload] });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', amountVnd: FARE_VND });
    expect(a.ports.journal.events.map((e) => [e.kind, e.actionId, e.detail?.['actionWaits']])).toEqual([['fare', undefined, 'no_free_contract_slot']]);
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND - FARE_VND, saleIds: [1, 2, 3], marker: undefined, tmcs: [1] });
  });

  it.each([
    ['an all-routes pass naming a route', { ...PASS, routeId: 32 }],
    ['a negative price', { ...PASS, pricePaidVnd: -1 }],
    ['a sale id beyond u32', { ...PASS, saleId: 2 ** 32 }],
    ['a date that is no date', { ...PASS, validUntil: '2025-13-45' }],
  ])('keeps a load of %s pending as contract_invalid, sends nothing and charges the fare', async (_name, contract) => {
    const card = cloneCard(template);
    const a = device({ deviceId: 24, keys: autoloadKeys, autoload: true, serial: CUT_SERIAL, clock: () => T0, actions: [{ ...LOAD, contract }] });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', amountVnd: FARE_VND });
    expect(a.ports.journal.events.map((e) => [e.kind, e.detail?.['actionWaits']])).toEqual([['fare', 'contract_invalid']]);
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND - FARE_VND, saleIds: [], marker: undefined, tmcs: [1] });
  });

  it('replaces an expired pass when every slot is taken', async () => {
    const contracts = [otherPass(1, '2025-09-30'), otherPass(2, '2025-08-31'), otherPass(3, '2025-10-31')];
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(621, { balanceVnd: OPENING_VND, contracts }), uid: cardUid(621) });
    const a = device({ deviceId: 17, keys: autoloadKeys, autoload: true, serial: 621, clock: () => T0 });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'pass-use' });
    expect(a.ports.journal.events.map((e) => [e.kind, e.contractSlot])).toEqual([['contract-load', 1], ['pass-use', 1]]);
    expect(await cardState(card)).toMatchObject({ saleIds: [1, SALE_ID, 3], marker: { lastSeq: 1, claimTmc: 0 } });
  });

  it('a plain bus validator (no top-up key) leaves the load pending, also when misconfigured for autoload', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(630, { balanceVnd: OPENING_VND }), uid: cardUid(630) });
    let now = T0;
    const plain = device({ deviceId: 18, keys: plainKeys, autoload: false, serial: 630, clock: () => now });
    expect(await plain.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', amountVnd: FARE_VND });
    expect(plain.ports.journal.events.map((e) => e.detail?.['actionWaits'])).toEqual(['top_up_key_not_held']);
    now = LATER;
    const misconfigured = device({ deviceId: 19, keys: plainKeys, autoload: true, serial: 630, clock: () => now });
    expect(await misconfigured.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare' });
    expect(misconfigured.ports.journal.events.map((e) => [e.kind, e.detail?.['actionWaits']])).toEqual([['fare', 'top_up_key_not_held']]);
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND - 2 * FARE_VND, saleIds: [], marker: undefined, tmcs: [1, 2] });
    now = new Date(LATER.getTime() + 30 * 60_000);
    const a = device({ deviceId: 20, keys: autoloadKeys, autoload: true, serial: 630, clock: () => now });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'pass-use' });
    expect(await cardState(card)).toMatchObject({ saleIds: [SALE_ID], marker: { lastSeq: 1, claimTmc: 0 } });
  });

  it('applies an autoload of a lower seq first, then the pass, in one tap', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(640, { balanceVnd: OPENING_VND }), uid: cardUid(640) });
    const autoload: SequencedAction = { kind: 'autoload', actionId: 'order-2', seq: 1, application: 'transit', amountVnd: AUTOLOAD_VND };
    const a = device({ deviceId: 21, keys: autoloadKeys, autoload: true, serial: 640, clock: () => T0, actions: [{ ...LOAD, seq: 2 }, autoload] });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'pass-use', balanceVnd: OPENING_VND + AUTOLOAD_VND });
    expect(a.ports.journal.events.map((e) => [e.kind, e.actionId, e.tmc])).toEqual([
      ['autoload', undefined, 1],
      ['autoload', 'order-2', 2],
      ['contract-load', LOAD.actionId, 3],
      ['pass-use', undefined, 4],
    ]);
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND + AUTOLOAD_VND, saleIds: [SALE_ID], marker: { lastSeq: 2, claimTmc: 0 }, tmcs: [1, 2, 3, 4] });
  });

  it('loads a pass of a lower seq first and leaves the later autoload to the next tap', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(641, { balanceVnd: OPENING_VND }), uid: cardUid(641) });
    let now = T0;
    const autoload: SequencedAction = { kind: 'autoload', actionId: 'order-3', seq: 2, application: 'transit', amountVnd: AUTOLOAD_VND };
    const a = device({ deviceId: 22, keys: autoloadKeys, autoload: true, serial: 641, clock: () => now, actions: [autoload, LOAD] });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'pass-use', balanceVnd: OPENING_VND });
    expect(await cardState(card)).toMatchObject({ saleIds: [SALE_ID], marker: { lastSeq: 1, claimTmc: 0 } });
    now = LATER;
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'pass-use', balanceVnd: OPENING_VND + AUTOLOAD_VND });
    expect(a.ports.journal.events.map((e) => [e.kind, e.actionId])).toEqual([
      ['contract-load', LOAD.actionId],
      ['pass-use', undefined],
      ['autoload', undefined],
      ['autoload', 'order-3'],
      ['pass-use', undefined],
    ]);
    expect(await cardState(card)).toMatchObject({ marker: { lastSeq: 2, claimTmc: 0 } });
  });
});

describe('contract slots', () => {
  it('takes the first free slot, else the first expired one, else none', () => {
    expect(contractSlotFor([], '2025-09-03')).toBe(0);
    expect(contractSlotFor([otherPass(1, '2025-08-31')], '2025-09-03')).toBe(1);
    expect(contractSlotFor([otherPass(1, '2025-09-30'), otherPass(2, '2025-09-02'), otherPass(3, '2025-08-31')], '2025-09-03')).toBe(1);
    // validUntil is inclusive: a pass valid today is not free.
    expect(contractSlotFor([otherPass(1, '2025-09-03'), otherPass(2, '2025-09-30'), otherPass(3, '2025-10-31')], '2025-09-03')).toBeUndefined();
  });

  it('refuses a slot out of range as a programmer error', () => {
    const entitlements = { fareCategory: 'adult', fareCategoryValidFrom: '2025-09-01', fareCategoryValidUntil: '2030-08-31', contracts: [] } as const;
    expect(() => withContract(entitlements, 1, PASS)).toThrow(/assertion failed/);
    expect(() => withContract(entitlements, -1, PASS)).toThrow(/assertion failed/);
    expect(withContract(entitlements, 0, PASS).contracts).toEqual([PASS]);
  });
});

describe('one sequence for every action kind', () => {
  const autoload: SequencedAction = { kind: 'autoload', actionId: 'order-9', seq: 3, application: 'transit', amountVnd: AUTOLOAD_VND };
  const canteen: SequencedAction = { kind: 'autoload', actionId: 'order-10', seq: 1, application: 'canteen', amountVnd: AUTOLOAD_VND };
  const unblock: SequencedAction = { kind: 'unblock', actionId: 'unblock-2', seq: 4, application: 'transit' };
  const pending = [unblock, autoload, { ...LOAD, seq: 2 }, canteen];
  const none = (): boolean => false;

  it('picks the lowest transit sequence number above the card marker, not yet applied', () => {
    expect(nextBusAction({ pending, lastSeq: 0, isActionApplied: none })?.action.actionId).toBe(LOAD.actionId);
    expect(nextBusAction({ pending, lastSeq: 2, isActionApplied: none })?.action.actionId).toBe('order-9');
    expect(nextBusAction({ pending, lastSeq: 0, isActionApplied: (id) => id === LOAD.actionId || id === 'order-9' })?.action.actionId).toBe('unblock-2');
    expect(nextBusAction({ pending, lastSeq: 4, isActionApplied: none })).toBeUndefined();
    // A sequence number the card cannot record is never applied.
    for (const seq of [0, -1, 1.5, 0x1_00_00_00, Number.NaN]) expect(nextBusAction({ pending: [{ ...LOAD, seq }], lastSeq: 0, isActionApplied: none })).toBeUndefined();
  });

  it('keeps the autoload plan from claiming past a lower pass load', () => {
    expect(planAutoload({ marker: undefined, trips: [], pending, canCredit: true, isActionApplied: none })).toEqual({ kind: 'none' });
    expect(planAutoload({ marker: { lastSeq: 2, claimTmc: 0 }, trips: [], pending, canCredit: true, isActionApplied: none })).toMatchObject({ kind: 'claim', seq: 3 });
  });
});
