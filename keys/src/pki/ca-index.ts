/**
 * index.json of a CA directory: every certificate the CA issued, with its
 * revocation, and the number of the last CRL published.
 */
import * as z from 'zod';
import { REVOCATION_REASONS } from './crl.js';
import { PkiError } from './errors.js';
import { DEVICE_ROLES } from './roles.js';

export const CA_INDEX_FORMAT_VERSION = 1;
export const CA_INDEX_CERTIFICATE_COUNT_MAX = 200_000;

const revocationSchema = z.object({
  revokedAtMs: z.int().nonnegative(),
  reason: z.enum(REVOCATION_REASONS),
});

const entrySchema = z.object({
  serialHex: z.string().regex(/^[1-9a-f][0-9a-f]*$/),
  deviceId: z.string(),
  role: z.enum(DEVICE_ROLES),
  issuedAtMs: z.int().nonnegative(),
  notBeforeMs: z.int().nonnegative(),
  notAfterMs: z.int().nonnegative(),
  revocation: revocationSchema.nullable(),
});

const indexSchema = z.object({
  formatVersion: z.literal(CA_INDEX_FORMAT_VERSION),
  /** Number of the last CRL published; 0 before the first. */
  crlNumber: z.int().nonnegative(),
  certificates: z.array(entrySchema).max(CA_INDEX_CERTIFICATE_COUNT_MAX),
});

export type CaIndexEntry = z.infer<typeof entrySchema>;
export type CaIndex = z.infer<typeof indexSchema>;

export function emptyCaIndex(): CaIndex {
  return { formatVersion: CA_INDEX_FORMAT_VERSION, crlNumber: 0, certificates: [] };
}

export function parseCaIndex(text: string): CaIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PkiError('ca_dir_invalid', 'index.json is not JSON', { cause: error });
  }
  const parsed = indexSchema.safeParse(json);
  if (!parsed.success) throw new PkiError('ca_dir_invalid', 'index.json does not match the CA index format', { cause: parsed.error });
  const serials = new Set(parsed.data.certificates.map((c) => c.serialHex));
  if (serials.size !== parsed.data.certificates.length) throw new PkiError('ca_dir_invalid', 'index.json lists a serial twice');
  return parsed.data;
}

export function serializeCaIndex(index: CaIndex): string {
  return `${JSON.stringify(index, null, 2)}\n`;
}
