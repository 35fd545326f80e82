/**
 * Typed edges around node-forge, whose typings use `any` for extensions and
 * attributes. Every value read from forge is checked here before use.
 */
import forge from 'node-forge';
import { PkiError, type PkiErrorCode } from './errors.js';

export type Asn1 = forge.asn1.Asn1;
export const asn1 = forge.asn1;

/** forge works on "binary strings" (one char per byte). */
export function toBinary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('binary');
}

export function fromBinary(binary: string): Uint8Array {
  return Uint8Array.from(Buffer.from(binary, 'binary'));
}

export function derOf(node: Asn1): Uint8Array {
  return fromBinary(asn1.toDer(node).getBytes());
}

/** Parses DER strictly; any failure is `code`. */
export function parseDer(bytes: Uint8Array, code: PkiErrorCode, what: string): Asn1 {
  try {
    const buffer = forge.util.createBuffer(toBinary(bytes));
    const node = asn1.fromDer(buffer, true);
    if (buffer.length() !== 0) throw new Error('trailing bytes');
    return node;
  } catch (error) {
    throw new PkiError(code, `${what} is not valid DER`, { cause: error });
  }
}

export function certificateFromPem(pem: string): forge.pki.Certificate {
  try {
    return forge.pki.certificateFromPem(pem, true, true);
  } catch (error) {
    throw new PkiError('certificate_corrupt', 'certificate PEM could not be parsed', { cause: error });
  }
}

export interface RawExtension {
  readonly id: string;
  readonly critical: boolean;
  /** extnValue contents (DER of the extension's own structure). */
  readonly value: Uint8Array;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Extensions as parsed by forge (certificate or CSR extensionRequest). */
export function rawExtensions(extensions: readonly unknown[]): RawExtension[] {
  const out: RawExtension[] = [];
  for (const e of extensions) {
    if (!isRecord(e) || typeof e['id'] !== 'string' || typeof e['value'] !== 'string') continue;
    out.push({ id: e['id'], critical: e['critical'] === true, value: fromBinary(e['value']) });
  }
  return out;
}

/** The single extension with `oid`; two copies are malformed (RFC 5280 §4.2). */
export function findExtension(extensions: readonly RawExtension[], oid: string, code: PkiErrorCode): RawExtension | null {
  const matches = extensions.filter((e) => e.id === oid);
  if (matches.length > 1) throw new PkiError(code, 'extension appears more than once');
  return matches[0] ?? null;
}

/** Value of a subject attribute (CN, OU …) or null. */
export function subjectField(subject: forge.pki.Certificate['subject'], shortName: string): string | null {
  const field: unknown = subject.getField(shortName);
  if (!isRecord(field) || typeof field['value'] !== 'string') return null;
  return field['value'];
}

/** Parsed basicConstraints / keyUsage flags as forge exposes them. */
export function namedExtension(
  certificate: forge.pki.Certificate,
  name: 'basicConstraints' | 'keyUsage' | 'extKeyUsage',
): Record<string, unknown> | null {
  const ext: unknown = certificate.getExtension(name);
  return isRecord(ext) ? ext : null;
}

/** DER body of a PEM holding exactly one block of `type`. */
export function pemBody(pem: string, type: string, code: PkiErrorCode): Uint8Array {
  let messages: forge.pem.ObjectPEM[];
  try {
    messages = forge.pem.decode(pem);
  } catch (error) {
    throw new PkiError(code, `${type} PEM could not be decoded`, { cause: error });
  }
  const [message] = messages;
  if (messages.length !== 1 || message?.type !== type) throw new PkiError(code, `PEM must hold exactly one ${type}`);
  return fromBinary(message.body);
}
