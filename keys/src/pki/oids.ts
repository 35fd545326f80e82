/**
 * Object identifiers used by the device PKI.
 *
 * OneCard's private arc. X.667 UUID arcs (2.25.<128-bit>) do not fit
 * node-forge, which encodes every arc in 32 bits, so the same UUID is placed
 * in Microsoft's GUID arc 1.2.840.113556.1.8000.2554, which splits a GUID
 * aaaabbbb-cccc-dddd-eeee-ffffffgggggg into arcs A.B.C.D.E.F.G (16,16,16,16,16,
 * 24,24 bits) and needs no registration.
 *   UUID 281ef16c-883f-4377-a6d3-b7d1f9c5d80f (generated for OneCard)
 *   → 1.2.840.113556.1.8000.2554.10270.61804.34879.17271.42707.12046841.12965903
 * Under it:
 *   .1      X.509 extensions
 *   .1.1    device identity   SEQUENCE { role UTF8String, deviceId UTF8String }
 *   .1.2    journal key       SubjectPublicKeyInfo of the device's Ed25519 journal-signing key (RFC 8410)
 *   .1.3    key possession    OCTET STRING: Ed25519 signature proving the requester holds that key (CSR only)
 * An arc is never reused with another meaning; a new format takes a new arc.
 */
export const ONECARD_OID_ARC = '1.2.840.113556.1.8000.2554.10270.61804.34879.17271.42707.12046841.12965903';
export const OID_ONECARD_DEVICE_IDENTITY = `${ONECARD_OID_ARC}.1.1`;
export const OID_ONECARD_JOURNAL_KEY = `${ONECARD_OID_ARC}.1.2`;
export const OID_ONECARD_JOURNAL_KEY_POSSESSION = `${ONECARD_OID_ARC}.1.3`;

/** RFC 8410 §3. */
export const OID_ED25519 = '1.3.101.112';
/** RFC 4055 / RFC 8017. */
export const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
/** RFC 5280 §5.2.3, §5.3.1, §4.2.1.1, §4.2.1.2. */
export const OID_CRL_NUMBER = '2.5.29.20';
export const OID_CRL_REASON = '2.5.29.21';
export const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
export const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
/** RFC 8018 (PKCS #5 v2.1) §A.2, §A.4, §B.1.2; NIST AES OIDs. */
export const OID_PBES2 = '1.2.840.113549.1.5.13';
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';
export const OID_HMAC_WITH_SHA256 = '1.2.840.113549.2.9';
export const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';
