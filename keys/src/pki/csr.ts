/**
 * Device key pair and PKCS#10 request (RFC 2986). The request carries, in its
 * extensionRequest attribute (RFC 2985 §5.4.2), the device identity, the
 * device's Ed25519 journal-signing public key, and an Ed25519 signature that
 * proves the requester holds that key (bound to the role, device id and RSA
 * key, so a proof cannot be replayed into another request).
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import forge from 'node-forge';
import type { Ed25519KeyPair } from '../signing/ed25519.js';
import { identityExtension, journalKeyExtension, parseIdentityExtension, parseJournalKeyExtension, possessionExtension, verifyPossessionExtension } from './device-extensions.js';
import { splitSigned } from './der-span.js';
import { PkiError } from './errors.js';
import { signWithOpenssl } from './openssl-signer.js';
import { derOf, findExtension, parseDer, pemBody, rawExtensions, subjectField, type RawExtension } from './forge-util.js';
import { OID_ONECARD_DEVICE_IDENTITY, OID_ONECARD_JOURNAL_KEY, OID_ONECARD_JOURNAL_KEY_POSSESSION, OID_SHA256_WITH_RSA } from './oids.js';
import { RSA_DEVICE_MODULUS_BITS, generateRsaKeyPair } from './rsa-keys.js';
import { isDeviceId, type DeviceRole } from './roles.js';

export const DEVICE_ORGANIZATION = 'OneCard';
export const CSR_PEM_LENGTH_MAX = 64 * 1024;
export const DEVICE_RSA_MODULUS_BITS_MIN = 2048;

export interface DeviceCsr {
  /** The device's RSA private key (PKCS#8 PEM, unencrypted): it never leaves the device. */
  readonly privateKeyPem: string;
  readonly csrPem: string;
}

export interface CsrContents {
  readonly role: DeviceRole;
  readonly deviceId: string;
  readonly journalPublicKey: Uint8Array;
  readonly publicKey: forge.pki.rsa.PublicKey;
}

export function rsaSpkiDer(publicKey: forge.pki.PublicKey): Uint8Array {
  return derOf(forge.pki.publicKeyToAsn1(publicKey));
}

export function deviceSubject(role: DeviceRole, deviceId: string): forge.pki.CertificateField[] {
  return [
    { shortName: 'O', value: DEVICE_ORGANIZATION },
    { shortName: 'OU', value: role },
    { shortName: 'CN', value: deviceId },
  ];
}

/** Generates the device RSA key and a signed request for `role`/`deviceId` binding `journalKeyPair`. */
export function createDeviceCsr(input: { role: DeviceRole; deviceId: string; journalKeyPair: Ed25519KeyPair }): DeviceCsr {
  if (!isDeviceId(input.deviceId)) throw new PkiError('identity_invalid', 'deviceId must be 1..64 characters of [A-Za-z0-9._-]');
  const keys = generateRsaKeyPair({ modulusLengthBits: RSA_DEVICE_MODULUS_BITS });
  const csr = forge.pki.createCertificationRequest();
  const publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  csr.publicKey = publicKey;
  csr.setSubject(deviceSubject(input.role, input.deviceId));
  csr.setAttributes([
    {
      name: 'extensionRequest',
      extensions: [
        identityExtension(input.role, input.deviceId),
        journalKeyExtension(input.journalKeyPair.publicKey),
        possessionExtension({
          role: input.role,
          deviceId: input.deviceId,
          rsaSpkiDer: rsaSpkiDer(publicKey),
          journalSecretKey: input.journalKeyPair.secretKey,
        }),
      ],
    },
  ]);
  signWithOpenssl(csr, keys.privateKeyPem);
  return { privateKeyPem: keys.privateKeyPem, csrPem: forge.pki.certificationRequestToPem(csr) };
}

function requestedExtensions(csr: forge.pki.CertificateSigningRequest): RawExtension[] {
  const attribute = csr.getAttribute({ name: 'extensionRequest' });
  const extensions: unknown = attribute?.extensions;
  if (!Array.isArray(extensions)) throw new PkiError('csr_invalid', 'request has no extensionRequest attribute');
  return rawExtensions(extensions);
}

function requireExtension(extensions: readonly RawExtension[], oid: string, what: string): Uint8Array {
  const ext = findExtension(extensions, oid, 'csr_invalid');
  if (ext === null) throw new PkiError('csr_invalid', `request lacks the ${what} extension`);
  return ext.value;
}

/**
 * Parses and checks a device request: its own signature (SHA-256 with RSA,
 * ≥ 2048 bits), subject = identity extension, and the journal key possession proof.
 */
export function parseDeviceCsr(csrPem: string): CsrContents {
  if (csrPem.length > CSR_PEM_LENGTH_MAX) throw new PkiError('csr_invalid', `request exceeds ${CSR_PEM_LENGTH_MAX} bytes`);
  const der = pemBody(csrPem, 'CERTIFICATE REQUEST', 'csr_invalid');
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromAsn1(parseDer(der, 'csr_invalid', 'request'), true);
  } catch (error) {
    throw new PkiError('csr_invalid', 'request could not be parsed', { cause: error });
  }
  if (csr.signatureOid !== OID_SHA256_WITH_RSA) throw new PkiError('csr_invalid', 'request must be signed with sha256WithRSAEncryption');
  const publicKey = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (publicKey === null || publicKey.n.bitLength() < DEVICE_RSA_MODULUS_BITS_MIN) {
    throw new PkiError('csr_invalid', `request key must be RSA of at least ${DEVICE_RSA_MODULUS_BITS_MIN} bits`);
  }
  // The signature is checked by OpenSSL over the exact signed bytes.
  const signed = splitSigned(der, 'csr_invalid');
  const key = createPublicKey({ key: Buffer.from(rsaSpkiDer(publicKey)), format: 'der', type: 'spki' });
  if (!cryptoVerify('sha256', signed.tbsDer, key, signed.signature)) {
    throw new PkiError('csr_invalid', 'request signature does not verify');
  }
  const extensions = requestedExtensions(csr);
  const identity = parseIdentityExtension(requireExtension(extensions, OID_ONECARD_DEVICE_IDENTITY, 'device identity'), 'csr_invalid');
  if (subjectField(csr.subject, 'CN') !== identity.deviceId || subjectField(csr.subject, 'OU') !== identity.role) {
    throw new PkiError('csr_invalid', 'request subject does not match its device identity extension');
  }
  const journalPublicKey = parseJournalKeyExtension(requireExtension(extensions, OID_ONECARD_JOURNAL_KEY, 'journal key'), 'csr_invalid');
  const proven = verifyPossessionExtension({
    value: requireExtension(extensions, OID_ONECARD_JOURNAL_KEY_POSSESSION, 'journal key possession'),
    role: identity.role,
    deviceId: identity.deviceId,
    rsaSpkiDer: rsaSpkiDer(publicKey),
    journalPublicKey,
  });
  if (!proven) throw new PkiError('csr_invalid', 'journal key possession proof does not verify');
  return { role: identity.role, deviceId: identity.deviceId, journalPublicKey, publicKey };
}
