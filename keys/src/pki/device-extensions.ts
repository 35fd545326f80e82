/**
 * OneCard's private X.509 extensions (OIDs in oids.ts). They are non-critical
 * so that generic verifiers (OpenSSL) still build the chain; OneCard's own
 * verifier requires them.
 */
import { concatBytes, equalBytes } from '../bytes.js';
import { ed25519PublicKeyToSpkiDer } from '../signing/bulk-verifier.js';
import { ED25519_PUBLIC_KEY_LENGTH_BYTES, ED25519_SIGNATURE_LENGTH_BYTES, ed25519Sign, ed25519Verify } from '../signing/ed25519.js';
import { SIGNING_CONTEXTS, envelopeSigningInput } from '../signing/envelope.js';
import { PkiError, type PkiErrorCode } from './errors.js';
import { asn1, derOf, fromBinary, parseDer, toBinary, type Asn1 } from './forge-util.js';
import { OID_ONECARD_DEVICE_IDENTITY, OID_ONECARD_JOURNAL_KEY, OID_ONECARD_JOURNAL_KEY_POSSESSION } from './oids.js';
import { isDeviceId, isDeviceRole, type DeviceRole } from './roles.js';

/** Extension in the shape forge's certificate and CSR writers take. */
export interface ForgeExtension {
  readonly id: string;
  readonly critical: boolean;
  readonly value: string;
}

const { Class, Type } = asn1;

function utf8(text: string): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.UTF8, false, Buffer.from(text, 'utf8').toString('binary'));
}

export function identityExtension(role: DeviceRole, deviceId: string): ForgeExtension {
  const value = asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [utf8(role), utf8(deviceId)]);
  return { id: OID_ONECARD_DEVICE_IDENTITY, critical: false, value: toBinary(derOf(value)) };
}

export function parseIdentityExtension(value: Uint8Array, code: PkiErrorCode): { role: DeviceRole; deviceId: string } {
  const node = parseDer(value, code, 'device identity extension');
  const parts = node.value;
  if (node.type !== Type.SEQUENCE || !Array.isArray(parts) || parts.length !== 2) {
    throw new PkiError(code, 'device identity extension has the wrong shape');
  }
  const [roleNode, idNode] = parts;
  if (roleNode?.type !== Type.UTF8 || idNode?.type !== Type.UTF8) throw new PkiError(code, 'device identity fields must be UTF8String');
  if (typeof roleNode.value !== 'string' || typeof idNode.value !== 'string') throw new PkiError(code, 'device identity fields are constructed');
  const role = Buffer.from(roleNode.value, 'binary').toString('utf8');
  const deviceId = Buffer.from(idNode.value, 'binary').toString('utf8');
  if (!isDeviceRole(role)) throw new PkiError(code, 'device identity names an unknown role');
  if (!isDeviceId(deviceId)) throw new PkiError(code, 'device identity carries a malformed device id');
  return { role, deviceId };
}

export function journalKeyExtension(publicKey: Uint8Array): ForgeExtension {
  return { id: OID_ONECARD_JOURNAL_KEY, critical: false, value: toBinary(ed25519PublicKeyToSpkiDer(publicKey)) };
}

export function parseJournalKeyExtension(value: Uint8Array, code: PkiErrorCode): Uint8Array {
  const publicKey = value.subarray(value.length - ED25519_PUBLIC_KEY_LENGTH_BYTES);
  if (value.length < ED25519_PUBLIC_KEY_LENGTH_BYTES || !equalBytes(ed25519PublicKeyToSpkiDer(publicKey), value)) {
    throw new PkiError(code, 'journal key extension is not an Ed25519 SubjectPublicKeyInfo');
  }
  return Uint8Array.from(publicKey);
}

/** What the possession proof signs: role and the RSA key it is bound to, under the device id. */
function possessionMessage(input: { role: DeviceRole; deviceId: string; rsaSpkiDer: Uint8Array }): Uint8Array {
  return envelopeSigningInput({
    context: SIGNING_CONTEXTS.csrPossession,
    keyId: input.deviceId,
    payload: concatBytes(Buffer.from(input.role, 'utf8'), Uint8Array.of(0), input.rsaSpkiDer),
  });
}

export function possessionExtension(input: {
  role: DeviceRole;
  deviceId: string;
  rsaSpkiDer: Uint8Array;
  journalSecretKey: Uint8Array;
}): ForgeExtension {
  const signature = ed25519Sign({ message: possessionMessage(input), secretKey: input.journalSecretKey });
  const value = asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, toBinary(signature));
  return { id: OID_ONECARD_JOURNAL_KEY_POSSESSION, critical: false, value: toBinary(derOf(value)) };
}

export function verifyPossessionExtension(input: {
  value: Uint8Array;
  role: DeviceRole;
  deviceId: string;
  rsaSpkiDer: Uint8Array;
  journalPublicKey: Uint8Array;
}): boolean {
  const node = parseDer(input.value, 'csr_invalid', 'journal key possession proof');
  if (node.type !== Type.OCTETSTRING || typeof node.value !== 'string') return false;
  const signature = fromBinary(node.value);
  if (signature.length !== ED25519_SIGNATURE_LENGTH_BYTES) return false;
  return ed25519Verify({ message: possessionMessage(input), signature, publicKey: input.journalPublicKey });
}
