/**
 * Canteen POS, library desk and clinic: happy paths, refusals, torn
 * transactions, and the separation of keys (a school-gate bundle cannot
 * read health data). Canteen and library terminals get exactly their policy
 * keys (identity read included); the clinic uses its real exported bundle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesfireClient } from '@onecard/card-os';
import { ProfileSession, readCanteenPurse, readHealth, readLibraryLoans, type EmergencyRecord, type ProfileKeySource } from '@onecard/card-os/profile';
import { roleKeyRefs } from '../src/device/device-keys.js';
import { canteenMode, CANTEEN_RECOVERY_WINDOW_MS_DEFAULT, type CanteenInput } from '../src/modes/canteen.js';
import { clinicMode, type ClinicInput } from '../src/modes/clinic.js';
import { libraryMode, LIBRARY_LOAN_DAYS_DEFAULT, type LibraryInput } from '../src/modes/library.js';
import type { ModeHandler } from '../src/tap/mode.js';
import { createTestKeyStore, issueCard, type TestCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { cardUid, pupil } from '../src/tap/testing/holders.js';
import { testPorts, type TestPorts } from '../src/tap/testing/ports.js';
import { createValidator, type Validator } from '../src/tap/validator.js';

const SCHOOL = 1_010_203;
const T0 = new Date('2025-09-03T04:30:00Z');

let keyStore: TestKeyStore;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
});
afterAll(() => {
  keyStore.close();
});

function terminal<Input>(mode: ModeHandler<Input>, keys: ProfileKeySource, clock: () => Date): { ports: TestPorts; validator: Validator<Input> } {
  const ports = testPorts({ deviceId: 51, routes: new Map() });
  const validator = createValidator({ mode, device: { deviceId: 51, operatorId: undefined }, keys, denyList: ports.denyList, actions: ports.actions, journal: ports.journal, clock });
  return { ports, validator };
}

async function withIssuer<T>(card: TestCard, read: (session: ProfileSession) => Promise<T>): Promise<T> {
  const session = ProfileSession.withUid(new DesfireClient(card.tap()), keyStore.issuer, card.uid);
  try {
    return await read(session);
  } finally {
    session.close();
  }
}

describe('canteen POS', () => {
  const mode = canteenMode({ siteCode: SCHOOL, counterNo: 2, recoveryWindowMs: CANTEEN_RECOVERY_WINDOW_MS_DEFAULT });
  const keys = (): ProfileKeySource => keyStore.roleWith(roleKeyRefs('canteen-terminal'));

  it('debits the entered amount with a receipt line and refuses what the purse cannot pay', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(800, { schoolCode: SCHOOL, canteenBalanceVnd: 40_000 }), uid: cardUid(800) });
    const { ports, validator } = terminal<CanteenInput>(mode, keys(), () => T0);
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { amountVnd: 25_000 })).toMatchObject({ accepted: true, kind: 'canteen-purchase', amountVnd: 25_000, balanceVnd: 15_000, notes: [{ code: 'receipt', transactionNo: 1 }] });
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { amountVnd: 20_000 })).toMatchObject({ accepted: false, reason: 'insufficient_funds', balanceVnd: 15_000 });
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { amountVnd: 0 })).toMatchObject({ accepted: false, reason: 'amount_invalid' });
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { amountVnd: 1.5 })).toMatchObject({ accepted: false, reason: 'amount_invalid' });
    expect(ports.journal.events.map((e) => [e.kind, e.amountVnd, e.tmc, e.reason])).toEqual([['canteen-purchase', 25_000, 1, undefined], ['denied', 0, undefined, 'insufficient_funds']]);
    expect(await withIssuer(card, readCanteenPurse)).toMatchObject({ ok: true, value: { balanceVnd: 15_000, lastEvent: { event: 'purchase', transactionNo: 1, amountVnd: 25_000 } } });
  });

  it('does not charge twice when the till died between the commit and the journal', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(801, { schoolCode: SCHOOL, canteenBalanceVnd: 40_000 }), uid: cardUid(801) });
    let now = T0;
    const { ports, validator } = terminal<CanteenInput>(mode, keys(), () => now);
    ports.journal.failNextAppend = true;
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { amountVnd: 12_000 })).toMatchObject({ accepted: false, reason: 'journal_failed' });
    now = new Date(T0.getTime() + 15_000);
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { amountVnd: 12_000 })).toMatchObject({ accepted: true, reason: 'recovered_torn_tap', balanceVnd: 28_000 });
    expect(ports.journal.events.map((e) => [e.kind, e.tmc, e.amountVnd])).toEqual([['canteen-purchase', 1, 12_000]]);
    // The next purchase is a new one.
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { amountVnd: 12_000 })).toMatchObject({ accepted: true, balanceVnd: 16_000 });
  });
});

describe('library desk', () => {
  const mode = libraryMode({ libraryCode: 3, schoolCode: SCHOOL, loanDays: LIBRARY_LOAN_DAYS_DEFAULT });
  const keys = (): ProfileKeySource => keyStore.roleWith(roleKeyRefs('library-terminal'));

  it('records loans and returns on the card and in the journal, up to the loan limit', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(810, { schoolCode: SCHOOL, canteenBalanceVnd: 0 }), uid: cardUid(810) });
    const { ports, validator } = terminal<LibraryInput>(mode, keys(), () => T0);
    const link = { channel: card.tap(), uid: card.uid };
    for (let item = 1; item <= 6; item += 1) expect((await validator.tap({ ...link, channel: card.tap() }, { action: 'loan', itemId: 1000 + item })).accepted).toBe(true);
    expect(await validator.tap({ ...link, channel: card.tap() }, { action: 'loan', itemId: 2000 })).toMatchObject({ accepted: false, reason: 'loan_limit' });
    expect(await validator.tap({ ...link, channel: card.tap() }, { action: 'return', itemId: 1003 })).toMatchObject({ accepted: true, kind: 'library-return' });
    expect(await validator.tap({ ...link, channel: card.tap() }, { action: 'return', itemId: 1003 })).toMatchObject({ accepted: true, reason: 'item_not_on_loan' });
    expect(await validator.tap({ ...link, channel: card.tap() }, { action: 'loan', itemId: 1001 })).toMatchObject({ accepted: true, reason: 'item_already_on_loan' });
    const loans = await withIssuer(card, readLibraryLoans);
    expect(loans.ok && loans.value.loans.map((l) => [l.itemId, l.dueOn])).toEqual([[1001, '2025-09-17'], [1002, '2025-09-17'], [1004, '2025-09-17'], [1005, '2025-09-17'], [1006, '2025-09-17']]);
    expect(ports.journal.events.filter((e) => e.kind === 'library-loan' && e.reason === undefined)).toHaveLength(6);
    expect(ports.journal.events.find((e) => e.kind === 'library-loan')?.detail).toEqual({ itemId: 1001, libraryCode: 3, dueOn: '2025-09-17' });
  });

  it('journals a loan torn after the commit at the repeat tap, with the card\'s due date', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(811, { schoolCode: SCHOOL, canteenBalanceVnd: 0 }), uid: cardUid(811) });
    const { ports, validator } = terminal<LibraryInput>(mode, keys(), () => T0);
    ports.journal.failNextAppend = true;
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { action: 'loan', itemId: 42 })).toMatchObject({ accepted: false, reason: 'journal_failed' });
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { action: 'loan', itemId: 42 })).toMatchObject({ accepted: true, reason: 'item_already_on_loan' });
    expect(ports.journal.events.map((e) => [e.kind, e.reason, e.detail])).toEqual([['library-loan', 'item_already_on_loan', { itemId: 42, libraryCode: 3, dueOn: '2025-09-17' }]]);
  });
});

describe('clinic', () => {
  const visit: ClinicInput = { visitType: 'outpatient', reason: 'J06.9', emergencyAccess: true };

  it('checks the insurance, shows emergency data to the clinician only, and appends the visit', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(820, { schoolCode: SCHOOL, canteenBalanceVnd: 0 }), uid: cardUid(820) });
    const shown: (EmergencyRecord | undefined)[] = [];
    const mode = clinicMode({ facility: '01001', onEmergencyData: (data) => shown.push(data) });
    const { ports, validator } = terminal<ClinicInput>(mode, (await keyStore.deviceKeys('clinic-terminal')).keys, () => T0);
    const outcome = await validator.tap({ channel: card.tap(), uid: card.uid }, visit);
    expect(outcome).toMatchObject({ accepted: true, kind: 'clinic-visit', notes: [{ code: 'visit-recorded' }, { code: 'insurance-until', date: '2026-12-31' }] });
    expect(shown).toEqual([expect.objectContaining({ bloodGroup: 'O+', allergies: ['penicillin'] })]);
    expect(ports.journal.events.map((e) => [e.kind, e.siteCode, e.detail])).toEqual([['emergency-read', 1001, { present: 1 }], ['clinic-visit', 1001, { visitType: 'outpatient' }]]);
    // No health datum in the journal.
    expect(JSON.stringify(ports.journal.events)).not.toMatch(/J06|O\+|penicillin|HS40/);
    const health = await withIssuer(card, readHealth);
    expect(health.ok && health.value.visits).toEqual([{ visitType: 'outpatient', on: '2025-09-03', facility: '01001', reason: 'J06.9' }]);
  });

  it('refuses an expired insurance card without writing a visit', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(821, { schoolCode: SCHOOL, canteenBalanceVnd: 0 }), uid: cardUid(821) });
    const { ports, validator } = terminal<ClinicInput>(clinicMode({ facility: '01001' }), (await keyStore.deviceKeys('clinic-terminal')).keys, () => new Date('2027-01-05T03:00:00Z'));
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, { ...visit, emergencyAccess: false })).toMatchObject({ accepted: false, reason: 'insurance_expired' });
    expect(ports.journal.events.map((e) => [e.kind, e.reason])).toEqual([['denied', 'insurance_expired']]);
    const health = await withIssuer(card, readHealth);
    expect(health.ok && health.value.visits).toEqual([]);
  });

  it('cannot read health data with a school-gate bundle, nor with school keys plus identity', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(822, { schoolCode: SCHOOL, canteenBalanceVnd: 0 }), uid: cardUid(822) });
    const shown: unknown[] = [];
    const mode = clinicMode({ facility: '01001', onEmergencyData: (data) => shown.push(data) });
    const bundle = terminal<ClinicInput>(mode, (await keyStore.deviceKeys('school-gate')).keys, () => T0);
    expect(await bundle.validator.tap({ channel: card.tap(), uid: card.uid }, visit)).toMatchObject({ accepted: false, reason: 'key_not_held' });
    const widened = terminal<ClinicInput>(mode, keyStore.roleWith(roleKeyRefs('school-gate')), () => T0);
    expect(await widened.validator.tap({ channel: card.tap(), uid: card.uid }, visit)).toMatchObject({ accepted: false, reason: 'key_not_held' });
    expect(shown).toEqual([]);
    expect([...bundle.ports.journal.events, ...widened.ports.journal.events]).toEqual([]);
  });
});
