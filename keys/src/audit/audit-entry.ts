/**
 * One line of the key-store audit log (JSON Lines), and its hash chain:
 *
 *   hash(n) = SHA-256( hash(n-1) ‖ canonicalJson(line n without hashHex) )
 *
 * Line 1 is a header (seq 0) binding the log to one key store; its previous
 * hash is 32 zero bytes. Every line carries `seq` and `prevHashHex`, so a
 * modified line fails its own hash, and a removed or reordered line breaks
 * the chain at the line that follows it.
 *
 * What is recorded: time, principal, action, application, keyNo, version and
 * a keyed hash of the card UID. Never key material, never the raw UID.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { concatBytes, fromHex, toHex } from '../bytes.js';
import { canonicalJsonBytes } from './canonical-json.js';

export const AUDIT_LOG_FORMAT = 'onecard-key-audit-log';
export const AUDIT_LOG_FORMAT_VERSION = 1;
export const AUDIT_HASH_LENGTH_BYTES = 32;
/** Keyed UID hash: HMAC-SHA256 truncated to 128 bits (collisions irrelevant at audit scale, brute force infeasible without the key). */
export const AUDIT_UID_HASH_LENGTH_BYTES = 16;
/** No legitimate line comes near this; a longer one is treated as corruption. */
export const AUDIT_LINE_LENGTH_BYTES_MAX = 2048;
export const AUDIT_TEXT_LENGTH_CHARS_MAX = 64;

export const AUDIT_GENESIS_HASH_HEX = '00'.repeat(AUDIT_HASH_LENGTH_BYTES);

export const AUDIT_ACTIONS = [
  'init',
  'derive',
  'add',
  'rotate',
  'retire',
  'export-bundle',
  'change-passphrase',
  'verify-login',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Principals, purposes, device ids: printable, no whitespace, bounded. */
export const AUDIT_TEXT_PATTERN = /^[A-Za-z0-9._@:+/-]{1,64}$/;

const auditText = z.string().max(AUDIT_TEXT_LENGTH_CHARS_MAX).regex(AUDIT_TEXT_PATTERN);
const hashHex = z.string().regex(/^[0-9a-f]{64}$/);
const timeUtc = z.iso.datetime();

/** What a caller records; the log adds seq, time and the chain. */
export interface AuditEvent {
  readonly principal: string;
  readonly action: AuditAction;
  readonly application?: string;
  readonly keyNo?: number;
  readonly version?: number;
  readonly uidHashHex?: string;
  readonly purpose?: string;
  readonly deviceId?: string;
  readonly role?: string;
  readonly storeRevision?: number;
  readonly outcome?: 'ok' | 'refused';
}

export const auditHeaderSchema = z.strictObject({
  kind: z.literal('header'),
  seq: z.literal(0),
  format: z.literal(AUDIT_LOG_FORMAT),
  formatVersion: z.literal(AUDIT_LOG_FORMAT_VERSION),
  storeId: z.uuid(),
  timeUtc,
  prevHashHex: z.literal(AUDIT_GENESIS_HASH_HEX),
  hashHex,
});

const auditEventFields = {
  principal: auditText,
  action: z.enum(AUDIT_ACTIONS),
  application: auditText.optional(),
  keyNo: z.int().min(0).max(255).optional(),
  version: z.int().min(0).max(255).optional(),
  uidHashHex: z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${2 * AUDIT_UID_HASH_LENGTH_BYTES}}$`))
    .optional(),
  purpose: auditText.optional(),
  deviceId: auditText.optional(),
  role: auditText.optional(),
  storeRevision: z.int().min(0).optional(),
  outcome: z.enum(['ok', 'refused']).optional(),
};

const auditEventSchema = z.strictObject(auditEventFields);

export const auditEventLineSchema = z.strictObject({
  kind: z.literal('event'),
  seq: z.int().min(1),
  timeUtc,
  ...auditEventFields,
  prevHashHex: hashHex,
  hashHex,
});

export const auditLineSchema = z.discriminatedUnion('kind', [auditHeaderSchema, auditEventLineSchema]);
export type AuditHeaderLine = z.infer<typeof auditHeaderSchema>;
export type AuditEventLine = z.infer<typeof auditEventLineSchema>;
export type AuditLine = z.infer<typeof auditLineSchema>;

/** Hash of a line given everything but its own hash. */
export function auditLineHashHex(lineWithoutHash: Omit<AuditLine, 'hashHex'>): string {
  const digest = createHash('sha256');
  digest.update(concatBytes(fromHex(lineWithoutHash.prevHashHex), canonicalJsonBytes(lineWithoutHash)));
  return toHex(digest.digest());
}

/** Seals a line: adds its hash. */
export function sealAuditLine<T extends Omit<AuditLine, 'hashHex'>>(lineWithoutHash: T): T & { hashHex: string } {
  return { ...lineWithoutHash, hashHex: auditLineHashHex(lineWithoutHash) };
}

/** Checks a caller-supplied event before it reaches the log (a bad event is a programmer error). */
export function checkAuditEvent(event: AuditEvent): void {
  const result = auditEventSchema.safeParse(event);
  if (!result.success) {
    throw new TypeError(`audit event has invalid fields: ${result.error.issues.map((issue) => issue.path.join('.')).join(', ')}`);
  }
}
