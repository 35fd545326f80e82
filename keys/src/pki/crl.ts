/**
 * X.509 v2 certificate revocation lists (RFC 5280 §5), built with forge's
 * asn1 module (forge has no CRL API). Profile:
 *   version v2, signature sha256WithRSAEncryption, issuer = CA subject,
 *   thisUpdate and nextUpdate (UTCTime through 2049, then GeneralizedTime, §5.1.2.4),
 *   one entry per revoked serial with revocationDate and, unless unspecified,
 *   a reasonCode entry extension (§5.3.1),
 *   crlExtensions: authorityKeyIdentifier (§5.2.1) and cRLNumber (§5.2.3).
 * revokedCertificates is omitted when empty (§5.1.2.6).
 */
import { createSign } from 'node:crypto';
import forge from 'node-forge';
import type { CaCredentials } from './ca.js';
import { PkiError } from './errors.js';
import { asn1, certificateFromPem, derOf, toBinary, type Asn1 } from './forge-util.js';
import { OID_AUTHORITY_KEY_IDENTIFIER, OID_CRL_NUMBER, OID_CRL_REASON, OID_SHA256_WITH_RSA } from './oids.js';
import { normalizeSerialHex } from './serial.js';

/** CRLReason names (RFC 5280 §5.3.1) OneCard uses. removeFromCRL and certificateHold are not: revocation is final. */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** RFC 5280 §5.3.1 CRLReason ENUMERATED values. */
export const REVOCATION_REASON_CODES: Readonly<Record<RevocationReason, number>> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
};

export function isRevocationReason(value: string): value is RevocationReason {
  return (REVOCATION_REASONS as readonly string[]).includes(value);
}

export interface RevokedCertificate {
  readonly serialHex: string;
  readonly revokedAtMs: number;
  readonly reason: RevocationReason;
}

/** Large enough for every device of a city, small enough to ship to validators. */
export const CRL_ENTRY_COUNT_MAX = 200_000;
/** RFC 5280 §5.2.3: cRLNumber is at most 20 octets. */
export const CRL_NUMBER_MAX = 2n ** 159n - 1n;
const CRL_VERSION_V2 = 1;
const UTC_TIME_YEAR_LIMIT = 2050;
const BYTE_BITS = 8n;

const { Class, Type } = asn1;
/** Context-specific tag [0] (forge types tag numbers as its UNIVERSAL Type enum; 0 is NONE). */
const CONTEXT_TAG_0 = Type.NONE;
const seq = (items: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
const oid = (dotted: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(dotted).getBytes());
const octets = (binary: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, binary);

/** Content octets of a non-negative DER INTEGER. */
export function unsignedIntegerBinary(value: bigint): string {
  if (value < 0n) throw new RangeError('integer must be non-negative');
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= BYTE_BITS;
  } while (v > 0n);
  if ((bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return Buffer.from(bytes).toString('binary');
}

const integer = (value: bigint): Asn1 => asn1.create(Class.UNIVERSAL, Type.INTEGER, false, unsignedIntegerBinary(value));

export function timeNode(ms: number): Asn1 {
  const date = new Date(ms);
  return date.getUTCFullYear() < UTC_TIME_YEAR_LIMIT
    ? asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function extension(id: string, valueDer: Uint8Array): Asn1 {
  return seq([oid(id), octets(toBinary(valueDer))]);
}

function entry(revoked: RevokedCertificate): Asn1 {
  const serialHex = normalizeSerialHex(revoked.serialHex);
  if (serialHex === null) throw new RangeError('revoked serial must be a positive hex integer');
  const parts = [integer(BigInt(`0x${serialHex}`)), timeNode(revoked.revokedAtMs)];
  const code = REVOCATION_REASON_CODES[revoked.reason];
  if (code !== REVOCATION_REASON_CODES.unspecified) {
    const reason = asn1.create(Class.UNIVERSAL, Type.ENUMERATED, false, String.fromCharCode(code));
    parts.push(seq([extension(OID_CRL_REASON, derOf(reason))]));
  }
  return seq(parts);
}

/** Signs a CRL listing `revoked`; returns PEM ("X509 CRL"). */
export function issueCrl(input: {
  issuer: CaCredentials;
  revoked: readonly RevokedCertificate[];
  crlNumber: bigint;
  thisUpdateMs: number;
  nextUpdateMs: number;
}): string {
  if (input.revoked.length > CRL_ENTRY_COUNT_MAX) throw new PkiError('index_full', `a CRL holds at most ${CRL_ENTRY_COUNT_MAX} entries`);
  if (input.crlNumber < 0n || input.crlNumber > CRL_NUMBER_MAX) throw new RangeError('crlNumber out of range');
  if (!(input.nextUpdateMs > input.thisUpdateMs)) throw new PkiError('validity_invalid', 'nextUpdate must be after thisUpdate');
  const issuerCert = certificateFromPem(input.issuer.certificatePem);
  const algorithm = seq([oid(OID_SHA256_WITH_RSA), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]);
  const keyIdentifier = asn1.create(Class.CONTEXT_SPECIFIC, CONTEXT_TAG_0, false, issuerCert.generateSubjectKeyIdentifier().getBytes());
  const tbsParts: Asn1[] = [
    asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(CRL_VERSION_V2).getBytes()),
    algorithm,
    forge.pki.distinguishedNameToAsn1(issuerCert.subject),
    timeNode(input.thisUpdateMs),
    timeNode(input.nextUpdateMs),
  ];
  if (input.revoked.length > 0) tbsParts.push(seq(input.revoked.map(entry)));
  tbsParts.push(
    asn1.create(Class.CONTEXT_SPECIFIC, CONTEXT_TAG_0, true, [
      seq([
        extension(OID_AUTHORITY_KEY_IDENTIFIER, derOf(seq([keyIdentifier]))),
        extension(OID_CRL_NUMBER, derOf(integer(input.crlNumber))),
      ]),
    ]),
  );
  const tbs = seq(tbsParts);
  const tbsDer = derOf(tbs);
  const signature = createSign('sha256').update(tbsDer).sign(input.issuer.privateKeyPem);
  const signatureBits = asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, `\u0000${signature.toString('binary')}`);
  const crl = seq([tbs, algorithm, signatureBits]);
  return forge.pem.encode({ type: 'X509 CRL', body: toBinary(derOf(crl)) });
}
