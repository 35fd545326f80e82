/**
 * Autoload from the action list, applied once on the card (PROFILE.md §12):
 * two offline validators with the same list credit a card once; a card cut
 * at any APDU of the autoload tap ends credited at most once, and the re-tap
 * completes it exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesfireClient } from '@onecard/card-os';
import { ProfileSession, readTransitForTap, readTransitTrips, type ProfileKeySource } from '@onecard/card-os/profile';
import { busMode, BUS_RECOVERY_WINDOW_MS_DEFAULT, BUS_REPEAT_WINDOW_MS_DEFAULT } from '../src/modes/bus.js';
import { cloneCard, createTestKeyStore, CuttingChannel, issueCard, type TestCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { adultRider, cardNumber, cardUid } from '../src/tap/testing/holders.js';
import { testPorts, type TestPorts } from '../src/tap/testing/ports.js';
import { createValidator, type Validator } from '../src/tap/validator.js';

const ROUTES = new Map([['32', 32]]);
const T0 = new Date('2025-09-03T01:00:00Z');
const OPENING_VND = 5_000;
const AUTOLOAD_VND = 50_000;
const FARE_VND = 8_000;
/**
 * identity 5 · transit select, GetKeyVersion, 2 auth, reads 5 (9) · claim: WriteData, WriteRecord (2 frames), commit (4) ·
 * credit: GetKeyVersion, 2 auth, Credit, WriteRecord (2), commit (7) · back to the debit key (3) · fare (5).
 */
const AUTOLOAD_TAP_APDUS = 33;

let keyStore: TestKeyStore;
let autoloadKeys: ProfileKeySource;
let plainKeys: ProfileKeySource;
/** The card every cut case starts from (a copy each: same card number, fresh journal per case). */
const CUT_SERIAL = 500;
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

