/**
 * A school week at School 42 for the attendance tests: pupils' cards issued
 * by the school, two gate validators registered through the real PKI path,
 * one gate at another school (and one of its devices writing School 42's
 * site code), and signed batches ingested through the real
 * ingest path. Friday 2026-12-04 is the school day; Hanoi = UTC + 7.
 */
import { expect } from 'vitest';
import type { Harness } from '../../test/support/harness.js';
import { DeviceJournal, type EventInput } from '../../test/support/journal.js';
import { cardNumberOf, createTestPki, issueTestCertificate, NOW_MS, SCHOOL_ID, SCHOOL_SITE_CODE } from '../../test/support/seed.js';
import { registerDevice } from '../devices/registry.js';
import { cards } from '../db/schema/cards.js';
import { organisations } from '../db/schema/organisations.js';

export const OTHER_SCHOOL_ID = 'school-77';
export const OTHER_SCHOOL_SITE_CODE = 77;

export const PUPILS = {
  onTime: cardNumberOf(201),
  late: cardNumberOf(202),
  absent: cardNumberOf(203),
  leftEarly: cardNumberOf(204),
  inWithoutOut: cardNumberOf(205),
  repeats: cardNumberOf(206),
  midnight: cardNumberOf(207),
  weekend: cardNumberOf(208),
  /** Its card's TMC 1 is committed at gate 1 and again (clone sign) at gate 2. */
  cloned: cardNumberOf(209),
} as const;
/** A pupil of School 77 (also taps at School 42's gate once). */
export const OTHER_PUPIL = cardNumberOf(301);

export interface SchoolWeek {
  readonly gate1: DeviceJournal;
  readonly gate2: DeviceJournal;
  readonly otherGate: DeviceJournal;
  /** Registered to School 77 yet writing School 42's site code. */
  readonly rogueGate: DeviceJournal;
  /** Signs the device's not yet uploaded events as one batch and ingests it (must be accepted). */
  upload(device: DeviceJournal): Promise<void>;
}

const gateTap = (cardNumber: string, kind: 'gate-in' | 'gate-out', at: string, input: { readonly siteCode: number; readonly gateNo: number }): EventInput => ({ at, kind, application: 'student', cardNumber, amountVnd: 0, siteCode: input.siteCode, gateNo: input.gateNo });

