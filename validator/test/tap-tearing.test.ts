/**
 * Tearing: the card link is cut at every APDU of a bus tap, before the card
 * sees the APDU and after it ran but before the answer, and the validator
 * crashes between the commit and the journal. After each, the card and the
 * journal agree (charged ⇔ a commit on the card), and the re-tap recovers
 * without a second fare: exactly one 8,000 VND debit, exactly one fare event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesfireClient } from '@onecard/card-os';
import { ProfileSession, readTransitForTap, type ProfileKeySource } from '@onecard/card-os/profile';
import { busMode, BUS_RECOVERY_WINDOW_MS_DEFAULT, BUS_REPEAT_WINDOW_MS_DEFAULT } from '../src/modes/bus.js';
import { cloneCard, createTestKeyStore, CuttingChannel, issueCard, type TestCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { adultRider, cardUid } from '../src/tap/testing/holders.js';
import { testPorts, type TestPorts } from '../src/tap/testing/ports.js';
import { createValidator, type Validator } from '../src/tap/validator.js';

const DEVICE_ID = 77;
const ROUTES = new Map([['32', 32]]);
const T0 = new Date('2025-09-03T01:00:00Z');
const RETAP_AFTER_MS = 10_000;
const OPENING_VND = 50_000;
const FARE_VND = 8_000;
/** identity: select, GetKeyVersion, 2 auth frames, ReadData; transit: the 14 APDUs of PROFILE.md §8. */
const BUS_TAP_APDUS = 19;

let keyStore: TestKeyStore;
let busKeys: ProfileKeySource;
let template: TestCard;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  busKeys = (await keyStore.deviceKeys('bus-validator')).keys;
  template = await issueCard({ issuer: keyStore.issuer, holder: adultRider(200, { balanceVnd: OPENING_VND }), uid: cardUid(200) });
});
afterAll(() => {
  keyStore.close();
});

function validatorWith(ports: TestPorts, clock: () => Date): Validator<void> {
  return createValidator({
    mode: busMode({ fares: ports.fares, position: () => ({ routeId: '32', stopId: undefined }), fareMediaId: 'onecard', autoload: false, windows: { recoveryWindowMs: BUS_RECOVERY_WINDOW_MS_DEFAULT, repeatWindowMs: BUS_REPEAT_WINDOW_MS_DEFAULT } }),
    device: { deviceId: DEVICE_ID, operatorId: undefined },
    keys: busKeys,
    denyList: ports.denyList,
    actions: ports.actions,
    journal: ports.journal,
    clock,
  });
}

async function balanceOf(card: TestCard): Promise<{ balanceVnd: number; lastTripNo: number }> {
  const session = ProfileSession.withUid(new DesfireClient(card.tap()), keyStore.issuer, card.uid);
  const view = await readTransitForTap(session);
  session.close();
  if (!view.ok) throw new Error(view.code);
  return { balanceVnd: view.value.balanceVnd, lastTripNo: view.value.lastTrip?.transactionNo ?? 0 };
}

function fareEvents(ports: TestPorts): { tmc: number | undefined; amountVnd: number }[] {
  return ports.journal.events.filter((e) => e.kind === 'fare').map((e) => ({ tmc: e.tmc, amountVnd: e.amountVnd }));
}

describe('a bus tap cut at every APDU', () => {
  it(`counts ${BUS_TAP_APDUS} APDUs for an uninterrupted tap`, async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(100, { balanceVnd: OPENING_VND }), uid: cardUid(100) });
    const ports = testPorts({ deviceId: DEVICE_ID, routes: ROUTES });
    const counting = new CuttingChannel(card.tap(), { cutAt: undefined, point: 'before-delivery' });
    expect(await validatorWith(ports, () => T0).tap({ channel: counting, uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare' });
    expect(counting.count).toBe(BUS_TAP_APDUS);
  });

  const cuts = [...Array(BUS_TAP_APDUS).keys()].flatMap((i) => (['before-delivery', 'after-execution'] as const).map((point) => ({ cutAt: i + 1, point })));
  it.each(cuts)('APDU $cutAt, $point: card and journal agree, the re-tap charges once', async ({ cutAt, point }) => {
    const card = cloneCard(template);
    const ports = testPorts({ deviceId: DEVICE_ID, routes: ROUTES });
    let now = T0;
    const validator = validatorWith(ports, () => now);
    const torn = await validator.tap({ channel: new CuttingChannel(card.tap(), { cutAt, point }), uid: card.uid }, undefined);
    expect(torn).toMatchObject({ accepted: false, reason: 'link_lost' });
    const afterCut = await balanceOf(card);
    // All or nothing on the card; nothing journaled for a tap whose commit answer never came.
    expect([[OPENING_VND, 0], [OPENING_VND - FARE_VND, 1]]).toContainEqual([afterCut.balanceVnd, afterCut.lastTripNo]);
    expect(fareEvents(ports)).toEqual([]);
    const committed = afterCut.balanceVnd !== OPENING_VND;
    expect(committed).toBe(cutAt === BUS_TAP_APDUS && point === 'after-execution');

    now = new Date(T0.getTime() + RETAP_AFTER_MS);
    const retap = await validator.tap({ channel: card.tap(), uid: card.uid }, undefined);
    expect(retap).toMatchObject({ accepted: true, balanceVnd: OPENING_VND - FARE_VND, reason: committed ? 'recovered_torn_tap' : undefined });
    expect(await balanceOf(card)).toEqual({ balanceVnd: OPENING_VND - FARE_VND, lastTripNo: 1 });
    expect(fareEvents(ports)).toEqual([{ tmc: 1, amountVnd: FARE_VND }]);
  });

  it('recovers a tap whose validator died between the commit and the journal', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(300, { balanceVnd: OPENING_VND }), uid: cardUid(300) });
    const ports = testPorts({ deviceId: DEVICE_ID, routes: ROUTES });
    let now = T0;
    const validator = validatorWith(ports, () => now);
    ports.journal.failNextAppend = true;
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'journal_failed' });
    expect(await balanceOf(card)).toEqual({ balanceVnd: OPENING_VND - FARE_VND, lastTripNo: 1 });
    expect(ports.journal.events).toHaveLength(0);
    now = new Date(T0.getTime() + RETAP_AFTER_MS);
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, reason: 'recovered_torn_tap', amountVnd: FARE_VND });
    expect(ports.journal.events.map((e) => [e.kind, e.tmc, e.reason, e.detail])).toEqual([['fare', 1, 'recovered_torn_tap', { recovered: 1 }]]);
    // A third tap, much later, is a new ride.
    now = new Date(T0.getTime() + BUS_RECOVERY_WINDOW_MS_DEFAULT + RETAP_AFTER_MS);
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', balanceVnd: OPENING_VND - 2 * FARE_VND });
  });
});
