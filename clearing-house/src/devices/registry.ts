/**
 * The device registry, tied to keys/ PKI. A device is registered with its
 * X.509 certificate (chain to the OneCard root, not on the current CRL, valid
 * now); its journal key is the one the certificate certifies. Ingestion asks
 * `authenticateDevice` before it looks at a batch.
 */
import { eq, inArray } from 'drizzle-orm';
import { toHex, verifyDeviceCertificate, type DeviceTrust, type PkiErrorCode, type VerifiedCrl } from '@onecard/keys';
import type { Executor } from '../db/open.js';
import { devices } from '../db/schema/devices.js';
import { organisations } from '../db/schema/organisations.js';

export const DEVICE_NUMERIC_ID_MAX = 0xff_ff_ff_ff;
const NUMERIC_DEVICE_ID_RE = /^[1-9][0-9]{0,9}$/;

export type RegistrationFailure = PkiErrorCode | 'device_id_not_numeric' | 'journal_key_mismatch' | 'organisation_unknown';
export type Registration = { readonly ok: true; readonly deviceId: number; readonly serialHex: string } | { readonly ok: false; readonly code: RegistrationFailure; readonly message: string };

export interface RegisterDeviceInput {
  readonly certificatePem: string;
  /** Key id the device puts in its batch envelopes (`signBatch` signer.keyId). */
  readonly journalKeyId: string;
  /** When given, must equal the journal key in the certificate (hex, 32 bytes). */
  readonly journalPublicKeyHex?: string;
  readonly organisationId?: string;
  readonly trust: DeviceTrust;
  readonly crl: VerifiedCrl;
  readonly nowMs: number;
}

/** Registers (or renews, for the same device id) a device. Idempotent for the same certificate. */
export async function registerDevice(db: Executor, input: RegisterDeviceInput): Promise<Registration> {
  const verification = verifyDeviceCertificate({ certificatePem: input.certificatePem, trust: input.trust, crl: input.crl, nowMs: input.nowMs });
  if (!verification.ok) return { ok: false, code: verification.code, message: verification.message };
  const { identity } = verification;
  if (!NUMERIC_DEVICE_ID_RE.test(identity.deviceId) || Number(identity.deviceId) > DEVICE_NUMERIC_ID_MAX) {
    return { ok: false, code: 'device_id_not_numeric', message: 'the certificate device id must be a number 1..4294967295 (the journal deviceId)' };
  }
  const journalPublicKeyHex = toHex(identity.journalPublicKey);
  if (input.journalPublicKeyHex !== undefined && input.journalPublicKeyHex.toLowerCase() !== journalPublicKeyHex) {
    return { ok: false, code: 'journal_key_mismatch', message: 'the journal key differs from the one the certificate certifies' };
  }
  if (input.organisationId !== undefined) {
    const found = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, input.organisationId));
    if (found.length === 0) return { ok: false, code: 'organisation_unknown', message: 'no such organisation' };
  }
  const deviceId = Number(identity.deviceId);
  const row = {
    deviceId,
    role: identity.role,
    organisationId: input.organisationId ?? null,
    certificatePem: input.certificatePem,
    certificateSerialHex: identity.serialHex,
    notAfter: new Date(identity.notAfterMs).toISOString(),
    journalKeyId: input.journalKeyId,
    journalPublicKeyHex,
    status: 'active' as const,
  };
  await db
    .insert(devices)
    .values(row)
    .onConflictDoUpdate({ target: devices.deviceId, set: { role: row.role, organisationId: row.organisationId, certificatePem: row.certificatePem, certificateSerialHex: row.certificateSerialHex, notAfter: row.notAfter, journalKeyId: row.journalKeyId, journalPublicKeyHex: row.journalPublicKeyHex, status: row.status } });
  return { ok: true, deviceId, serialHex: identity.serialHex };
}

/** Marks every registered device whose certificate serial is on `crl` as revoked. Answers how many changed. */
export async function applyCrl(db: Executor, crl: VerifiedCrl): Promise<number> {
  const serials = [...crl.revoked.keys()];
  if (serials.length === 0) return 0;
  const changed = await db.update(devices).set({ status: 'revoked' }).where(inArray(devices.certificateSerialHex, serials)).returning({ deviceId: devices.deviceId });
  return changed.length;
}

export type DeviceRefusal = 'device_unknown' | 'device_revoked' | 'certificate_expired';

export interface AuthenticatedDevice {
  readonly deviceId: number;
  readonly organisationId: string | null;
  readonly journalKeyId: string;
  readonly journalPublicKey: Uint8Array;
}

export type DeviceAuthentication = { readonly ok: true; readonly device: AuthenticatedDevice } | { readonly ok: false; readonly code: DeviceRefusal };

/** Checks run in this order: registered, not revoked, certificate not expired at `nowMs`. */
export async function authenticateDevice(db: Executor, deviceId: number, nowMs: number): Promise<DeviceAuthentication> {
  const [row] = await db.select().from(devices).where(eq(devices.deviceId, deviceId));
  if (row === undefined) return { ok: false, code: 'device_unknown' };
  if (row.status === 'revoked') return { ok: false, code: 'device_revoked' };
  if (Date.parse(row.notAfter) < nowMs) return { ok: false, code: 'certificate_expired' };
  return {
    ok: true,
    device: { deviceId: row.deviceId, organisationId: row.organisationId, journalKeyId: row.journalKeyId, journalPublicKey: Uint8Array.from(Buffer.from(row.journalPublicKeyHex, 'hex')) },
  };
}
