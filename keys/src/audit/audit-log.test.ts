import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLogError } from './audit-error.js';
import { FileAuditLog } from './audit-log.js';
import { verifyAuditLog } from './verify-audit-log.js';

const STORE_ID = '3f0c1a52-7d4e-4b8a-9c61-0e2f5a7b9d13';
const OTHER_STORE_ID = '11111111-2222-4333-8444-555555555555';

let dir: string;
let path: string;
let nowMs: number;
const clockMs = (): number => nowMs;

function writeLog(eventCount: number): FileAuditLog {
  const log = FileAuditLog.create({ path, storeId: STORE_ID, clockMs });
  for (let i = 0; i < eventCount; i++) {
    nowMs += 1000;
    log.record({ principal: 'operator@hanoi', action: 'derive', application: 'transit', keyNo: 2, version: 1, uidHashHex: 'ab'.repeat(16), purpose: 'personalise' });
  }
  return log;
}

function lines(): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

function rewrite(newLines: readonly string[]): void {
  writeFileSync(path, newLines.map((line) => `${line}\n`).join(''));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onecard-audit-'));
  path = join(dir, 'store.audit.jsonl');
  nowMs = Date.UTC(2025, 0, 1);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('FileAuditLog', () => {
  it('appends hash-chained lines that verify, with seq and head', () => {
    const log = writeLog(3);
    const head = log.record({ principal: 'alice', action: 'rotate', application: 'student', keyNo: 0, version: 2, storeRevision: 7 });
    expect(head.seq).toBe(4);
    const result = verifyAuditLog(path, { expectedStoreId: STORE_ID });
    expect(result).toEqual({ ok: true, storeId: STORE_ID, entryCount: 4, headHashHex: head.hashHex, lastStoreRevision: 7 });
    expect(lines()).toHaveLength(5);
    const parsed: unknown = JSON.parse(lines()[1] ?? '');
    expect(parsed).toMatchObject({ seq: 1, timeUtc: '2025-01-01T00:00:01.000Z', action: 'derive' });
  });

  it('refuses to overwrite an existing log and to open a missing one', () => {
    writeLog(0);
    expect(() => FileAuditLog.create({ path, storeId: STORE_ID, clockMs })).toThrow(expect.objectContaining({ code: 'audit_log_exists' }));
    expect(() => FileAuditLog.open({ path: join(dir, 'nope'), clockMs })).toThrow(expect.objectContaining({ code: 'audit_log_missing' }));
  });

  it('refuses events with fields that could smuggle text into the log', () => {
    const log = writeLog(0);
    expect(() => log.record({ principal: 'eve\n{"kind":"header"}', action: 'derive' })).toThrow(TypeError);
    expect(lines()).toHaveLength(1);
  });

  it('waits for a held append lock and gives up with audit_log_locked', () => {
    const log = writeLog(1);
    writeFileSync(`${path}.lock`, '');
    expect(() => log.record({ principal: 'alice', action: 'derive' })).toThrow(expect.objectContaining({ code: 'audit_log_locked' }));
    rmSync(`${path}.lock`);
    expect(log.record({ principal: 'alice', action: 'derive' }).seq).toBe(2);
  });

  it('refuses to append after a torn (unterminated) last line', () => {
    const log = writeLog(2);
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, -10));
    expect(() => log.record({ principal: 'alice', action: 'derive' })).toThrow(AuditLogError);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});

describe('verifyAuditLog', () => {
  it('reports a modified line by its line number', () => {
    writeLog(4);
    const all = lines();
    all[2] = (all[2] ?? '').replace('"keyNo":2', '"keyNo":3');
    rewrite(all);
    expect(verifyAuditLog(path)).toEqual({ ok: false, failure: 'hash_mismatch', lineNumber: 3 });
  });

  it('reports a removed line at the line that follows it', () => {
    writeLog(4);
    const all = lines();
    all.splice(2, 1);
    rewrite(all);
    expect(verifyAuditLog(path)).toEqual({ ok: false, failure: 'chain_broken', lineNumber: 3 });
  });

  it('reports reordered lines', () => {
    writeLog(4);
    const all = lines();
    const [third, fourth] = [all[3] ?? '', all[4] ?? ''];
    all[3] = fourth;
    all[4] = third;
    rewrite(all);
    expect(verifyAuditLog(path)).toEqual({ ok: false, failure: 'chain_broken', lineNumber: 4 });
  });

  it('reports a removed header, a foreign store, garbage and a torn last line', () => {
    writeLog(2);
    const all = lines();
    rewrite(all.slice(1));
    expect(verifyAuditLog(path)).toEqual({ ok: false, failure: 'missing_header', lineNumber: 1 });
    rewrite(all);
    expect(verifyAuditLog(path, { expectedStoreId: OTHER_STORE_ID })).toEqual({ ok: false, failure: 'store_mismatch', lineNumber: 1 });
    rewrite([...all.slice(0, 2), '{not json', ...all.slice(2)]);
    expect(verifyAuditLog(path)).toEqual({ ok: false, failure: 'malformed_line', lineNumber: 3 });
    writeFileSync(path, `${all.join('\n')}\n${'x'.repeat(5000)}`);
    expect(verifyAuditLog(path)).toEqual({ ok: false, failure: 'line_too_long', lineNumber: 4 });
    writeFileSync(path, all.join('\n'));
    expect(verifyAuditLog(path)).toEqual({ ok: false, failure: 'incomplete_last_line', lineNumber: 3 });
    writeFileSync(path, '');
    expect(verifyAuditLog(path)).toEqual({ ok: false, failure: 'empty_log', lineNumber: 1 });
  });

  it('recomputing a modified line hash still breaks the chain at the next line', () => {
    writeLog(3);
    const all = lines();
    const forged = JSON.parse(all[1] ?? '') as Record<string, unknown>;
    forged['principal'] = 'mallory';
    rewrite([all[0] ?? '', JSON.stringify(forged), ...all.slice(2)]);
    expect(verifyAuditLog(path)).toMatchObject({ ok: false, lineNumber: 2 });
  });
});
