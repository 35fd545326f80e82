/**
 * Encryption to a device certificate (ARCHITECTURE: "devices get key bundles
 * encrypted to their certificate").
 *   content key: random AES-256; the payload is encrypted with AES-256-GCM (96-bit random IV);
 *   the content key is wrapped with RSA-OAEP-SHA256 (RFC 8017 §7.1) to the certificate's key;
 *   AAD = format ‖ device id ‖ certificate serial, used both as the GCM AAD and
 *   as the OAEP label, so neither part can be moved to another device or format.
 * The sealed form is JSON with base64 fields.
 */
import { constants, createCipheriv, createDecipheriv, createPrivateKey, privateDecrypt, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import { concatBytes, uintLe, zeroize } from '../bytes.js';
import type { VerifiedCrl } from './crl-verify.js';
import { PkiError } from './errors.js';
import { certificateFromPem } from './forge-util.js';
import { deviceIdentityOf } from './identity.js';
import { isDeviceId } from './roles.js';
import { normalizeSerialHex } from './serial.js';
import { verifyDeviceCertificate, type DeviceTrust } from './verify.js';

export const SEALED_LENGTH_MAX = 1024 * 1024;
const CONTENT_KEY_LENGTH_BYTES = 32;
const GCM_IV_LENGTH_BYTES = 12;
const GCM_TAG_LENGTH_BYTES = 16;
const U8 = 1;
const SEALED_FIELDS = ['format', 'deviceId', 'certificateSerialHex', 'wrappedKey', 'iv', 'ciphertext', 'tag'] as const;

export interface CertificateCheck {
  readonly trust: DeviceTrust;
  readonly crl: VerifiedCrl | null;
  readonly nowMs: number;
}

type SealedJson = Record<(typeof SEALED_FIELDS)[number], string>;

export interface Opened {
  readonly deviceId: string;
  readonly certificateSerialHex: string;
  /** Caller zeroes it when done. */
  readonly plaintext: Uint8Array;
}

function aad(format: string, deviceId: string, serialHex: string): Uint8Array {
  const field = (text: string): Uint8Array => concatBytes(uintLe(text.length, U8), Uint8Array.from(Buffer.from(text, 'latin1')));
  return concatBytes(field(format), field(deviceId), field(serialHex));
}

/**
 * Seals `plaintext` to the certificate. `certificateCheck: null` skips the
 * chain/CRL/time checks and must be deliberate. With `expectedDeviceId`, the
 * certificate must name that device.
 */
export function sealToCertificate(input: {
  format: string;
  certificatePem: string;
  plaintext: Uint8Array;
  certificateCheck: CertificateCheck | null;
  expectedDeviceId: string | null;
}): string {
  if (input.certificateCheck !== null) {
    const result = verifyDeviceCertificate({ certificatePem: input.certificatePem, ...input.certificateCheck });
    if (!result.ok) throw new PkiError(result.code, `refusing to seal to this certificate: ${result.message}`);
  }
  const identity = deviceIdentityOf(certificateFromPem(input.certificatePem));
  if (input.expectedDeviceId !== null && identity.deviceId !== input.expectedDeviceId) {
    throw new PkiError('bundle_device_mismatch', 'bundle device id differs from the certificate');
  }
  const additionalData = aad(input.format, identity.deviceId, identity.serialHex);
  const contentKey = randomBytes(CONTENT_KEY_LENGTH_BYTES);
  const iv = randomBytes(GCM_IV_LENGTH_BYTES);
  try {
    const cipher = createCipheriv('aes-256-gcm', contentKey, iv, { authTagLength: GCM_TAG_LENGTH_BYTES });
    cipher.setAAD(additionalData);
    const ciphertext = Buffer.concat([cipher.update(input.plaintext), cipher.final()]);
    const publicKey = new X509Certificate(input.certificatePem).publicKey;
    const wrappedKey = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: additionalData },
      contentKey,
    );
    const sealed: SealedJson = {
      format: input.format,
      deviceId: identity.deviceId,
      certificateSerialHex: identity.serialHex,
      wrappedKey: wrappedKey.toString('base64'),
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
    return JSON.stringify(sealed);
  } finally {
    zeroize(contentKey);
  }
}

function parseSealed(sealed: string, format: string): SealedJson {
  const corrupt = (): PkiError => new PkiError('bundle_corrupt', 'sealed bundle is malformed');
  if (sealed.length > SEALED_LENGTH_MAX) throw corrupt();
  let value: unknown;
  try {
    value = JSON.parse(sealed);
  } catch {
    throw corrupt();
  }
  if (typeof value !== 'object' || value === null) throw corrupt();
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length !== SEALED_FIELDS.length || !SEALED_FIELDS.every((f) => typeof record[f] === 'string')) throw corrupt();
  const json = record as SealedJson;
  if (json.format !== format || !isDeviceId(json.deviceId) || normalizeSerialHex(json.certificateSerialHex) !== json.certificateSerialHex) {
    throw corrupt();
  }
  return json;
}

/** Opens with the device's RSA private key (PKCS#8 PEM). Any cryptographic failure is bundle_decrypt_failed. */
export function openFromCertificate(input: { format: string; privateKeyPem: string; sealed: string }): Opened {
  const sealed = parseSealed(input.sealed, input.format);
  const additionalData = aad(input.format, sealed.deviceId, sealed.certificateSerialHex);
  const b64 = (text: string): Buffer => Buffer.from(text, 'base64');
  let contentKey: Buffer | null = null;
  try {
    const key = createPrivateKey(input.privateKeyPem);
    contentKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: additionalData }, b64(sealed.wrappedKey));
    const iv = b64(sealed.iv);
    const tag = b64(sealed.tag);
    if (contentKey.length !== CONTENT_KEY_LENGTH_BYTES || iv.length !== GCM_IV_LENGTH_BYTES || tag.length !== GCM_TAG_LENGTH_BYTES) {
      throw new Error('field lengths');
    }
    const decipher = createDecipheriv('aes-256-gcm', contentKey, iv, { authTagLength: GCM_TAG_LENGTH_BYTES });
    decipher.setAAD(additionalData);
    decipher.setAuthTag(tag);
    const plaintext = Uint8Array.from(Buffer.concat([decipher.update(b64(sealed.ciphertext)), decipher.final()]));
    return { deviceId: sealed.deviceId, certificateSerialHex: sealed.certificateSerialHex, plaintext };
  } catch (error) {
    throw new PkiError('bundle_decrypt_failed', 'bundle could not be decrypted with this key (wrong device key or tampered bundle)', {
      cause: error,
    });
  } finally {
    if (contentKey !== null) zeroize(contentKey);
  }
}
