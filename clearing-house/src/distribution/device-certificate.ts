/**
 * The certificate a device is registered with now: a key bundle is published
 * only for a registered, valid device and only sealed to that certificate
 * (sealed-bundle-check.ts). Same refusals as the device endpoints
 * (src/devices/registry.ts authenticateDevice).
 */
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/open.js';
import { devices } from '../db/schema/devices.js';

export type RegisteredCertificate = { readonly ok: true; readonly certificateSerialHex: string } | { readonly ok: false; readonly code: 'device_unknown' | 'device_revoked' | 'certificate_expired' };

export async function registeredCertificateSerial(db: Executor, deviceId: number, nowMs: number): Promise<RegisteredCertificate> {
  const [row] = await db.select({ status: devices.status, notAfter: devices.notAfter, certificateSerialHex: devices.certificateSerialHex }).from(devices).where(eq(devices.deviceId, deviceId));
  if (row === undefined) return { ok: false, code: 'device_unknown' };
  if (row.status === 'revoked') return { ok: false, code: 'device_revoked' };
  if (Date.parse(row.notAfter) < nowMs) return { ok: false, code: 'certificate_expired' };
  return { ok: true, certificateSerialHex: row.certificateSerialHex };
}
