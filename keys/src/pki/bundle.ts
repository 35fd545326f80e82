/**
 * Key bundles for devices, sealed to the device certificate
 * (sealed-to-certificate.ts). Two formats, domain-separated by their format
 * string (it is part of the AAD):
 *   'onecard/key-bundle/v1'      a KeyBundle (bundle-codec.ts); the device id inside must match the certificate;
 *   'onecard/sealed-payload/v1'  opaque bytes, for callers with their own bundle encoding (the SAM's export).
 */
import { zeroize } from '../bytes.js';
import { decodeBundlePlaintext, encodeBundlePlaintext, type KeyBundle } from './bundle-codec.js';
import { PkiError } from './errors.js';
import { openFromCertificate, sealToCertificate, type CertificateCheck } from './sealed-to-certificate.js';

export const KEY_BUNDLE_FORMAT = 'onecard/key-bundle/v1';
export const SEALED_PAYLOAD_FORMAT = 'onecard/sealed-payload/v1';

/** Seals `bundle` to the device certificate; returns JSON. `certificateCheck: null` must be deliberate. */
export function sealKeyBundle(input: { certificatePem: string; bundle: KeyBundle; certificateCheck: CertificateCheck | null }): string {
  const plaintext = encodeBundlePlaintext(input.bundle);
  try {
    return sealToCertificate({
      format: KEY_BUNDLE_FORMAT,
      certificatePem: input.certificatePem,
      plaintext,
      certificateCheck: input.certificateCheck,
      expectedDeviceId: input.bundle.deviceId,
    });
  } finally {
    zeroize(plaintext);
  }
}

export function openKeyBundle(input: { privateKeyPem: string; sealed: string }): KeyBundle & { certificateSerialHex: string } {
  const opened = openFromCertificate({ format: KEY_BUNDLE_FORMAT, privateKeyPem: input.privateKeyPem, sealed: input.sealed });
  try {
    const bundle = decodeBundlePlaintext(opened.plaintext);
    if (bundle.deviceId !== opened.deviceId) {
      for (const k of bundle.keys) zeroize(k.key);
      throw new PkiError('bundle_device_mismatch', 'bundle content names another device');
    }
    return { ...bundle, certificateSerialHex: opened.certificateSerialHex };
  } finally {
    zeroize(opened.plaintext);
  }
}

/** Seals opaque bytes to a device certificate; returns the sealed JSON as UTF-8 bytes. */
export function sealPayloadToCertificate(input: { certificatePem: string; payload: Uint8Array; certificateCheck: CertificateCheck | null }): Uint8Array {
  const sealed = sealToCertificate({
    format: SEALED_PAYLOAD_FORMAT,
    certificatePem: input.certificatePem,
    plaintext: input.payload,
    certificateCheck: input.certificateCheck,
    expectedDeviceId: null,
  });
  return new TextEncoder().encode(sealed);
}

export function openPayloadFromCertificate(input: { privateKeyPem: string; sealed: Uint8Array }): {
  deviceId: string;
  certificateSerialHex: string;
  payload: Uint8Array;
} {
  const sealed = new TextDecoder('utf-8', { fatal: false }).decode(input.sealed);
  const opened = openFromCertificate({ format: SEALED_PAYLOAD_FORMAT, privateKeyPem: input.privateKeyPem, sealed });
  return { deviceId: opened.deviceId, certificateSerialHex: opened.certificateSerialHex, payload: opened.plaintext };
}
