/**
 * What the clearing house can check of a sealed key bundle without opening
 * it (it holds no device key and never sees key material): the sealed JSON
 * keys/ writes (keys/src/pki/sealed-to-certificate.ts: format, deviceId,
 * certificateSerialHex, wrappedKey, iv, ciphertext, tag), one of keys'
 * bundle formats, sealed to this device and to the certificate it is
 * registered with now: a bundle sealed to a renewed-away certificate would
 * be served but never open. Nothing of the bundle is echoed in a failure.
 */
import { z } from 'zod';
import { KEY_BUNDLE_FORMAT as SEALED_KEY_BUNDLE_FORMAT, SEALED_PAYLOAD_FORMAT } from '@onecard/keys';
import { SEALED_BUNDLE_BYTES_MAX } from './limits.js';
import type { SealedBundleFailure } from './publication.js';

/** The formats keys/ seals device bundles in (sealKeyBundle, and sealPayloadToCertificate for the SAM export). */
export const SEALED_BUNDLE_FORMATS = [SEALED_KEY_BUNDLE_FORMAT, SEALED_PAYLOAD_FORMAT] as const;

const base64Field = z.base64().min(1);
const sealedSchema = z.strictObject({
  format: z.enum(SEALED_BUNDLE_FORMATS),
  deviceId: z.string().min(1).max(64),
  certificateSerialHex: z.string().regex(/^[0-9a-f]{1,64}$/),
  wrappedKey: base64Field,
  iv: base64Field,
  ciphertext: base64Field,
  tag: base64Field,
});

export interface SealedBundleHeader {
  readonly format: (typeof SEALED_BUNDLE_FORMATS)[number];
  readonly certificateSerialHex: string;
}

export type SealedBundleCheck = { readonly ok: true; readonly header: SealedBundleHeader } | { readonly ok: false; readonly code: SealedBundleFailure };

export function checkSealedBundle(input: { readonly sealed: Uint8Array; readonly deviceId: number; readonly certificateSerialHex: string }): SealedBundleCheck {
  if (input.sealed.length === 0 || input.sealed.length > SEALED_BUNDLE_BYTES_MAX) return { ok: false, code: 'sealed_bundle_invalid' };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(input.sealed));
  } catch {
    return { ok: false, code: 'sealed_bundle_invalid' };
  }
  const parsed = sealedSchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'sealed_bundle_invalid' };
  if (parsed.data.deviceId !== String(input.deviceId)) return { ok: false, code: 'sealed_to_another_device' };
  if (parsed.data.certificateSerialHex !== input.certificateSerialHex) return { ok: false, code: 'sealed_to_another_certificate' };
  return { ok: true, header: { format: parsed.data.format, certificateSerialHex: parsed.data.certificateSerialHex } };
}
