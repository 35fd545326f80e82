/**
 * Verifies a device certificate at an explicit time and returns the identity
 * it certifies. Checks run in a fixed order; the first failure is the answer:
 *   1. parse (certificate_corrupt)           2. OneCard profile (identity_invalid)
 *   3. chain to the root: signatures, CA flags, issuer names (forge; signature_invalid / chain_invalid)
 *   4. every CA in the chain valid at nowMs (chain_invalid)
 *   5. CRL from the leaf's issuer, current at nowMs (crl_issuer_mismatch, crl_expired, crl_not_yet_valid)
 *   6. serial not on the CRL (certificate_revoked)
 *   7. leaf valid at nowMs (certificate_not_yet_valid, certificate_expired)
 */
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { equalBytes } from '../bytes.js';
import { publicKeySha256Hex, type VerifiedCrl } from './crl-verify.js';
import { PkiError, type PkiErrorCode } from './errors.js';
import { certificateFromPem, derOf, namedExtension } from './forge-util.js';
import { deviceIdentityOf, type DeviceIdentity } from './identity.js';
import { checkNowMs } from './validity.js';

export interface DeviceTrust {
  readonly rootCertificatePem: string;
  /** Issuing CA first, when the root does not issue device certificates itself. */
  readonly intermediateCertificatePems: readonly string[];
}

export type DeviceVerification =
  | { readonly ok: true; readonly identity: DeviceIdentity }
  | { readonly ok: false; readonly code: PkiErrorCode; readonly message: string };

export const CHAIN_INTERMEDIATE_COUNT_MAX = 1;

function isValidAt(cert: forge.pki.Certificate, nowMs: number): boolean {
  return nowMs >= cert.validity.notBefore.getTime() && nowMs <= cert.validity.notAfter.getTime();
}

/**
 * Each link: issuer name/key id match (chain_invalid), then the signature,
 * checked by OpenSSL (signature_invalid). Then forge walks the chain for CA
 * flags, key usage, path length and unknown critical extensions.
 */
function checkChain(input: { leafPem: string; intermediatePems: readonly string[]; rootPem: string; forgeChain: forge.pki.Certificate[]; root: forge.pki.Certificate }): void {
  const links = [input.leafPem, ...input.intermediatePems, input.rootPem].map((pem) => new X509Certificate(pem));
  for (let i = 0; i + 1 < links.length; i++) {
    const child = links[i];
    const parent = links[i + 1];
    if (child === undefined || parent === undefined) break;
    if (!child.checkIssued(parent)) throw new PkiError('chain_invalid', 'certificate does not chain to the OneCard root');
    if (!child.verify(parent.publicKey)) throw new PkiError('signature_invalid', 'certificate signature does not verify');
  }
  try {
    forge.pki.verifyCertificateChain(forge.pki.createCaStore([input.root]), input.forgeChain, { validityCheckDate: null });
  } catch (error) {
    throw new PkiError('chain_invalid', 'certificate chain violates CA constraints', { cause: error });
  }
}

function checkRevocation(input: { leaf: forge.pki.Certificate; issuer: forge.pki.Certificate; crl: VerifiedCrl; nowMs: number; serialHex: string }): void {
  const { crl } = input;
  const leafIssuerDer = derOf(forge.pki.distinguishedNameToAsn1(input.leaf.issuer));
  if (!equalBytes(crl.issuerNameDer, leafIssuerDer) || crl.issuerKeySha256Hex !== publicKeySha256Hex(input.issuer)) {
    throw new PkiError('crl_issuer_mismatch', "CRL is not from the certificate's issuer");
  }
  if (input.nowMs < crl.thisUpdateMs) throw new PkiError('crl_not_yet_valid', 'CRL thisUpdate is in the future');
  if (input.nowMs > crl.nextUpdateMs) throw new PkiError('crl_expired', 'CRL is past its nextUpdate');
  if (crl.revoked.has(input.serialHex)) throw new PkiError('certificate_revoked', 'certificate is revoked');
}

function checkLeafProfile(leaf: forge.pki.Certificate): void {
  const basic = namedExtension(leaf, 'basicConstraints');
  const usage = namedExtension(leaf, 'keyUsage');
  if (basic === null || basic['cA'] === true || usage === null || usage['digitalSignature'] !== true) {
    throw new PkiError('identity_invalid', 'certificate is not a OneCard device certificate (basicConstraints/keyUsage)');
  }
}

function verifyOrThrow(input: { certificatePem: string; trust: DeviceTrust; crl: VerifiedCrl | null; nowMs: number }): DeviceIdentity {
  const nowMs = checkNowMs(input.nowMs);
  if (input.trust.intermediateCertificatePems.length > CHAIN_INTERMEDIATE_COUNT_MAX) {
    throw new PkiError('chain_invalid', `at most ${CHAIN_INTERMEDIATE_COUNT_MAX} intermediate CA is supported`);
  }
  const leaf = certificateFromPem(input.certificatePem);
  const intermediates = input.trust.intermediateCertificatePems.map(certificateFromPem);
  const root = certificateFromPem(input.trust.rootCertificatePem);
  checkLeafProfile(leaf);
  const identity = deviceIdentityOf(leaf);
  checkChain({
    leafPem: input.certificatePem,
    intermediatePems: input.trust.intermediateCertificatePems,
    rootPem: input.trust.rootCertificatePem,
    forgeChain: [leaf, ...intermediates],
    root,
  });
  if (![...intermediates, root].every((ca) => isValidAt(ca, nowMs))) {
    throw new PkiError('chain_invalid', 'a CA in the chain is expired or not yet valid');
  }
  if (input.crl !== null) {
    checkRevocation({ leaf, issuer: intermediates[0] ?? root, crl: input.crl, nowMs, serialHex: identity.serialHex });
  }
  if (nowMs < identity.notBeforeMs) throw new PkiError('certificate_not_yet_valid', 'certificate is not valid yet');
  if (nowMs > identity.notAfterMs) throw new PkiError('certificate_expired', 'certificate has expired');
  return identity;
}

/**
 * `crl: null` skips revocation and must be a deliberate choice of the caller
 * (for example an offline device that has no CRL); the clearing house always
 * passes one.
 */
export function verifyDeviceCertificate(input: {
  certificatePem: string;
  trust: DeviceTrust;
  crl: VerifiedCrl | null;
  nowMs: number;
}): DeviceVerification {
  try {
    return { ok: true, identity: verifyOrThrow(input) };
  } catch (error) {
    if (error instanceof PkiError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
