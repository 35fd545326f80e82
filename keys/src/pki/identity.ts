/**
 * The identity a device certificate asserts, as read from a certificate.
 */
import type forge from 'node-forge';
import { parseIdentityExtension, parseJournalKeyExtension } from './device-extensions.js';
import { PkiError } from './errors.js';
import { findExtension, rawExtensions, subjectField } from './forge-util.js';
import { OID_ONECARD_DEVICE_IDENTITY, OID_ONECARD_JOURNAL_KEY } from './oids.js';
import type { DeviceRole } from './roles.js';
import { normalizeSerialHex } from './serial.js';

export interface DeviceIdentity {
  readonly role: DeviceRole;
  readonly deviceId: string;
  /** Ed25519 public key the device signs journals with (32 bytes). */
  readonly journalPublicKey: Uint8Array;
  /** Certificate serial, canonical lower-case hex. */
  readonly serialHex: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

export function certificateSerialHex(certificate: forge.pki.Certificate): string {
  const serialHex = normalizeSerialHex(certificate.serialNumber);
  if (serialHex === null) throw new PkiError('certificate_corrupt', 'certificate serial is not a positive integer');
  return serialHex;
}

/** Reads the OneCard extensions; the subject must agree with them. */
export function deviceIdentityOf(certificate: forge.pki.Certificate): DeviceIdentity {
  const extensions = rawExtensions(certificate.extensions);
  const identityExt = findExtension(extensions, OID_ONECARD_DEVICE_IDENTITY, 'identity_invalid');
  const journalExt = findExtension(extensions, OID_ONECARD_JOURNAL_KEY, 'identity_invalid');
  if (identityExt === null || journalExt === null) {
    throw new PkiError('identity_invalid', 'certificate lacks the OneCard device identity or journal key extension');
  }
  const { role, deviceId } = parseIdentityExtension(identityExt.value, 'identity_invalid');
  if (subjectField(certificate.subject, 'CN') !== deviceId || subjectField(certificate.subject, 'OU') !== role) {
    throw new PkiError('identity_invalid', 'certificate subject does not match its device identity extension');
  }
  return {
    role,
    deviceId,
    journalPublicKey: parseJournalKeyExtension(journalExt.value, 'identity_invalid'),
    serialHex: certificateSerialHex(certificate),
    notBeforeMs: certificate.validity.notBefore.getTime(),
    notAfterMs: certificate.validity.notAfter.getTime(),
  };
}
