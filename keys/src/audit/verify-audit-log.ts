/**
 * Verifies an audit log: every line parses, every hash is right, every line
 * points at the hash of the line before it, seq counts up by one from the
 * header. Reports the first bad line (1-based, as an editor shows it).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { AUDIT_LINE_LENGTH_BYTES_MAX, auditLineHashHex, auditLineSchema, type AuditLine } from './audit-entry.js';
import { AuditLogError } from './audit-error.js';

const READ_CHUNK_BYTES = 64 * 1024;
const NEWLINE_BYTE = 0x0a;

export type AuditVerificationFailure =
  | 'empty_log'
  | 'missing_header'
  | 'line_too_long'
  | 'incomplete_last_line'
  | 'malformed_line'
  | 'hash_mismatch'
  | 'chain_broken'
  | 'sequence_mismatch'
  | 'store_mismatch';

export type AuditVerification =
  | { readonly ok: true; readonly storeId: string; readonly entryCount: number; readonly headHashHex: string; readonly lastStoreRevision: number | undefined }
  | { readonly ok: false; readonly failure: AuditVerificationFailure; readonly lineNumber: number };

interface RawLine {
  readonly lineNumber: number;
  readonly bytes: Uint8Array | 'too_long';
  readonly terminated: boolean;
}

function* readLines(path: string): Generator<RawLine> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error: unknown) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    throw new AuditLogError(missing ? 'audit_log_missing' : 'audit_log_io', 'cannot read the audit log', { cause: error });
  }
  try {
    const chunk = new Uint8Array(READ_CHUNK_BYTES);
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let lineNumber = 1;
    for (;;) {
      const readBytes = readSync(fd, chunk, 0, READ_CHUNK_BYTES, null);
      if (readBytes === 0) break;
      let start = 0;
      for (;;) {
        const newline = chunk.subarray(0, readBytes).indexOf(NEWLINE_BYTE, start);
        const end = newline < 0 ? readBytes : newline;
        if (pendingBytes + (end - start) <= AUDIT_LINE_LENGTH_BYTES_MAX) pending.push(chunk.slice(start, end));
        pendingBytes += end - start;
        if (newline < 0) break;
        const bytes = pendingBytes > AUDIT_LINE_LENGTH_BYTES_MAX ? 'too_long' : Buffer.concat(pending);
        yield { lineNumber, bytes, terminated: true };
        lineNumber += 1;
        pending = [];
        pendingBytes = 0;
        start = newline + 1;
      }
    }
    if (pendingBytes > 0) yield { lineNumber, bytes: pendingBytes > AUDIT_LINE_LENGTH_BYTES_MAX ? 'too_long' : Buffer.concat(pending), terminated: false };
  } finally {
    closeSync(fd);
  }
}

function parseLine(bytes: Uint8Array): AuditLine | undefined {
  try {
    const result = auditLineSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies the whole chain. `expectedStoreId`, when given, must match the header. */
export function verifyAuditLog(path: string, options?: { expectedStoreId?: string }): AuditVerification {
  let previous: AuditLine | undefined;
  let storeId = '';
  let lastStoreRevision: number | undefined;
  for (const raw of readLines(path)) {
    const fail = (failure: AuditVerificationFailure): AuditVerification => ({ ok: false, failure, lineNumber: raw.lineNumber });
    if (raw.bytes === 'too_long') return fail('line_too_long');
    if (!raw.terminated) return fail('incomplete_last_line');
    const line = parseLine(raw.bytes);
    if (line === undefined) return fail('malformed_line');
    const { hashHex, ...withoutHash } = line;
    if (auditLineHashHex(withoutHash) !== hashHex) return fail('hash_mismatch');
    if (previous === undefined) {
      if (line.kind !== 'header') return fail('missing_header');
      if (options?.expectedStoreId !== undefined && line.storeId !== options.expectedStoreId) return fail('store_mismatch');
      storeId = line.storeId;
    } else {
      if (line.kind !== 'event') return fail('sequence_mismatch');
      if (line.prevHashHex !== previous.hashHex) return fail('chain_broken');
      if (line.seq !== previous.seq + 1) return fail('sequence_mismatch');
      if (line.storeRevision !== undefined) lastStoreRevision = line.storeRevision;
    }
    previous = line;
  }
  if (previous === undefined) return { ok: false, failure: 'empty_log', lineNumber: 1 };
  return { ok: true, storeId, entryCount: previous.seq, headHashHex: previous.hashHex, lastStoreRevision };
}
