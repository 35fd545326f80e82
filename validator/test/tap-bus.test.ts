/**
 * Bus taps through the whole pipeline on emulated cards personalised by the
 * profile: fares, passes, free categories, transfers, caps, refusals, repeat
 * taps, and the keys a bus validator may (not) use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTransitFareState, readTransitForTap, ProfileSession } from '@onecard/card-os/profile';
import { DesfireClient } from '@onecard/card-os';
import { createValidator, type Validator } from '../src/tap/validator.js';
import { busMode, BUS_RECOVERY_WINDOW_MS_DEFAULT, BUS_REPEAT_WINDOW_MS_DEFAULT } from '../src/modes/bus.js';
import { createTestKeyStore, issueCard, type TestCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { adultRider, cardNumber, cardUid, elderlyRider } from '../src/tap/testing/holders.js';
import { testPorts, TEST_FLAT_FARE_VND, type TestPorts } from '../src/tap/testing/ports.js';
import type { ProfileKeySource } from '@onecard/card-os/profile';

const DEVICE_ID = 4242;
const ROUTES = new Map([['32', 32], ['09', 9]]);
const T0 = new Date('2025-09-03T01:00:00Z');
const MINUTE_MS = 60_000;

let keyStore: TestKeyStore;
let busKeys: ProfileKeySource;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  busKeys = (await keyStore.deviceKeys('bus-validator')).keys;
});
afterAll(() => {
  keyStore.close();
});

interface Bench {
  readonly ports: TestPorts;
  readonly validator: Validator<void>;
  clock: Date;
  route: string;
}

function bench(keys: ProfileKeySource = busKeys): Bench {
  const ports = testPorts({ deviceId: DEVICE_ID, routes: ROUTES });
  const state = { clock: T0, route: '32' };
  const validator = createValidator({
    mode: busMode({ fares: ports.fares, position: () => ({ routeId: state.route, stopId: 'S1' }), fareMediaId: 'onecard', autoload: false, windows: { recoveryWindowMs: BUS_RECOVERY_WINDOW_MS_DEFAULT, repeatWindowMs: BUS_REPEAT_WINDOW_MS_DEFAULT } }),
    device: { deviceId: DEVICE_ID, operatorId: 'hanoi-bus' },
    keys,
    denyList: ports.denyList,
    actions: ports.actions,
    journal: ports.journal,
    clock: () => state.clock,
  });
  return Object.assign(state, { ports, validator });
}

async function cardView(card: TestCard): Promise<Awaited<ReturnType<typeof readTransitForTap>>> {
  const session = ProfileSession.withUid(new DesfireClient(card.tap()), keyStore.issuer, card.uid);
  try {
    return await readTransitForTap(session);
  } finally {
    session.close();
  }
}

describe('bus mode', () => {
  it('charges a fare in one transaction, journals TMC ‖ TMV and shows the balance', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(1, { balanceVnd: 50_000 }), uid: cardUid(1) });
    const b = bench();
    const outcome = await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined);
    expect(outcome).toMatchObject({ accepted: true, kind: 'fare', amountVnd: TEST_FLAT_FARE_VND, balanceVnd: 42_000, cardNumberTail: cardNumber(1).slice(-4) });
    expect(b.ports.journal.events).toHaveLength(1);
    expect(b.ports.journal.events[0]).toMatchObject({ kind: 'fare', cardNumber: cardNumber(1), tmc: 1, amountVnd: 8_000, balanceBeforeVnd: 50_000, balanceAfterVnd: 42_000, routeId: '32', stopId: 'S1', deviceId: DEVICE_ID });
    expect(b.ports.journal.events[0]?.tmv).toMatch(/^[0-9a-f]{16}$/);
    const view = await cardView(card);
    expect(view).toMatchObject({ ok: true, value: { balanceVnd: 42_000, lastTrip: { event: 'fare', transactionNo: 1, deviceId: DEVICE_ID, routeId: 32, amountVnd: 8_000 } } });
    expect(Object.keys(outcome.timingsMs)).toEqual(expect.arrayContaining(['connect', 'identity', 'deny', 'read', 'decide', 'write', 'commit', 'journal']));
  });

  it('uses a monthly pass, lets the elderly ride free, and counts a transfer', async () => {
    const passHolder = await issueCard({
      issuer: keyStore.issuer,
      holder: adultRider(2, { balanceVnd: 10_000, contracts: [{ kind: 'monthly-all-routes', tariff: 'regular', routeId: 0, validFrom: '2025-09-01', validUntil: '2025-09-30', pricePaidVnd: 200_000, saleId: 1 }] }),
      uid: cardUid(2),
    });
    const elderly = await issueCard({ issuer: keyStore.issuer, holder: elderlyRider(3, { validUntil: '2040-01-01' }), uid: cardUid(3) });
    const rider = await issueCard({ issuer: keyStore.issuer, holder: adultRider(4, { balanceVnd: 30_000 }), uid: cardUid(4) });
    const b = bench();
    expect(await b.validator.tap({ channel: passHolder.tap(), uid: passHolder.uid }, undefined)).toMatchObject({ accepted: true, kind: 'pass-use', amountVnd: 0, balanceVnd: 10_000 });
    expect(await b.validator.tap({ channel: elderly.tap(), uid: elderly.uid }, undefined)).toMatchObject({ accepted: true, kind: 'free-ride', amountVnd: 0 });
    expect(await b.validator.tap({ channel: rider.tap(), uid: rider.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', balanceVnd: 22_000 });
    b.clock = new Date(T0.getTime() + 20 * MINUTE_MS);
    b.route = '09';
    expect(await b.validator.tap({ channel: rider.tap(), uid: rider.uid }, undefined)).toMatchObject({ accepted: true, kind: 'transfer', amountVnd: 0, balanceVnd: 22_000 });
    expect(b.ports.journal.events.map((e) => [e.kind, e.contractSlot])).toEqual([['pass-use', 0], ['free-ride', undefined], ['fare', undefined], ['transfer', undefined]]);
  });

  it('refuses a deny-listed card, an empty purse and an expired free category, journaling each as denied', async () => {
    const listed = await issueCard({ issuer: keyStore.issuer, holder: adultRider(5, { balanceVnd: 50_000 }), uid: cardUid(5) });
    const poor = await issueCard({ issuer: keyStore.issuer, holder: adultRider(6, { balanceVnd: 5_000 }), uid: cardUid(6) });
    const expired = await issueCard({ issuer: keyStore.issuer, holder: elderlyRider(7, { validUntil: '2025-09-02' }), uid: cardUid(7) });
    const b = bench();
    b.ports.denyList.deny(cardNumber(5), 'stolen');
    expect(await b.validator.tap({ channel: listed.tap(), uid: listed.uid }, undefined)).toMatchObject({ accepted: false, reason: 'deny_listed', kind: 'denied' });
    expect(await b.validator.tap({ channel: poor.tap(), uid: poor.uid }, undefined)).toMatchObject({ accepted: false, reason: 'insufficient_funds', balanceVnd: 5_000 });
    expect(await b.validator.tap({ channel: expired.tap(), uid: expired.uid }, undefined)).toMatchObject({ accepted: false, reason: 'category_expired' });
    expect(b.ports.journal.events.map((e) => [e.kind, e.reason])).toEqual([['denied', 'deny_listed'], ['denied', 'insufficient_funds'], ['denied', 'category_expired']]);
    expect(b.ports.journal.events[0]?.detail).toEqual({ denyReason: 'stolen' });
    // Nothing was written: balances unchanged.
    expect(await cardView(listed)).toMatchObject({ ok: true, value: { balanceVnd: 50_000, lastTrip: { event: 'issue' } } });
    expect(await cardView(poor)).toMatchObject({ ok: true, value: { balanceVnd: 5_000 } });
  });

  it('treats a second tap within the repeat window as the same ride, and a later one as a new fare', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(8, { balanceVnd: 50_000 }), uid: cardUid(8) });
    const b = bench();
    await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined);
    b.clock = new Date(T0.getTime() + MINUTE_MS);
    expect(await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, reason: 'repeat_tap', amountVnd: 0, balanceVnd: 42_000 });
    b.clock = new Date(T0.getTime() + BUS_REPEAT_WINDOW_MS_DEFAULT + 2 * MINUTE_MS);
    b.route = '32';
    expect(await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', balanceVnd: 34_000 });
    expect(b.ports.journal.events.map((e) => e.kind)).toEqual(['fare', 'recovery', 'fare']);
  });

  it('caps the day: after three fares the rides are free', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(9, { balanceVnd: 100_000 }), uid: cardUid(9) });
    const b = bench();
    const kinds: (string | undefined)[] = [];
    for (let ride = 0; ride < 4; ride += 1) {
      b.clock = new Date(T0.getTime() + ride * 90 * MINUTE_MS);
      kinds.push((await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).kind);
    }
    expect(kinds).toEqual(['fare', 'fare', 'fare', 'capped']);
    expect(await cardView(card)).toMatchObject({ ok: true, value: { balanceVnd: 76_000 } });
  });

  it('cannot tap with keys of another role, and reads the UID itself when the reader did not give it', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(10, { balanceVnd: 50_000 }), uid: cardUid(10) });
    const gate = bench((await keyStore.deviceKeys('school-gate')).keys);
    expect(await gate.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'key_not_held', kind: undefined });
    expect(gate.ports.journal.events).toHaveLength(0);
    const b = bench();
    expect(await b.validator.tap({ channel: card.tap(), uid: undefined }, undefined)).toMatchObject({ accepted: true, kind: 'fare' });
  });

  it('keeps the fare state a version 2 record with the action marker untouched', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(11, { balanceVnd: 50_000 }), uid: cardUid(11) });
    const b = bench();
    await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined);
    const session = ProfileSession.withUid(new DesfireClient(card.tap()), keyStore.issuer, card.uid);
    const state = await readTransitFareState(session);
    session.close();
    expect(state).toMatchObject({ ok: true, value: { lastRouteId: 32, capDaySpentVnd: 8_000 } });
    expect(state.ok && state.value.actions).toBe(undefined);
  });

  it('refuses a configuration with a device id the journal cannot carry', () => {
    const ports = testPorts({ deviceId: 1, routes: ROUTES });
    const options = { mode: busMode({ fares: ports.fares, position: () => ({ routeId: '32', stopId: undefined }), fareMediaId: 'onecard', autoload: false, windows: { recoveryWindowMs: 1, repeatWindowMs: 1 } }), keys: busKeys, denyList: ports.denyList, actions: ports.actions, journal: ports.journal, clock: () => T0 };
    expect(() => createValidator({ ...options, device: { deviceId: 0, operatorId: undefined } })).toThrow(RangeError);
    expect(() => createValidator({ ...options, device: { deviceId: 1, operatorId: 'Hanoi Bus' } })).toThrow(RangeError);
  });
});
