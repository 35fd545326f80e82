/**
 * Keyed hash of a card UID for the audit log: HMAC-SHA256 under the store's
 * audit key, truncated. Without the key a 7-byte UID cannot be recovered by
 * enumeration; with it, an auditor can check whether a given card appears.
 */
import { createHmac } from 'node:crypto';
import { abytes, toHex } from '../bytes.js';
import { AUDIT_UID_HASH_LENGTH_BYTES } from './audit-entry.js';

export const AUDIT_KEY_LENGTH_BYTES = 32;
const UID_HASH_DOMAIN = 'onecard-audit-uid/v1';

export function auditUidHashHex(options: { auditKey: Uint8Array; uid: Uint8Array }): string {
  abytes(options.auditKey, AUDIT_KEY_LENGTH_BYTES, 'auditKey');
  abytes(options.uid, undefined, 'uid');
  const mac = createHmac('sha256', options.auditKey);
  mac.update(UID_HASH_DOMAIN);
  mac.update(options.uid);
  return toHex(mac.digest().subarray(0, AUDIT_UID_HASH_LENGTH_BYTES));
}
