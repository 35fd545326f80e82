/** Reference data for tests: organisations, cards and devices. */
import { sql } from 'drizzle-orm';
import { createDeviceCsr, createRootCa, issueCrl, issueDeviceCertificate, toHex, verifyCrl, type CaCredentials, type DeviceTrust, type Ed25519KeyPair, type VerifiedCrl } from '@onecard/keys';
import type { Executor } from '../../src/db/open.js';
import { jsonRecordset } from '../../src/db/rows.js';
import { cards, organisations } from '../../src/db/schema/index.js';
import { registerDevice } from '../../src/devices/registry.js';

export const OPERATOR_ID = 'hanoibus';
export const OPERATOR_2_ID = 'bus-two';
export const SCHOOL_ID = 'school-42';
export const SCHOOL_SITE_CODE = 42;
export const DAY_MS = 86_400_000;
/** Test clock: 2026-12-04T12:00:00Z. */
export const NOW_MS = Date.UTC(2026, 11, 4, 12);

export function cardNumberOf(index: number): string {
  return `9704${String(index).padStart(12, '0')}`;
}

export async function seedOrganisations(db: Executor): Promise<void> {
  await db
    .insert(organisations)
    .values([
      { id: 'clearing', kind: 'clearing', name: 'OneCard clearing house' },
      { id: OPERATOR_ID, kind: 'operator', name: 'Hanoi Bus' },
      { id: OPERATOR_2_ID, kind: 'operator', name: 'Bus Two' },
      { id: SCHOOL_ID, kind: 'school', name: 'School 42', siteCode: SCHOOL_SITE_CODE },
      { id: 'clinic-7', kind: 'clinic', name: 'Clinic 7' },
    ])
    .onConflictDoNothing();
}

export async function seedCards(db: Executor, count: number, options: { readonly organisationId?: string } = {}): Promise<string[]> {
  const numbers = Array.from({ length: count }, (_, i) => cardNumberOf(i + 1));
  await db.insert(cards).values(numbers.map((cardNumber) => ({ cardNumber, organisationId: options.organisationId ?? null }))).onConflictDoNothing();
  return numbers;
}

/**
 * Inserts device rows directly, bypassing certificate checks: for workloads
 * with many devices (registerDevice with real certificates is tested in
 * src/devices/registry.test.ts and used by the ingest tests).
 */
export async function insertDevicesDirect(db: Executor, list: readonly { readonly deviceId: number; readonly keyId: string; readonly keyPair: Ed25519KeyPair }[]): Promise<void> {
  const rows = list.map((d) => ({ device_id: d.deviceId, key_id: d.keyId, key_hex: toHex(d.keyPair.publicKey), serial: d.deviceId.toString(16) }));
  await db.execute(sql`
    INSERT INTO devices (device_id, role, certificate_pem, certificate_serial_hex, not_after, journal_key_id, journal_public_key_hex)
    SELECT x.device_id, 'validator', 'direct-test-insert', x.serial, '2030-01-01T00:00:00Z', x.key_id, x.key_hex
    FROM ${jsonRecordset(rows, 'device_id bigint, key_id text, key_hex text, serial text')}
    ON CONFLICT DO NOTHING`);
}

export interface TestPki {
  readonly root: CaCredentials;
  readonly trust: DeviceTrust;
  crlWith(revokedSerials: readonly string[]): VerifiedCrl;
}

export function createTestPki(): TestPki {
  const root = createRootCa({ commonName: 'OneCard Test Root', validityDays: 3650, nowMs: NOW_MS - 30 * DAY_MS });
  const crlWith = (revokedSerials: readonly string[]): VerifiedCrl => {
    const crlPem = issueCrl({ issuer: root, revoked: revokedSerials.map((serialHex) => ({ serialHex, revokedAtMs: NOW_MS - DAY_MS, reason: 'keyCompromise' as const })), crlNumber: BigInt(revokedSerials.length + 1), thisUpdateMs: NOW_MS - DAY_MS, nextUpdateMs: NOW_MS + 7 * DAY_MS });
    return verifyCrl({ crlPem, issuerCertificatePem: root.certificatePem, nowMs: NOW_MS });
  };
  return { root, trust: { rootCertificatePem: root.certificatePem, intermediateCertificatePems: [] }, crlWith };
}

export function issueTestCertificate(pki: TestPki, input: { readonly deviceId: string; readonly keyPair: Ed25519KeyPair; readonly validityDays?: number; readonly nowMs?: number }): { readonly certificatePem: string; readonly serialHex: string } {
  const csr = createDeviceCsr({ role: 'validator', deviceId: input.deviceId, journalKeyPair: input.keyPair });
  const issued = issueDeviceCertificate({ issuer: pki.root, csrPem: csr.csrPem, validityDays: input.validityDays ?? 365, nowMs: input.nowMs ?? NOW_MS - DAY_MS });
  return { certificatePem: issued.certificatePem, serialHex: issued.identity.serialHex };
}

/** Registers a device through the real PKI path. */
export async function registerTestDevice(db: Executor, pki: TestPki, input: { readonly deviceId: number; readonly keyPair: Ed25519KeyPair; readonly keyId: string }): Promise<string> {
  const certificate = issueTestCertificate(pki, { deviceId: String(input.deviceId), keyPair: input.keyPair });
  const result = await registerDevice(db, { certificatePem: certificate.certificatePem, journalKeyId: input.keyId, trust: pki.trust, crl: pki.crlWith([]), nowMs: NOW_MS });
  if (!result.ok) throw new Error(`test device registration failed: ${result.code}`);
  return certificate.serialHex;
}
