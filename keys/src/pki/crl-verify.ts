/**
 * Parses and verifies an X.509 v2 CRL (RFC 5280 §5) against the certificate
 * of its issuer. Checks, in this order: PEM/DER structure, v2 and
 * sha256WithRSAEncryption (§5.1.1.2: inner and outer algorithm equal),
 * issuer name = issuer certificate subject, signature, thisUpdate ≤ now ≤
 * nextUpdate. Unknown critical extensions are refused (§5.2, §5.3).
 */
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import forge from 'node-forge';
import { equalBytes, toHex } from '../bytes.js';
import { CRL_ENTRY_COUNT_MAX, REVOCATION_REASON_CODES, REVOCATION_REASONS, type RevocationReason } from './crl.js';
import { splitSigned } from './der-span.js';
import { PkiError } from './errors.js';
import { asn1, certificateFromPem, derOf, fromBinary, parseDer, pemBody, type Asn1 } from './forge-util.js';
import { OID_AUTHORITY_KEY_IDENTIFIER, OID_CRL_NUMBER, OID_CRL_REASON, OID_SHA256_WITH_RSA } from './oids.js';
import { normalizeSerialHex } from './serial.js';

declare const verifiedCrlBrand: unique symbol;

/** A CRL whose signature was checked against `issuerKeySha256Hex`'s key. Only verifyCrl makes one. */
export interface VerifiedCrl {
  readonly [verifiedCrlBrand]: true;
  readonly issuerNameDer: Uint8Array;
  /** SHA-256 of the issuer's SubjectPublicKeyInfo DER. */
  readonly issuerKeySha256Hex: string;
  readonly thisUpdateMs: number;
  readonly nextUpdateMs: number;
  readonly crlNumber: bigint;
  readonly revoked: ReadonlyMap<string, { readonly revokedAtMs: number; readonly reason: RevocationReason }>;
}

export const CRL_PEM_LENGTH_MAX = 32 * 1024 * 1024;
const CRL_VERSION_V2 = 1;
const { Class, Type } = asn1;

const corrupt = (what: string): PkiError => new PkiError('crl_corrupt', `CRL ${what}`);

function children(node: Asn1 | undefined, what: string): Asn1[] {
  if (node === undefined || !Array.isArray(node.value)) throw corrupt(`${what} is not constructed`);
  return node.value;
}

function primitive(node: Asn1 | undefined, type: forge.asn1.Type, what: string): string {
  if (node?.tagClass !== Class.UNIVERSAL || node.type !== type || typeof node.value !== 'string') throw corrupt(`${what} has the wrong type`);
  return node.value;
}

function timeMs(node: Asn1 | undefined, what: string): number {
  if (node?.tagClass === Class.UNIVERSAL && typeof node.value === 'string') {
    if (node.type === Type.UTCTIME) return asn1.utcTimeToDate(node.value).getTime();
    if (node.type === Type.GENERALIZEDTIME) return asn1.generalizedTimeToDate(node.value).getTime();
  }
  throw corrupt(`${what} is not a time`);
}

function isTime(node: Asn1 | undefined): boolean {
  return node?.tagClass === Class.UNIVERSAL && (node.type === Type.UTCTIME || node.type === Type.GENERALIZEDTIME);
}

function integerHex(node: Asn1 | undefined, what: string): string {
  const hex = normalizeSerialHex(Buffer.from(primitive(node, Type.INTEGER, what), 'binary').toString('hex'));
  if (hex === null) throw corrupt(`${what} is not a positive integer`);
  return hex;
}

/** Extensions as (oid → DER value); unknown critical ones are refused. */
function extensions(node: Asn1 | undefined, known: readonly string[], what: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const ext of children(node, what)) {
    const parts = children(ext, `${what} entry`);
    const id = asn1.derToOid(primitive(parts[0], Type.OID, 'extension id'));
    const critical = parts.length === 3 && primitive(parts[1], Type.BOOLEAN, 'critical flag') !== '\u0000';
    const value = fromBinary(primitive(parts[parts.length - 1], Type.OCTETSTRING, 'extension value'));
    if (out.has(id)) throw corrupt(`repeats extension ${id}`);
    if (critical && !known.includes(id)) throw corrupt(`has an unsupported critical extension ${id}`);
    out.set(id, value);
  }
  return out;
}

function reasonOf(entryExtensions: Map<string, Uint8Array>): RevocationReason {
  const der = entryExtensions.get(OID_CRL_REASON);
  if (der === undefined) return 'unspecified';
  const code = primitive(parseDer(der, 'crl_corrupt', 'reasonCode'), Type.ENUMERATED, 'reasonCode').charCodeAt(0);
  const reason = REVOCATION_REASONS.find((r) => REVOCATION_REASON_CODES[r] === code);
  if (reason === undefined) throw corrupt('has a reason code OneCard does not use');
  return reason;
}

interface ParsedCrl {
  readonly tbsDer: Uint8Array;
  readonly issuer: Asn1;
  readonly signature: Uint8Array;
  readonly thisUpdateMs: number;
  readonly nextUpdateMs: number;
  readonly crlNumber: bigint;
  readonly entries: readonly Asn1[];
}