function device(options: { deviceId: number; keys: ProfileKeySource; autoload: boolean; serial: number; clock: () => Date }): { ports: TestPorts; validator: Validator<void> } {
  const ports = testPorts({ deviceId: options.deviceId, routes: ROUTES });
  ports.actions.add(cardNumber(options.serial), { kind: 'autoload', actionId: 'order-7001', application: 'transit', amountVnd: AUTOLOAD_VND, seq: 1 });
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

async function cardState(card: TestCard): Promise<{ balanceVnd: number; credits: number; marker: unknown }> {
  const session = ProfileSession.withUid(new DesfireClient(card.tap()), keyStore.issuer, card.uid);
  const view = await readTransitForTap(session);
  const trips = await readTransitTrips(session);
  session.close();
  if (!view.ok || !trips.ok) throw new Error('card unreadable');
  return { balanceVnd: view.value.balanceVnd, credits: trips.value.filter((t) => t.event === 'autoload' && t.amountVnd > 0).length, marker: view.value.fareState.actions };
}

function credited(ports: TestPorts): number {
  return ports.journal.events.filter((e) => e.kind === 'autoload' && e.amountVnd > 0).reduce((sum, e) => sum + e.amountVnd, 0);
}

describe('autoload', () => {
  it('credits the order before the fare, once, even at a second offline validator with the same list', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(400, { balanceVnd: OPENING_VND }), uid: cardUid(400) });
    let now = T0;
    const a = device({ deviceId: 1, keys: autoloadKeys, autoload: true, serial: 400, clock: () => now });
    const b = device({ deviceId: 2, keys: autoloadKeys, autoload: true, serial: 400, clock: () => now });
    const counting = new CuttingChannel(card.tap(), { cutAt: undefined, point: 'before-delivery' });
    expect(await a.validator.tap({ channel: counting, uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', balanceVnd: OPENING_VND + AUTOLOAD_VND - FARE_VND, notes: [{ code: 'autoload' }] });
    expect(counting.count).toBe(AUTOLOAD_TAP_APDUS);
    expect(a.ports.journal.events.map((e) => [e.kind, e.amountVnd, e.actionId, e.tmc, e.reason])).toEqual([
      ['autoload', 0, undefined, 1, 'autoload_claim'],
      ['autoload', AUTOLOAD_VND, 'order-7001', 2, undefined],
      ['fare', FARE_VND, undefined, 3, undefined],
    ]);
    expect(await cardState(card)).toEqual({ balanceVnd: 47_000, credits: 1, marker: { lastSeq: 1, claimTmc: 0 } });
    now = new Date(T0.getTime() + 30 * 60_000);
    expect(await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', balanceVnd: 39_000, notes: [] });
    expect(credited(b.ports)).toBe(0);
    expect(await cardState(card)).toMatchObject({ balanceVnd: 39_000, credits: 1 });
  });

  it('refuses a plain bus validator the credit, and it keeps the marker of an autoload it cannot do', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(401, { balanceVnd: OPENING_VND }), uid: cardUid(401) });
    const plain = device({ deviceId: 3, keys: plainKeys, autoload: true, serial: 401, clock: () => T0 });
    // Configured for autoload but holding no top-up key: the claim commits, no credit; the fare then finds 5,000 VND.
    expect(await plain.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'insufficient_funds' });
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND, credits: 0, marker: { lastSeq: 1, claimTmc: 1 } });
    // A real autoload validator completes the open claim exactly once.
    const a = device({ deviceId: 4, keys: autoloadKeys, autoload: true, serial: 401, clock: () => new Date(T0.getTime() + 60_000) });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', balanceVnd: 47_000 });
    expect(await cardState(card)).toEqual({ balanceVnd: 47_000, credits: 1, marker: { lastSeq: 1, claimTmc: 0 } });
  });

  const cuts = [...Array(AUTOLOAD_TAP_APDUS).keys()].flatMap((i) => (['before-delivery', 'after-execution'] as const).map((point) => ({ cutAt: i + 1, point })));
  it.each(cuts)('cut at APDU $cutAt ($point): credited at most once, and exactly once after the re-tap', async ({ cutAt, point }) => {
    const card = cloneCard(template);
    let now = T0;
    const a = device({ deviceId: 5, keys: autoloadKeys, autoload: true, serial: CUT_SERIAL, clock: () => now });
    const torn = await a.validator.tap({ channel: new CuttingChannel(card.tap(), { cutAt, point }), uid: card.uid }, undefined);
    expect(torn.accepted).toBe(false);
    const afterCut = await cardState(card);
    expect(afterCut.credits).toBeLessThanOrEqual(1);
    expect(credited(a.ports)).toBeLessThanOrEqual(AUTOLOAD_VND);
    now = new Date(T0.getTime() + 10_000);
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, balanceVnd: OPENING_VND + AUTOLOAD_VND - FARE_VND });
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND + AUTOLOAD_VND - FARE_VND, credits: 1, marker: { lastSeq: 1, claimTmc: 0 } });
    expect(credited(a.ports)).toBe(AUTOLOAD_VND);
    expect(a.ports.journal.events.filter((e) => e.kind === 'fare').map((e) => e.amountVnd)).toEqual([FARE_VND]);
  });

  it.each([0, 1, 2])('recovers when the validator dies before journal append %i of the tap (claim, credit, fare)', async (appendsBefore) => {
    const card = cloneCard(template);
    let now = T0;
    const a = device({ deviceId: 6, keys: autoloadKeys, autoload: true, serial: CUT_SERIAL, clock: () => now });
    a.ports.journal.failNextAppend = true;
    a.ports.journal.appendsBeforeFailure = appendsBefore;
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'journal_failed' });
    now = new Date(T0.getTime() + 10_000);
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, balanceVnd: OPENING_VND + AUTOLOAD_VND - FARE_VND });
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND + AUTOLOAD_VND - FARE_VND, credits: 1, marker: { lastSeq: 1, claimTmc: 0 } });
    // Every commit on the card is in the journal exactly once, in TMC order, the credit with its order id.
    const events = a.ports.journal.events;
    expect(events.map((e) => e.tmc)).toEqual([1, 2, 3]);
    expect(events.filter((e) => e.actionId === 'order-7001').map((e) => e.amountVnd)).toEqual([AUTOLOAD_VND]);
  });

  it('journals, at another offline validator, a credit whose commit answer its own validator never got', async () => {
    const card = cloneCard(template);
    let now = T0;
    const a = device({ deviceId: 7, keys: autoloadKeys, autoload: true, serial: CUT_SERIAL, clock: () => now });
    const b = device({ deviceId: 8, keys: autoloadKeys, autoload: true, serial: CUT_SERIAL, clock: () => now });
    // APDU 25 is the credit's CommitTransaction (identity 5, transit read 9, claim 4, credit 7).
    expect(await a.validator.tap({ channel: new CuttingChannel(card.tap(), { cutAt: 25, point: 'after-execution' }), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'link_lost' });
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND + AUTOLOAD_VND, credits: 1, marker: { lastSeq: 1, claimTmc: 1 } });
    now = new Date(T0.getTime() + 60_000);
    expect(await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', balanceVnd: OPENING_VND + AUTOLOAD_VND - FARE_VND });
    expect(b.ports.journal.events.map((e) => [e.kind, e.reason, e.amountVnd, e.tmc, e.actionId])).toEqual([
      ['autoload', 'autoload_settled', AUTOLOAD_VND, 2, 'order-7001'],
      ['fare', undefined, FARE_VND, 3, undefined],
    ]);
    expect(credited(a.ports) + credited(b.ports)).toBe(AUTOLOAD_VND);
    expect(await cardState(card)).toEqual({ balanceVnd: OPENING_VND + AUTOLOAD_VND - FARE_VND, credits: 1, marker: { lastSeq: 1, claimTmc: 0 } });
  });
});
