/**
 * Append-only, hash-chained audit log in JSON Lines (see audit-entry.ts).
 *
 * Each append takes a short exclusive lock (`<log>.lock`, O_EXCL), reads the
 * last line for its seq and hash, writes one line with one write call and
 * fsyncs before returning: a derivation is not handed out before its record
 * is durable. Back-office derivations are rare (issuance, support), so the
 * fsync cost is acceptable; devices do not use this log (the SAM built from a
 * device bundle keeps an in-memory counter, see sam/bundle-master-source.ts).
 *
 * The chain detects modified, removed and reordered lines; it cannot by
 * itself detect that the newest lines were cut off. Callers that need that
 * anchor the head (seq + hash) elsewhere, e.g. the store's revision.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { AuditLogError } from './audit-error.js';
import {
  AUDIT_GENESIS_HASH_HEX,
  AUDIT_LINE_LENGTH_BYTES_MAX,
  AUDIT_LOG_FORMAT,
  AUDIT_LOG_FORMAT_VERSION,
  auditLineSchema,
  checkAuditEvent,
  sealAuditLine,
  type AuditEvent,
  type AuditLine,
} from './audit-entry.js';
import { canonicalJson } from './canonical-json.js';

export const AUDIT_LOCK_ATTEMPT_COUNT_MAX = 200;
export const AUDIT_LOCK_RETRY_DELAY_MS = 5;
const NEWLINE_BYTE = 0x0a;
const FILE_MODE_OWNER_ONLY = 0o600;

export interface AuditHead {
  readonly seq: number;
  readonly hashHex: string;
}

/** Where audit events go: a file on the back office, a counter on a device. */
export interface AuditSink {
  record(event: AuditEvent): AuditHead;
}

export function auditLogPathForStore(storePath: string): string {
  return `${storePath}.audit.jsonl`;
}

function sleepMs(durationMs: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, durationMs);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offsetBytes = 0;
  while (offsetBytes < bytes.length) offsetBytes += writeSync(fd, bytes, offsetBytes, bytes.length - offsetBytes);
}

/** Reads and parses the last complete line of the log. */
function readLastLine(fd: number): AuditLine {
  const sizeBytes = fstatSync(fd).size;
  const windowBytes = Math.min(sizeBytes, AUDIT_LINE_LENGTH_BYTES_MAX + 1);
  const tail = new Uint8Array(windowBytes);
  const readBytes = readSync(fd, tail, 0, windowBytes, sizeBytes - windowBytes);
  if (readBytes !== windowBytes || windowBytes === 0 || tail[windowBytes - 1] !== NEWLINE_BYTE) {
    throw new AuditLogError('audit_log_corrupt', 'audit log is empty or its last line is incomplete; run the audit verification');
  }
  const previousNewline = tail.lastIndexOf(NEWLINE_BYTE, windowBytes - 2);
  if (previousNewline < 0 && windowBytes < sizeBytes) {
    throw new AuditLogError('audit_log_corrupt', 'audit log last line is too long');
  }
  const text = new TextDecoder().decode(tail.subarray(previousNewline + 1, windowBytes - 1));
  try {
    return auditLineSchema.parse(JSON.parse(text));
  } catch (error: unknown) {
    throw new AuditLogError('audit_log_corrupt', 'audit log last line is malformed; run the audit verification', { cause: error });
  }
}

function lineBytes(line: AuditLine): Uint8Array {
  const bytes = new TextEncoder().encode(`${canonicalJson(line)}\n`);
  if (bytes.length > AUDIT_LINE_LENGTH_BYTES_MAX) throw new RangeError('audit line exceeds AUDIT_LINE_LENGTH_BYTES_MAX');
  return bytes;
}

export class FileAuditLog implements AuditSink {
  readonly path: string;
  readonly #clockMs: () => number;

  private constructor(options: { path: string; clockMs: () => number }) {
    this.path = options.path;
    this.#clockMs = options.clockMs;
  }

  /** Creates a new log whose header binds it to `storeId`. Refuses to overwrite. */
  static create(options: { path: string; storeId: string; clockMs: () => number }): FileAuditLog {
    const header = sealAuditLine({
      kind: 'header',
      seq: 0,
      format: AUDIT_LOG_FORMAT,
      formatVersion: AUDIT_LOG_FORMAT_VERSION,
      storeId: options.storeId,
      timeUtc: new Date(options.clockMs()).toISOString(),
      prevHashHex: AUDIT_GENESIS_HASH_HEX,
    } as const);
    let fd: number;
    try {
      fd = openSync(options.path, 'wx', FILE_MODE_OWNER_ONLY);
    } catch (error: unknown) {
      if (isErrno(error, 'EEXIST')) throw new AuditLogError('audit_log_exists', 'an audit log already exists at that path', { cause: error });
      throw new AuditLogError('audit_log_io', 'cannot create the audit log', { cause: error });
    }
    try {
      writeAll(fd, lineBytes(header));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return new FileAuditLog(options);
  }

  /** Opens an existing log for appending (does not verify the chain; see verifyAuditLog). */
  static open(options: { path: string; clockMs: () => number }): FileAuditLog {
    let fd: number;
    try {
      fd = openSync(options.path, 'r');
    } catch (error: unknown) {
      if (isErrno(error, 'ENOENT')) throw new AuditLogError('audit_log_missing', 'the audit log is missing', { cause: error });
      throw new AuditLogError('audit_log_io', 'cannot open the audit log', { cause: error });
    }
    try {
      readLastLine(fd);
    } finally {
      closeSync(fd);
    }
    return new FileAuditLog(options);
  }

  /** Appends one event durably and returns the new head. */
  record(event: AuditEvent): AuditHead {
    checkAuditEvent(event);
    const lockPath = `${this.path}.lock`;
    this.#acquireLock(lockPath);
    try {
      const fd = openSync(this.path, 'a+');
      try {
        const last = readLastLine(fd);
        const line = sealAuditLine({
          ...event,
          kind: 'event' as const,
          seq: last.seq + 1,
          timeUtc: new Date(this.#clockMs()).toISOString(),
          prevHashHex: last.hashHex,
        });
        writeAll(fd, lineBytes(line));
        fsyncSync(fd);
        return { seq: line.seq, hashHex: line.hashHex };
      } finally {
        closeSync(fd);
      }
    } catch (error: unknown) {
      if (error instanceof AuditLogError || error instanceof TypeError || error instanceof RangeError) throw error;
      throw new AuditLogError('audit_log_io', 'cannot append to the audit log', { cause: error });
    } finally {
      unlinkSync(lockPath);
    }
  }

  #acquireLock(lockPath: string): void {
    for (let attempt = 1; attempt <= AUDIT_LOCK_ATTEMPT_COUNT_MAX; attempt++) {
      try {
        closeSync(openSync(lockPath, 'wx', FILE_MODE_OWNER_ONLY));
        return;
      } catch (error: unknown) {
        if (!isErrno(error, 'EEXIST')) throw new AuditLogError('audit_log_io', 'cannot lock the audit log', { cause: error });
        sleepMs(AUDIT_LOCK_RETRY_DELAY_MS);
      }
    }
    throw new AuditLogError('audit_log_locked', 'the audit log stays locked by another process (stale .lock file?)');
  }
}