function parseCrlDer(der: Uint8Array): ParsedCrl {
  const { tbsDer, algorithmDer, signature } = splitSigned(der, 'crl_corrupt');
  const [version, innerAlg, issuer, thisUpdate, ...rest] = children(parseDer(tbsDer, 'crl_corrupt', 'tbsCertList'), 'tbsCertList');
  if (asn1.derToInteger(primitive(version, Type.INTEGER, 'version')) !== CRL_VERSION_V2) throw corrupt('is not version 2');
  if (innerAlg === undefined || !equalBytes(derOf(innerAlg), algorithmDer)) {
    throw corrupt('inner and outer algorithms differ');
  }
  if (asn1.derToOid(primitive(children(innerAlg, 'algorithm')[0], Type.OID, 'algorithm')) !== OID_SHA256_WITH_RSA) {
    throw corrupt('must be signed with sha256WithRSAEncryption');
  }
  if (issuer === undefined) throw corrupt('has no issuer');
  const thisUpdateMs = timeMs(thisUpdate, 'thisUpdate');
  if (!isTime(rest[0])) throw corrupt('has no nextUpdate (OneCard requires one)');
  const nextUpdateMs = timeMs(rest.shift(), 'nextUpdate');
  const entriesNode = rest[0]?.tagClass === Class.UNIVERSAL && rest[0].type === Type.SEQUENCE ? rest.shift() : undefined;
  const extensionsNode = rest.shift();
  // crlExtensions is context-specific [0]; forge types tag numbers as Type, where 0 is NONE.
  if (rest.length > 0 || extensionsNode?.tagClass !== Class.CONTEXT_SPECIFIC || extensionsNode.type !== Type.NONE) {
    throw corrupt('has no crlExtensions (cRLNumber is required) or trailing fields');
  }
  const known = [OID_CRL_NUMBER, OID_AUTHORITY_KEY_IDENTIFIER];
  const crlNumberDer = extensions(children(extensionsNode, 'crlExtensions')[0], known, 'crlExtensions').get(OID_CRL_NUMBER);
  if (crlNumberDer === undefined) throw corrupt('has no cRLNumber');
  const crlNumberNode = parseDer(crlNumberDer, 'crl_corrupt', 'cRLNumber');
  const crlNumber = BigInt(`0x${Buffer.from(primitive(crlNumberNode, Type.INTEGER, 'cRLNumber'), 'binary').toString('hex')}`);
  const entries = entriesNode === undefined ? [] : children(entriesNode, 'revokedCertificates');
  if (entries.length > CRL_ENTRY_COUNT_MAX) throw corrupt(`lists more than ${CRL_ENTRY_COUNT_MAX} certificates`);
  return { tbsDer, issuer, signature, thisUpdateMs, nextUpdateMs, crlNumber, entries };
}

export function verifyCrl(input: { crlPem: string; issuerCertificatePem: string; nowMs: number }): VerifiedCrl {
  if (input.crlPem.length > CRL_PEM_LENGTH_MAX) throw corrupt(`exceeds ${CRL_PEM_LENGTH_MAX} bytes`);
  const crl = parseCrlDer(pemBody(input.crlPem, 'X509 CRL', 'crl_corrupt'));
  const issuerCert = certificateFromPem(input.issuerCertificatePem);
  const issuerNameDer = derOf(forge.pki.distinguishedNameToAsn1(issuerCert.subject));
  if (!equalBytes(derOf(crl.issuer), issuerNameDer)) throw new PkiError('crl_issuer_mismatch', 'CRL issuer is not this CA');
  const issuerKey = createPublicKey(forge.pki.publicKeyToPem(issuerCert.publicKey));
  if (!cryptoVerify('sha256', crl.tbsDer, issuerKey, crl.signature)) {
    throw new PkiError('crl_signature_invalid', 'CRL signature does not verify with the CA key');
  }
  if (input.nowMs < crl.thisUpdateMs) throw new PkiError('crl_not_yet_valid', 'CRL thisUpdate is in the future');
  if (input.nowMs > crl.nextUpdateMs) throw new PkiError('crl_expired', 'CRL is past its nextUpdate: publish a new one');
  const revoked = new Map<string, { revokedAtMs: number; reason: RevocationReason }>();
  for (const entryNode of crl.entries) {
    const [serial, date, entryExts] = children(entryNode, 'entry');
    const entryExtensions = entryExts === undefined ? new Map<string, Uint8Array>() : extensions(entryExts, [OID_CRL_REASON], 'entry extensions');
    revoked.set(integerHex(serial, 'entry serial'), { revokedAtMs: timeMs(date, 'revocationDate'), reason: reasonOf(entryExtensions) });
  }
  const verified = {
    issuerNameDer,
    issuerKeySha256Hex: publicKeySha256Hex(issuerCert),
    thisUpdateMs: crl.thisUpdateMs,
    nextUpdateMs: crl.nextUpdateMs,
    crlNumber: crl.crlNumber,
    revoked,
  };
  return verified as unknown as VerifiedCrl;
}

/** SHA-256 of a certificate's SubjectPublicKeyInfo, as VerifiedCrl records its issuer. */
export function publicKeySha256Hex(certificate: forge.pki.Certificate): string {
  const spkiDer = createPublicKey(forge.pki.publicKeyToPem(certificate.publicKey)).export({ type: 'spki', format: 'der' });
  return toHex(createHash('sha256').update(spkiDer).digest());
}
