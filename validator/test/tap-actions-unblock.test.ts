/**
 * Unblock actions at a bus tap (modes/bus-actions.ts): list-level, no card
 * write of their own; the tap's fare commit records the sequence number and
 * its journal event carries the actionId, once per card across offline
 * validators, also when that commit's answer was lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesfireClient } from '@onecard/card-os';
import { ProfileSession, readTransitForTap, type ProfileKeySource } from '@onecard/card-os/profile';
import { busMode, BUS_RECOVERY_WINDOW_MS_DEFAULT, BUS_REPEAT_WINDOW_MS_DEFAULT } from '../src/modes/bus.js';
import { CuttingChannel, createTestKeyStore, issueCard, type TestCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { adultRider, cardNumber, cardUid } from '../src/tap/testing/holders.js';
import { testPorts, type SequencedAction, type TestPorts } from '../src/tap/testing/ports.js';
import { createValidator, type Validator } from '../src/tap/validator.js';

const ROUTES = new Map([['32', 32]]);
const T0 = new Date('2025-09-03T01:00:00Z');
const LATER = new Date(T0.getTime() + 30 * 60_000);
const OPENING_VND = 20_000;
const FARE_VND = 8_000;
const UNBLOCK: SequencedAction = { kind: 'unblock', actionId: 'unblock-1', seq: 1, application: 'transit' };
/** identity 5 · transit read 9 · fare: Debit, WriteData, WriteRecord (2 frames), commit. */
const FARE_COMMIT_APDU = 19;

let keyStore: TestKeyStore;
let plainKeys: ProfileKeySource;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  plainKeys = (await keyStore.deviceKeys('bus-validator')).keys;
});
afterAll(() => {
  keyStore.close();
});

function device(options: { deviceId: number; serial: number; clock: () => Date; actions: readonly SequencedAction[] }): { ports: TestPorts; validator: Validator<void> } {
  const ports = testPorts({ deviceId: options.deviceId, routes: ROUTES });
  for (const action of options.actions) ports.actions.add(cardNumber(options.serial), action);
  const validator = createValidator({
    mode: busMode({ fares: ports.fares, position: () => ({ routeId: '32', stopId: undefined }), fareMediaId: 'onecard', autoload: false, windows: { recoveryWindowMs: BUS_RECOVERY_WINDOW_MS_DEFAULT, repeatWindowMs: BUS_REPEAT_WINDOW_MS_DEFAULT } }),
    device: { deviceId: options.deviceId, operatorId: undefined },
    keys: plainKeys,
    denyList: ports.denyList,
    actions: ports.actions,
    journal: ports.journal,
    clock: options.clock,
  });
  return { ports, validator };
}

async function markerOf(card: TestCard): Promise<unknown> {
  const session = ProfileSession.withUid(new DesfireClient(card.tap()), keyStore.issuer, card.uid);
  const view = await readTransitForTap(session);
  session.close();
  if (!view.ok) throw new Error('card unreadable');
  return view.value.fareState.actions;
}

describe('unblock', () => {
  it('is confirmed by the fare commit at a plain validator, once across two offline validators', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(700, { balanceVnd: OPENING_VND }), uid: cardUid(700) });
    let now = T0;
    const a = device({ deviceId: 31, serial: 700, clock: () => now, actions: [UNBLOCK] });
    const b = device({ deviceId: 32, serial: 700, clock: () => now, actions: [UNBLOCK] });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare', amountVnd: FARE_VND });
    expect(a.ports.journal.events.map((e) => [e.kind, e.actionId, e.tmc, e.detail?.['actionSeq']])).toEqual([['fare', UNBLOCK.actionId, 1, 1]]);
    expect(await markerOf(card)).toEqual({ lastSeq: 1, claimTmc: 0 });
    now = LATER;
    expect(await b.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare' });
    expect(b.ports.journal.events.map((e) => e.actionId)).toEqual([undefined]);
  });

  it('keeps its actionId when the fare commit answer was lost and the re-tap recovers the ride', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(701, { balanceVnd: OPENING_VND }), uid: cardUid(701) });
    let now = T0;
    const a = device({ deviceId: 33, serial: 701, clock: () => now, actions: [UNBLOCK] });
    expect(await a.validator.tap({ channel: new CuttingChannel(card.tap(), { cutAt: FARE_COMMIT_APDU, point: 'after-execution' }), uid: card.uid }, undefined)).toMatchObject({ accepted: false });
    expect(a.ports.journal.events).toEqual([]);
    now = new Date(T0.getTime() + 10_000);
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, reason: 'recovered_torn_tap' });
    expect(a.ports.journal.events.map((e) => [e.kind, e.actionId, e.tmc, e.detail?.['actionSeq']])).toEqual([['fare', UNBLOCK.actionId, 1, 1]]);
    expect(await markerOf(card)).toEqual({ lastSeq: 1, claimTmc: 0 });
  });

  it('waits for a committed tap: a refused fare journals no unblock', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(702, { balanceVnd: 1_000 }), uid: cardUid(702) });
    const a = device({ deviceId: 34, serial: 702, clock: () => T0, actions: [UNBLOCK] });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'insufficient_funds' });
    expect(a.ports.journal.events.map((e) => [e.kind, e.actionId])).toEqual([['denied', undefined]]);
    expect(await markerOf(card)).toBeUndefined();
  });

  it('leaves an unblock of another application to its terminals', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: adultRider(703, { balanceVnd: OPENING_VND }), uid: cardUid(703) });
    const a = device({ deviceId: 35, serial: 703, clock: () => T0, actions: [{ ...UNBLOCK, application: 'canteen' }] });
    expect(await a.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'fare' });
    expect(a.ports.journal.events.map((e) => e.actionId)).toEqual([undefined]);
    expect(await markerOf(card)).toBeUndefined();
  });
});
