/**
 * School gate and office gate: attendance in/out, the result per holder,
 * anti-passback within the configured window, holders of another school or
 * agency, and a passage torn after the commit.
 * Both gates use exactly their role's policy keys (KEY_BUNDLE_POLICIES),
 * identity read included: every journal event carries the card number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileKeySource } from '@onecard/card-os/profile';
import { roleKeyRefs } from '../src/device/device-keys.js';
import { GATE_ANTI_PASSBACK_MS_DEFAULT, GATE_RECOVERY_WINDOW_MS_DEFAULT, type GateDirectionSetting } from '../src/modes/gate.js';
import { officeMode } from '../src/modes/office.js';
import { schoolGateMode } from '../src/modes/school-gate.js';
import { cloneCard, createTestKeyStore, CuttingChannel, issueCard, type TestKeyStore } from '../src/tap/testing/cards.js';
import { cardUid, civilServant, pupil } from '../src/tap/testing/holders.js';
import { testPorts, type TestPorts } from '../src/tap/testing/ports.js';
import { createValidator, type Validator } from '../src/tap/validator.js';

const SCHOOL = 1_010_203;
const AGENCY = 17;
const T0 = new Date('2025-09-03T00:15:00Z');
const MINUTE_MS = 60_000;

let keyStore: TestKeyStore;
let schoolKeys: ProfileKeySource;
let officeKeys: ProfileKeySource;
beforeAll(async () => {
  keyStore = await createTestKeyStore();
  schoolKeys = keyStore.roleWith(roleKeyRefs('school-gate'));
  officeKeys = (await keyStore.deviceKeys('office-gate')).keys;
});
afterAll(() => {
  keyStore.close();
});

function schoolGate(options: { direction: GateDirectionSetting; clock: () => Date; ports?: TestPorts; gateNo?: number }): { ports: TestPorts; validator: Validator<void> } {
  const ports = options.ports ?? testPorts({ deviceId: 31, routes: new Map() });
  const validator = createValidator({
    mode: schoolGateMode({ siteCode: SCHOOL, gateNo: options.gateNo ?? 1, direction: options.direction, antiPassbackMs: GATE_ANTI_PASSBACK_MS_DEFAULT, recoveryWindowMs: GATE_RECOVERY_WINDOW_MS_DEFAULT }),
    device: { deviceId: 31, operatorId: undefined },
    keys: schoolKeys,
    denyList: ports.denyList,
    actions: ports.actions,
    journal: ports.journal,
    clock: options.clock,
  });
  return { ports, validator };
}

describe('school gate', () => {
  it('records in and out per pupil and refuses a pass-back within the window', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(600, { schoolCode: SCHOOL, canteenBalanceVnd: 0 }), uid: cardUid(600) });
    let now = T0;
    const { ports, validator } = schoolGate({ direction: 'alternate', clock: () => now });
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'gate-in', notes: [{ code: 'direction', direction: 'in' }] });
    now = new Date(T0.getTime() + MINUTE_MS);
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'anti_passback' });
    now = new Date(T0.getTime() + 7 * 60 * MINUTE_MS);
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'gate-out', notes: [{ code: 'direction', direction: 'out' }] });
    expect(ports.journal.events.map((e) => [e.kind, e.reason, e.siteCode, e.gateNo])).toEqual([
      ['gate-in', undefined, SCHOOL, 1],
      ['denied', 'anti_passback', SCHOOL, 1],
      ['gate-out', undefined, SCHOOL, 1],
    ]);
  });

  it('refuses a second "in" at an entry-only gate of the same school, then lets it through after the window', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(601, { schoolCode: SCHOOL, canteenBalanceVnd: 0 }), uid: cardUid(601) });
    let now = T0;
    const gate1 = schoolGate({ direction: 'in', clock: () => now, gateNo: 1 });
    const gate2 = schoolGate({ direction: 'in', clock: () => now, gateNo: 2 });
    expect((await gate1.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).accepted).toBe(true);
    now = new Date(T0.getTime() + 2 * MINUTE_MS);
    // Another gate, offline: the card itself carries the last passage.
    expect(await gate2.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'anti_passback' });
    now = new Date(T0.getTime() + GATE_ANTI_PASSBACK_MS_DEFAULT + MINUTE_MS);
    expect(await gate2.validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'gate-in' });
  });

  it('refuses a pupil of another school, and a card without a student application', async () => {
    const other = await issueCard({ issuer: keyStore.issuer, holder: pupil(602, { schoolCode: 999, canteenBalanceVnd: 0 }), uid: cardUid(602) });
    const officer = await issueCard({ issuer: keyStore.issuer, holder: civilServant(603, { agencyCode: AGENCY }), uid: cardUid(603) });
    const { ports, validator } = schoolGate({ direction: 'in', clock: () => T0 });
    expect(await validator.tap({ channel: other.tap(), uid: other.uid }, undefined)).toMatchObject({ accepted: false, reason: 'not_enrolled_here', kind: 'denied' });
    expect(await validator.tap({ channel: officer.tap(), uid: officer.uid }, undefined)).toMatchObject({ accepted: false, reason: 'application_absent' });
    expect(ports.journal.events.map((e) => e.reason)).toEqual(['not_enrolled_here']);
  });

  it('recognises a passage torn after the commit and journals it once, without a second record', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: pupil(604, { schoolCode: SCHOOL, canteenBalanceVnd: 0 }), uid: cardUid(604) });
    let now = T0;
    const { ports, validator } = schoolGate({ direction: 'in', clock: () => now });
    ports.journal.failNextAppend = true;
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'journal_failed' });
    now = new Date(T0.getTime() + 20_000);
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, reason: 'recovered_torn_tap', kind: 'gate-in' });
    expect(ports.journal.events.map((e) => [e.kind, e.at])).toEqual([['gate-in', T0.toISOString()]]);
    now = new Date(T0.getTime() + 40_000);
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: false, reason: 'anti_passback' });
  });

  it('leaves exactly one passage, journaled once, when the card leaves at any APDU and comes back', async () => {
    const template = await issueCard({ issuer: keyStore.issuer, holder: pupil(699, { schoolCode: SCHOOL, canteenBalanceVnd: 0 }), uid: cardUid(699) });
    const probe = cloneCard(template);
    const counting = new CuttingChannel(probe.tap(), { cutAt: undefined, point: 'before-delivery' });
    expect((await schoolGate({ direction: 'in', clock: () => T0 }).validator.tap({ channel: counting, uid: probe.uid }, undefined)).accepted).toBe(true);
    const apduCount = counting.count;
    expect(apduCount).toBeGreaterThan(10);
    for (let cutAt = 1; cutAt <= apduCount; cutAt += 1) {
      const card = cloneCard(template);
      let now = T0;
      const { ports, validator } = schoolGate({ direction: 'in', clock: () => now });
      const torn = await validator.tap({ channel: new CuttingChannel(card.tap(), { cutAt, point: 'after-execution' }), uid: card.uid }, undefined);
      now = new Date(T0.getTime() + 20_000);
      const retap = await validator.tap({ channel: card.tap(), uid: card.uid }, undefined);
      expect(retap.accepted, `cut at ${cutAt}`).toBe(true);
      expect(ports.journal.events.filter((e) => e.kind === 'gate-in')).toHaveLength(1);
      expect(torn.accepted).toBe(false);
      expect(retap.reason).toBe(cutAt === apduCount ? 'recovered_torn_tap' : undefined);
    }
  });
});

describe('office gate', () => {
  it('checks civil servants of its agency in and out, with the real office-gate bundle', async () => {
    const card = await issueCard({ issuer: keyStore.issuer, holder: civilServant(610, { agencyCode: AGENCY }), uid: cardUid(610) });
    const stranger = await issueCard({ issuer: keyStore.issuer, holder: civilServant(611, { agencyCode: 18 }), uid: cardUid(611) });
    let now = T0;
    const ports = testPorts({ deviceId: 41, routes: new Map() });
    const validator = createValidator({
      mode: officeMode({ agencyCode: AGENCY, siteCode: 1701, gateNo: 3, direction: 'alternate', antiPassbackMs: GATE_ANTI_PASSBACK_MS_DEFAULT, recoveryWindowMs: GATE_RECOVERY_WINDOW_MS_DEFAULT }),
      device: { deviceId: 41, operatorId: undefined },
      keys: officeKeys,
      denyList: ports.denyList,
      actions: ports.actions,
      journal: ports.journal,
      clock: () => now,
    });
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'office-in' });
    now = new Date(T0.getTime() + 9 * 60 * MINUTE_MS);
    expect(await validator.tap({ channel: card.tap(), uid: card.uid }, undefined)).toMatchObject({ accepted: true, kind: 'office-out' });
    expect(await validator.tap({ channel: stranger.tap(), uid: stranger.uid }, undefined)).toMatchObject({ accepted: false, reason: 'not_enrolled_here' });
    expect(ports.journal.events.map((e) => [e.kind, e.application, e.siteCode])).toEqual([['office-in', 'civil', 1701], ['office-out', 'civil', 1701], ['denied', 'civil', 1701]]);
  });
});