export async function openSchoolWeek(h: Harness): Promise<SchoolWeek> {
  const { db } = h.database;
  await db.insert(organisations).values({ id: OTHER_SCHOOL_ID, kind: 'school', name: 'School 77', siteCode: OTHER_SCHOOL_SITE_CODE });
  await db.insert(cards).values([...Object.values(PUPILS).map((cardNumber) => ({ cardNumber, organisationId: SCHOOL_ID })), { cardNumber: OTHER_PUPIL, organisationId: OTHER_SCHOOL_ID }]);
  const pki = createTestPki();
  const gate1 = new DeviceJournal({ deviceId: 7001 });
  const gate2 = new DeviceJournal({ deviceId: 7002 });
  const otherGate = new DeviceJournal({ deviceId: 7701 });
  const rogueGate = new DeviceJournal({ deviceId: 7702 });
  const owners: readonly (readonly [DeviceJournal, string | undefined])[] = [
    [gate1, SCHOOL_ID],
    [gate2, undefined],
    [otherGate, OTHER_SCHOOL_ID],
    [rogueGate, OTHER_SCHOOL_ID],
  ];
  for (const [device, organisationId] of owners) {
    const certificate = issueTestCertificate(pki, { deviceId: String(device.deviceId), keyPair: device.keyPair });
    const registered = await registerDevice(db, { certificatePem: certificate.certificatePem, journalKeyId: device.keyId, trust: pki.trust, crl: pki.crlWith([]), nowMs: NOW_MS, ...(organisationId === undefined ? {} : { organisationId }) });
    if (!registered.ok) throw new Error(`test gate registration failed: ${registered.code}`);
  }
  const uploaded = new Map<number, number>();
  const upload = async (device: DeviceJournal): Promise<void> => {
    const from = (uploaded.get(device.deviceId) ?? 0) + 1;
    const outcome = await h.ingest(device.deviceId, device.batch({ fromSeq: from, toSeq: device.events.length }).bytes);
    expect(outcome.kind).toBe('accepted');
    uploaded.set(device.deviceId, device.events.length);
  };
  const at42 = (gateNo: number) => ({ siteCode: SCHOOL_SITE_CODE, gateNo });
  const tap1 = (cardNumber: string, kind: 'gate-in' | 'gate-out', at: string) => gate1.append(gateTap(cardNumber, kind, at, at42(1)));
  const tap2 = (cardNumber: string, kind: 'gate-in' | 'gate-out', at: string) => gate2.append(gateTap(cardNumber, kind, at, at42(2)));

  // Thursday 23:59:59.999 in Hanoi (Thursday's day) and Friday 00:00 (Friday's).
  tap1(PUPILS.midnight, 'gate-in', '2026-12-03T16:59:59.999Z');
  tap1(PUPILS.midnight, 'gate-in', '2026-12-03T17:00:00.000Z');
  tap1(PUPILS.repeats, 'gate-in', '2026-12-03T23:40:00.000Z');
  tap2(PUPILS.repeats, 'gate-in', '2026-12-03T23:41:00.000Z');
  tap1(PUPILS.onTime, 'gate-in', '2026-12-03T23:50:00.000Z');
  tap1(PUPILS.leftEarly, 'gate-in', '2026-12-03T23:55:00.000Z');
  tap2(PUPILS.inWithoutOut, 'gate-in', '2026-12-03T23:58:00.000Z');
  tap1(PUPILS.late, 'gate-in', '2026-12-04T00:20:00.000Z');
  tap1(OTHER_PUPIL, 'gate-in', '2026-12-04T02:00:00.000Z');
  tap1(PUPILS.leftEarly, 'gate-out', '2026-12-04T04:00:00.000Z');
  tap1(OTHER_PUPIL, 'gate-out', '2026-12-04T03:00:00.000Z');
  tap1(PUPILS.repeats, 'gate-out', '2026-12-04T09:31:00.000Z');
  tap2(PUPILS.repeats, 'gate-out', '2026-12-04T09:45:00.000Z');
  tap1(PUPILS.onTime, 'gate-out', '2026-12-04T09:35:00.000Z');
  tap1(PUPILS.late, 'gate-out', '2026-12-04T09:40:00.000Z');
  tap1(PUPILS.midnight, 'gate-out', '2026-12-04T09:50:00.000Z');
  // Friday 23:59:59.999 (Friday) and Saturday 00:00 (Saturday's day, no school).
  tap1(PUPILS.weekend, 'gate-out', '2026-12-04T16:59:59.999Z');
  tap1(PUPILS.weekend, 'gate-in', '2026-12-04T17:00:00.000Z');
  tap1(PUPILS.weekend, 'gate-out', '2026-12-05T03:00:00.000Z');
  // A gate event carrying a TMC: gate 1's is posted, gate 2's earlier one repeats TMC 1 (tmc_duplicate: never counts).
  gate1.append({ ...gateTap(PUPILS.cloned, 'gate-in', '2026-12-03T23:59:00.000Z', at42(1)), tmc: 1 });
  gate2.append({ ...gateTap(PUPILS.cloned, 'gate-in', '2026-12-03T23:30:00.000Z', at42(2)), tmc: 1 });
  tap1(PUPILS.cloned, 'gate-out', '2026-12-04T09:36:00.000Z');
  // School 77's own gate: none of this is School 42's.
  otherGate.append(gateTap(OTHER_PUPIL, 'gate-in', '2026-12-04T00:05:00.000Z', { siteCode: OTHER_SCHOOL_SITE_CODE, gateNo: 1 }));
  otherGate.append(gateTap(PUPILS.absent, 'gate-in', '2026-12-04T00:06:00.000Z', { siteCode: OTHER_SCHOOL_SITE_CODE, gateNo: 1 }));
  // School 77's device claiming to be a School 42 gate: it does not count for School 42.
  rogueGate.append(gateTap(PUPILS.absent, 'gate-in', '2026-12-04T00:01:00.000Z', at42(9)));
  for (const device of [gate1, gate2, otherGate, rogueGate]) await upload(device);
  return { gate1, gate2, otherGate, rogueGate, upload };
}
