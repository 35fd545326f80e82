/**
 * Personalisation of a factory card in-process, read back with the readers
 * validators and the portal use; re-runs, adding an application to a card in
 * use, and the states the personaliser refuses to overwrite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesfireClient } from '../src/host/client.js';
import { commitTransaction, debit, writeData, writeRecord } from '../src/host/data-commands.js';
import { getKeySettings, getKeyVersion } from '../src/host/key-commands.js';
import { getApplicationIDs, selectApplication } from '../src/host/picc.js';
import { encodeKeySettings } from '../src/protocol/key-settings.js';
import { DesfireStatus } from '../src/protocol/status.js';
import { attendanceCodec } from '../src/profile/codecs/attendance.js';
import { transitFareStateCodec } from '../src/profile/codecs/transit-fare-state.js';
import { tripCodec } from '../src/profile/codecs/transit-trip.js';
import { PICC_AID, PROFILE_AIDS, PROFILE_APPLICATIONS, keyCountOf } from '../src/profile/layout/applications.js';
import { APPLICATION_KEY_SETTINGS, PICC_KEY_SETTINGS, profileFile } from '../src/profile/layout/files.js';
import { samKeySource, type ProfileKeySource } from '../src/profile/keys/key-source.js';
import { applicationsInHolder, buildPlan } from '../src/profile/personalise/plan.js';
import { runPlan } from '../src/profile/personalise/runner.js';
import type { Holder } from '../src/profile/personalise/holder.js';
import { authenticateWorkstationLogin, readEmployee } from '../src/profile/readers/civil.js';
import { readHealth } from '../src/profile/readers/health.js';
import { readIdentity } from '../src/profile/readers/identity.js';
import { readCanteenHistory, readCanteenPurse, readLibraryLoans, readStudentAttendance, readStudentRecord } from '../src/profile/readers/student.js';
import { readTransitFareState, readTransitForTap, readTransitTrips } from '../src/profile/readers/transit.js';
import { readTransactionMac } from '../src/profile/readers/transaction-mac.js';
import { ProfileSession } from '../src/profile/session.js';
import { cachedKeySource, createTestKeys, CuttingChannel, factoryCard, sampleHolder, SAMPLE_HOLDER, TEST_CARD_UID, TEST_ISSUED_AT, TEST_PRINCIPAL, type TestKeys } from '../src/profile/testing/fixtures.js';

let keys: TestKeys;
let source: ProfileKeySource;
beforeAll(async () => {
  keys = await createTestKeys();
  source = cachedKeySource(keys.source);
});
afterAll(() => {
  keys.close();
});

function planFor(holder: Holder, applications = applicationsInHolder(holder)): ReturnType<typeof buildPlan> & { ok: true } {
  const plan = buildPlan({ holder, applications, issuedAt: TEST_ISSUED_AT, stationId: 7 });
  if (!plan.ok) throw new Error(plan.problems.join('; '));
  return plan;
}

async function openSession(client: DesfireClient, with_: ProfileKeySource = source): Promise<ProfileSession> {
  const opened = await ProfileSession.open(client, with_);
  if (!opened.ok) throw new Error(`cannot open: ${opened.code}`);
  return opened.value;
}

function value<T>(result: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!result.ok) throw new Error(`expected a value, got ${result.code}`);
  return result.value;
}

async function issuedCard(holder: Holder = sampleHolder()): Promise<ReturnType<typeof factoryCard>> {
  const card = factoryCard();
  const outcome = await runPlan({ client: card.client(), keys: source, steps: planFor(holder).steps });
  expect(outcome.ok).toBe(true);
  // A new tap: the personaliser's session ends with the field.
  card.channel.remove();
  card.channel.tap();
  return card;
}

describe('personalising a factory card', () => {
  it('issues every application and every record reads back as the holder file says', async () => {
    const holder = sampleHolder();
    const { client } = factoryCard();
    const outcome = await runPlan({ client: client(), keys: keys.source, steps: planFor(holder).steps });
    expect(outcome.ok).toBe(true);
    expect(outcome.steps.every((s) => s.action === 'applied')).toBe(true);

    const session = await openSession(client());
    expect(value(await readIdentity(session))).toEqual({ profileVersion: 1, cardNumber: holder.card.number, issuerCode: 1, issuedOn: '2025-09-01', expiresOn: '2030-08-31', categories: holder.categories });
    const tap = value(await readTransitForTap(session));
    expect(tap.balanceVnd).toBe(50_000);
    expect(tap.entitlements).toEqual({ fareCategory: 'pupil', fareCategoryValidFrom: '2025-09-01', fareCategoryValidUntil: '2026-08-31', contracts: holder.transit?.contracts });
    expect(tap.lastTrip).toEqual({ event: 'issue', transactionNo: 0, at: TEST_ISSUED_AT, deviceId: 7, routeId: 0, amountVnd: 50_000, balanceAfterVnd: 50_000, contractSlot: undefined });
    expect(value(await readTransitTrips(session))).toHaveLength(1);
    expect(value(await readTransitFareState(session))).toEqual(tap.fareState);
    expect(value(await readTransactionMac(session, 'transit')).tmc).toBe(0);
    expect(value(await readStudentRecord(session))).toEqual(holder.student);
    expect(value(await readStudentAttendance(session))).toEqual([]);
    expect(value(await readLibraryLoans(session))).toEqual({ loans: [] });
    expect(value(await readCanteenPurse(session))).toMatchObject({ balanceVnd: 100_000, lastEvent: { event: 'issue', transactionNo: 0 } });
    expect(value(await readCanteenHistory(session))).toHaveLength(1);
    expect(value(await readEmployee(session))).toEqual(holder.civil?.employee);
    expect(value(await authenticateWorkstationLogin(session))).toEqual(holder.civil?.credential);
    expect(value(await readHealth(session))).toEqual({ insurance: holder.health?.insurance, emergency: holder.health?.emergency, visits: [] });
    session.close();
  });

  it('leaves diversified keys of the active master version, closed key settings and no free application list', async () => {
    const { client } = await issuedCard();
    const c = client();
    expect(await getKeyVersion(c, 0)).toEqual({ ok: true, value: 1 });
    expect(await getApplicationIDs(c)).toMatchObject({ ok: false, status: DesfireStatus.AUTHENTICATION_ERROR });
    for (const application of PROFILE_APPLICATIONS) {
      expect((await selectApplication(c, PROFILE_AIDS[application])).ok).toBe(true);
      for (let keyNo = 0; keyNo < keyCountOf(application); keyNo++) expect(await getKeyVersion(c, keyNo)).toEqual({ ok: true, value: 1 });
      expect(await getKeyVersion(c, keyCountOf(application))).toMatchObject({ ok: false, status: DesfireStatus.NO_SUCH_KEY });
      expect(await getKeySettings(c)).toMatchObject({ ok: false, status: DesfireStatus.AUTHENTICATION_ERROR });
    }
    const session = await openSession(c);
    expect((await session.authenticateAt({ aid: PICC_AID, ref: { application: 'picc', keyNo: 0 }, defaultKeyAllowed: false })).ok).toBe(true);
    const picc = await getKeySettings(c);
    expect(picc.ok && encodeKeySettings(picc.value.settings)).toBe(encodeKeySettings(PICC_KEY_SETTINGS));
    expect(encodeKeySettings(PICC_KEY_SETTINGS)).toBe(0x09);
    expect((await session.authenticate('transit', 0, { defaultKeyAllowed: false })).ok).toBe(true);
    const transit = await getKeySettings(c);
    expect(transit.ok && encodeKeySettings(transit.value.settings)).toBe(encodeKeySettings(APPLICATION_KEY_SETTINGS));
    expect(transit.ok && transit.value.keyCount).toMatchObject({ keyType: 'aes128', keyCount: 4 });
    session.close();
  });

  it('re-running on an issued card changes nothing and says every step was already done', async () => {
    const { card, client } = await issuedCard();
    const before = card.image;
    const again = await runPlan({ client: client(), keys: source, steps: planFor(sampleHolder()).steps });
    expect(again.ok).toBe(true);
    expect(again.steps.every((s) => s.action === 'already-done')).toBe(true);
    expect(card.image).toEqual(before);
  });
});

describe('adding an application to a card in use', () => {
  it('gives a pupil a bus contract later without touching student or identity data', async () => {
    const holder = sampleHolder();
    const { card, client } = factoryCard();
    expect((await runPlan({ client: client(), keys: source, steps: planFor(holder, ['student']).steps })).ok).toBe(true);
    // The school gate records an entry.
    const gate = await openSession(client());
    expect((await gate.authenticate('student', 2, { defaultKeyAllowed: false })).ok).toBe(true);
    const entry = attendanceCodec.encode({ direction: 'in', at: new Date('2025-09-02T00:15:00Z'), siteCode: 1_010_203, gateNo: 1 });
    expect((await writeRecord(gate.client, { fileNo: profileFile('student.attendance').fileNo, mode: 'full', offsetBytes: 0, data: entry })).ok).toBe(true);
    expect((await commitTransaction(gate.client, { returnTransactionMac: false })).ok).toBe(true);
    gate.close();
    const studentBefore = card.image.applications.find((a) => a.aid === PROFILE_AIDS.student);
    const identityBefore = card.image.applications.find((a) => a.aid === PROFILE_AIDS.identity);

    const added = await runPlan({ client: client(), keys: source, steps: planFor(holder, ['transit']).steps });
    expect(added.ok).toBe(true);
    expect(added.steps.filter((s) => s.action === 'applied').map((s) => s.id.split(/[.:]/)[0])).toEqual(expect.arrayContaining(['transit']));
    expect(added.steps.filter((s) => s.action === 'applied').every((s) => s.id.startsWith('transit'))).toBe(true);
    expect(card.image.applications.find((a) => a.aid === PROFILE_AIDS.student)).toEqual(studentBefore);
    expect(card.image.applications.find((a) => a.aid === PROFILE_AIDS.identity)).toEqual(identityBefore);
    expect(card.image.applications.map((a) => a.aid).sort()).toEqual([PROFILE_AIDS.identity, PROFILE_AIDS.transit, PROFILE_AIDS.student].sort());
    const session = await openSession(client());
    expect(value(await readStudentAttendance(session))).toHaveLength(1);
    expect(value(await readTransitForTap(session)).entitlements.contracts).toHaveLength(1);
    session.close();
  });
});

describe('what the personaliser will not overwrite', () => {
  it('stops at the identity record when the card was issued to someone else', async () => {
    const { card, client } = await issuedCard();
    const before = card.image;
    const other = sampleHolder({ ...SAMPLE_HOLDER, card: { ...SAMPLE_HOLDER.card, number: '9704000000000026' } });
    const outcome = await runPlan({ client: client(), keys: source, steps: planFor(other).steps });
    expect(outcome).toMatchObject({ ok: false, failedStep: 'identity.holder:write', failure: { code: 'unexpected_state', what: 'record_differs' } });
    expect(card.image).toEqual(before);
  });

  it('stops at the fare state of a card that has been used on a bus', async () => {
    const { client } = await issuedCard();
    const session = await openSession(client());
    expect((await session.authenticate('transit', 2, { defaultKeyAllowed: false })).ok).toBe(true);
    const c = session.client;
    const state = transitFareStateCodec.encode({ journeyStartedAt: new Date('2025-09-03T00:00:00Z'), transfersUsed: 0, lastTapAt: new Date('2025-09-03T00:00:00Z'), lastRouteId: 32, capDay: '2025-09-03', capDaySpentVnd: 7_000, capMonth: '2025-09', capMonthSpentVnd: 7_000 });
    expect((await debit(c, { fileNo: 0, mode: 'mac', amount: 7_000 })).ok).toBe(true);
    expect((await writeData(c, { fileNo: 2, mode: 'mac', offsetBytes: 0, data: state })).ok).toBe(true);
    expect((await commitTransaction(c, { returnTransactionMac: false })).ok).toBe(true);
    session.close();
    const outcome = await runPlan({ client: client(), keys: source, steps: planFor(sampleHolder()).steps });
    expect(outcome).toMatchObject({ ok: false, failedStep: 'transit.fare-state:write', failure: { code: 'unexpected_state', what: 'record_differs' } });
  });

  it('reports the step that runs out of memory on a 2 KB card', async () => {
    const { DesfireCard } = await import('../src/emulator/card.js');
    const { InProcessChannel } = await import('../src/transport/in-process.js');
    const card = DesfireCard.open({ factory: { uid: Uint8Array.of(4, 1, 2, 3, 4, 5, 6), eepromFreeBytesEmpty: 2304 } });
    const channel = new InProcessChannel(card).tap();
    const outcome = await runPlan({ client: new DesfireClient(channel), keys: source, steps: planFor(sampleHolder()).steps });
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'card_refused', status: DesfireStatus.OUT_OF_EEPROM_ERROR, reason: 'out_of_eeprom_error' } });
    expect(outcome.ok ? '' : outcome.failedStep).toMatch(/:create$/);
  });

  it('names the key a key store without that master cannot derive', async () => {
    const withoutTransit = samKeySource({ sam: keys.sam, principal: TEST_PRINCIPAL, purpose: 'test', allowed: [{ application: 'picc', keyNo: 0 }, { application: 'identity', keyNo: 0 }, { application: 'identity', keyNo: 1 }] });
    const outcome = await runPlan({ client: factoryCard().client(), keys: withoutTransit, steps: planFor(sampleHolder()).steps });
    expect(outcome).toMatchObject({ ok: false, failedStep: 'transit:keys', failure: { code: 'key_not_held', application: 'transit', keyNo: 0 } });
  });

  it('refuses to plan an application the holder file has no data for', () => {
    const withoutTransit = { ...SAMPLE_HOLDER, transit: undefined };
    expect(buildPlan({ holder: sampleHolder(withoutTransit), applications: ['transit'], issuedAt: TEST_ISSUED_AT, stationId: 0 })).toEqual({ ok: false, problems: ['holder.json has no transit section'] });
  });
});

describe('the bus tap budget (PROFILE.md §8)', () => {
  it('reads, debits, updates the fare state, logs and commits in one session of 14 APDUs', async () => {
    const { channel } = await issuedCard();
    const counting = new CuttingChannel(channel, { cutAt: undefined, point: 'before-delivery' });
    const client = new DesfireClient(counting);
    // The reader reports the UID from anticollision (PC/SC GET DATA): no card APDU.
    const session = ProfileSession.withUid(client, source, TEST_CARD_UID);
    const view = value(await readTransitForTap(session));
    const fareVnd = 7_000;
    expect((await debit(client, { fileNo: 0, mode: 'mac', amount: fareVnd })).ok).toBe(true);
    const at = new Date('2025-09-03T00:05:00Z');
    const state = { ...view.fareState, journeyStartedAt: at, lastTapAt: at, lastRouteId: 32, capDay: '2025-09-03', capDaySpentVnd: fareVnd, capMonthSpentVnd: fareVnd };
    expect((await writeData(client, { fileNo: 2, mode: 'mac', offsetBytes: 0, data: transitFareStateCodec.encode(state) })).ok).toBe(true);
    const transactionNo = (view.lastTrip?.transactionNo ?? 0) + 1;
    const trip = tripCodec.encode({ event: 'fare', transactionNo, at, deviceId: 4242, routeId: 32, amountVnd: fareVnd, balanceAfterVnd: view.balanceVnd - fareVnd, contractSlot: undefined });
    expect((await writeRecord(client, { fileNo: 3, mode: 'full', offsetBytes: 0, data: trip })).ok).toBe(true);
    // The card's own counter confirms the number the record carries (PROFILE.md §5.4).
    expect(await commitTransaction(client, { returnTransactionMac: true })).toMatchObject({ ok: true, value: { tmc: transactionNo } });
    // select, GetKeyVersion, 2 auth frames, 4 reads (the 64-byte entitlements answer in 2 frames), debit, write, record, commit
    expect(counting.count).toBe(14);
    const after = await openSession(new DesfireClient(channel));
    expect(value(await readTransitTrips(after)).map((t) => [t.transactionNo, t.balanceAfterVnd])).toEqual([[0, 50_000], [1, 43_000]]);
    after.close();
    session.close();
  });
});
