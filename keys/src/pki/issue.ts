/**
 * Issues a device certificate from a checked request. The CA rebuilds the
 * subject and extensions from the request's verified contents rather than
 * copying the request: RFC 5280 profile for an end entity —
 * basicConstraints cA=FALSE (critical), keyUsage digitalSignature +
 * keyEncipherment (critical; key bundles are RSA-OAEP-wrapped to this key),
 * extKeyUsage by role, subject/authority key identifiers, and the OneCard
 * identity and journal-key extensions.
 */
import forge from 'node-forge';
import { identityExtension, journalKeyExtension } from './device-extensions.js';
import type { CaCredentials } from './ca.js';
import { deviceSubject, parseDeviceCsr } from './csr.js';
import { PkiError } from './errors.js';
import { signWithOpenssl } from './openssl-signer.js';
import { certificateFromPem } from './forge-util.js';
import { deviceIdentityOf, type DeviceIdentity } from './identity.js';
import { extendedKeyUsageOf } from './roles.js';
import { normalizeSerialHex, randomSerialHex } from './serial.js';
import { DEVICE_VALIDITY_DAYS_MAX, validityFrom } from './validity.js';

export interface IssuedCertificate {
  readonly certificatePem: string;
  readonly identity: DeviceIdentity;
}

export function issueDeviceCertificate(input: {
  issuer: CaCredentials;
  csrPem: string;
  validityDays: number;
  nowMs: number;
  /** Serial to use; the CA directory passes one it checked for uniqueness. */
  serialHex?: string;
}): IssuedCertificate {
  const request = parseDeviceCsr(input.csrPem);
  const validity = validityFrom({ nowMs: input.nowMs, validityDays: input.validityDays, validityDaysMax: DEVICE_VALIDITY_DAYS_MAX });
  const issuerCert = certificateFromPem(input.issuer.certificatePem);
  if (validity.notBeforeMs < issuerCert.validity.notBefore.getTime() || input.nowMs > issuerCert.validity.notAfter.getTime()) {
    throw new PkiError('certificate_expired', 'issuing CA is not valid now');
  }
  if (validity.notAfterMs > issuerCert.validity.notAfter.getTime()) {
    throw new PkiError('validity_invalid', 'device certificate would outlive its issuing CA');
  }
  const serialHex = input.serialHex ?? randomSerialHex();
  if (normalizeSerialHex(serialHex) !== serialHex || !/^[0-7]/.test(serialHex)) {
    throw new RangeError('serialHex must be canonical lower-case hex of a positive DER INTEGER');
  }
  const cert = forge.pki.createCertificate();
  cert.publicKey = request.publicKey;
  cert.serialNumber = serialHex;
  cert.validity.notBefore = new Date(validity.notBeforeMs);
  cert.validity.notAfter = new Date(validity.notAfterMs);
  cert.setSubject(deviceSubject(request.role, request.deviceId));
  cert.setIssuer(issuerCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', ...extendedKeyUsageOf(request.role) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerCert.generateSubjectKeyIdentifier().getBytes() },
    identityExtension(request.role, request.deviceId),
    journalKeyExtension(request.journalPublicKey),
  ]);
  signWithOpenssl(cert, input.issuer.privateKeyPem);
  return { certificatePem: forge.pki.certificateToPem(cert), identity: deviceIdentityOf(cert) };
}
