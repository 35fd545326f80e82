/**
 * The real bundle sealer for `keys bundle export`: checks the device
 * certificate against the CA directory and its CRL (chain, validity,
 * revocation), checks that it names this device and the PKI role the bundle
 * role requires, and only then seals the bundle to it with the PKI's
 * sealPayloadToCertificate (RSA-OAEP-wrapped AES-256-GCM).
 */
import { sealPayloadToCertificate } from '../pki/bundle.js';
import { verifyWithCaDirectory } from '../pki/ca-dir.js';
import type { DeviceRole } from '../pki/roles.js';
import { CliFailure } from './cli-context.js';

export interface BundleSealRequest {
  readonly certificatePem: string;
  readonly caDir: string;
  readonly deviceId: string;
  readonly certificateRole: DeviceRole;
  readonly nowMs: number;
  readonly bundle: Uint8Array;
}

export type CliBundleSealer = (request: BundleSealRequest) => Uint8Array | Promise<Uint8Array>;

export async function sealBundleToVerifiedCertificate(request: BundleSealRequest): Promise<Uint8Array> {
  const verification = await verifyWithCaDirectory({ dir: request.caDir, certificatePem: request.certificatePem, nowMs: request.nowMs });
  if (!verification.ok) throw new CliFailure(`device certificate rejected: ${verification.message} [${verification.code}]`);
  if (verification.identity.deviceId !== request.deviceId) throw new CliFailure('the device certificate names another device');
  if (verification.identity.role !== request.certificateRole) throw new CliFailure(`this bundle role needs a '${request.certificateRole}' certificate`);
  // The certificate was verified just above against the CA directory, so the sealer's own check is not repeated.
  return sealPayloadToCertificate({ certificatePem: request.certificatePem, payload: request.bundle, certificateCheck: null });
}
