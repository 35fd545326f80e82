/**
 * Certificate authorities: a self-signed root and, optionally, an
 * intermediate that issues device certificates. RFC 5280 §4.2.1.9: CA
 * certificates carry basicConstraints cA=TRUE (critical) and keyUsage
 * keyCertSign + cRLSign (critical).
 */
import forge from 'node-forge';
import { PkiError } from './errors.js';
import { signWithOpenssl } from './openssl-signer.js';
import { certificateFromPem } from './forge-util.js';
import { RSA_CA_MODULUS_BITS, generateRsaKeyPair } from './rsa-keys.js';
import { randomSerialHex } from './serial.js';
import { CA_VALIDITY_DAYS_MAX, checkNowMs, validityFrom } from './validity.js';

/** An issuer in memory: its certificate and its unencrypted PKCS#8 key. */
export interface CaCredentials {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export const CA_ORGANIZATION = 'OneCard';
export const CA_COUNTRY = 'VN';
export const CA_COMMON_NAME_LENGTH_MAX = 64;
/** Root may sign one intermediate; an intermediate signs only devices. */
const ROOT_PATH_LENGTH_MAX = 1;
const INTERMEDIATE_PATH_LENGTH_MAX = 0;

function caSubject(commonName: string): forge.pki.CertificateField[] {
  if (commonName.length === 0 || commonName.length > CA_COMMON_NAME_LENGTH_MAX) {
    throw new RangeError(`commonName must be 1..${CA_COMMON_NAME_LENGTH_MAX} characters`);
  }
  return [
    { shortName: 'C', value: CA_COUNTRY },
    { shortName: 'O', value: CA_ORGANIZATION },
    { shortName: 'CN', value: commonName },
  ];
}

function authorityKeyId(issuer: forge.pki.Certificate): string {
  return issuer.generateSubjectKeyIdentifier().getBytes();
}

function buildCa(input: {
  commonName: string;
  validityDays: number;
  nowMs: number;
  pathLengthMax: number;
  issuer: CaCredentials | null;
}): CaCredentials {
  const keys = generateRsaKeyPair({ modulusLengthBits: RSA_CA_MODULUS_BITS });
  const validity = validityFrom({ nowMs: input.nowMs, validityDays: input.validityDays, validityDaysMax: CA_VALIDITY_DAYS_MAX });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = new Date(validity.notBeforeMs);
  cert.validity.notAfter = new Date(validity.notAfterMs);
  const subject = caSubject(input.commonName);
  cert.setSubject(subject);
  let signingKeyPem = keys.privateKeyPem;
  const extensions: object[] = [
    { name: 'basicConstraints', cA: true, pathLenConstraint: input.pathLengthMax, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (input.issuer === null) {
    cert.setIssuer(subject);
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: true });
  } else {
    const issuerCert = certificateFromPem(input.issuer.certificatePem);
    if (validity.notAfterMs > issuerCert.validity.notAfter.getTime()) {
      throw new PkiError('validity_invalid', 'intermediate would outlive its root');
    }
    cert.setIssuer(issuerCert.subject.attributes);
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId(issuerCert) });
    signingKeyPem = input.issuer.privateKeyPem;
  }
  cert.setExtensions(extensions);
  signWithOpenssl(cert, signingKeyPem);
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: keys.privateKeyPem };
}

/** A self-signed root CA with a fresh RSA-3072 key. */
export function createRootCa(input: { commonName: string; validityDays: number; nowMs: number }): CaCredentials {
  checkNowMs(input.nowMs);
  return buildCa({ ...input, pathLengthMax: ROOT_PATH_LENGTH_MAX, issuer: null });
}

/** An intermediate CA signed by `issuer` (the root), for issuing device certificates. */
export function createIntermediateCa(input: {
  issuer: CaCredentials;
  commonName: string;
  validityDays: number;
  nowMs: number;
}): CaCredentials {
  checkNowMs(input.nowMs);
  return buildCa({ ...input, pathLengthMax: INTERMEDIATE_PATH_LENGTH_MAX });
}
