export * from './errors.js';
export * from './oids.js';
export * from './roles.js';
export { SERIAL_LENGTH_BYTES, SERIAL_RANDOM_BITS, normalizeSerialHex, randomSerialHex } from './serial.js';
export { CA_VALIDITY_DAYS_MAX, CRL_NEXT_UPDATE_DAYS_MAX, DEVICE_VALIDITY_DAYS_MAX } from './validity.js';
export {
  CA_KEY_PBKDF2_ITERATIONS,
  CA_PASSPHRASE_LENGTH_MIN,
  RSA_CA_MODULUS_BITS,
  RSA_DEVICE_MODULUS_BITS,
  decryptPrivateKeyPem,
  encryptPrivateKeyPem,
  generateRsaKeyPair,
  type RsaKeyPairPem,
} from './rsa-keys.js';
export { createIntermediateCa, createRootCa, type CaCredentials } from './ca.js';
export { createDeviceCsr, parseDeviceCsr, type CsrContents, type DeviceCsr } from './csr.js';
export { certificateSerialHex, type DeviceIdentity } from './identity.js';
export { issueDeviceCertificate, type IssuedCertificate } from './issue.js';
export { verifyDeviceCertificate, type DeviceTrust, type DeviceVerification } from './verify.js';
export { CRL_ENTRY_COUNT_MAX, REVOCATION_REASONS, isRevocationReason, issueCrl, type RevocationReason, type RevokedCertificate } from './crl.js';
export { verifyCrl, type VerifiedCrl } from './crl-verify.js';
export {
  CA_DIR_FILES,
  initCaDirectory,
  issueFromCaDirectory,
  publishCrlFromCaDirectory,
  readCaIndex,
  revokeInCaDirectory,
  verifyWithCaDirectory,
} from './ca-dir.js';
export type { CaIndex, CaIndexEntry } from './ca-index.js';
export { BUNDLE_KEY_COUNT_MAX, type BundleKey, type KeyBundle } from './bundle-codec.js';
export type { CertificateCheck } from './sealed-to-certificate.js';
export {
  KEY_BUNDLE_FORMAT,
  SEALED_PAYLOAD_FORMAT,
  openKeyBundle,
  openPayloadFromCertificate,
  sealKeyBundle,
  sealPayloadToCertificate,
} from './bundle.js';
