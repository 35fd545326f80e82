import { cpSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JournalError, journalPath, openJournal, type DeviceJournal } from '../src/journal/index.js';
import { FIXTURE_DEVICE_ID, fareEntry, fixtureSigner, tempDir } from '../src/journal/journal.fixtures.js';

const EVENT_COUNT = 300;
const PAGE_SIZE_BYTES = 4096;

function openCode(dir: string): string | undefined {
  try {
    openJournal({ dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() }).close();
    return undefined;
  } catch (error) {
    if (error instanceof JournalError) return error.code;
    throw error;
  }
}

function errorOf(run: () => unknown): JournalError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof JournalError) return error;
    throw error;
  }
  return undefined;
}

/** Edits the closed journal behind its back (what a bad disk or a tamperer would do). */
function tamper(dir: string, sql: string): void {
  const db = new Database(journalPath(dir));
  db.exec(sql);
  db.close();
}

describe('journal integrity', () => {
  let folder: ReturnType<typeof tempDir>;
  let journal: DeviceJournal;
  const open = () => openJournal({ dir: folder.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });

  let template: ReturnType<typeof tempDir>;

  beforeAll(() => {
    // Built once, copied per test: 300 fsynced appends are the slow part.
    template = tempDir('journal-integrity-template');
    const built = openJournal({ dir: template.dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
    for (let index = 0; index < EVENT_COUNT; index += 1) built.append(fareEntry(index));
    built.cutBatches({ eventCountPerBatchMax: 100 });
    built.close();
  });
  afterAll(() => {
    template.remove();
  });
  beforeEach(() => {
    folder = tempDir('journal-integrity');
    cpSync(template.dir, folder.dir, { recursive: true });
    journal = open();
    journal.close();
  });
  afterEach(() => {
    journal.close();
    folder.remove();
  });

  it('opens a changed tail as chain_broken and refuses to write, without leaking the data', () => {
    tamper(folder.dir, `UPDATE events SET body = replace(body, '"amountVnd":7000', '"amountVnd":1') WHERE seq = ${EVENT_COUNT}`);
    journal = open();
    expect(journal.status()).toMatchObject({ state: 'chain_broken', chainFault: { code: 'hash_mismatch', seq: EVENT_COUNT } });
    expect(journal.checkCapacity()).toEqual({ ok: false, code: 'chain_broken' });
    const error = errorOf(() => journal.append(fareEntry(1)));
    expect(error?.code).toBe('chain_broken');
    expect(error?.message).not.toMatch(/9704\d{12}|[0-9a-f]{64}/);
    expect(errorOf(() => journal.cutBatches())?.code).toBe('chain_broken');
    // Batches already cut and signed stay readable for upload.
    expect(journal.pendingBatches({ limit: 5 })).toHaveLength(3);
  });

  it('finds a changed old event (beyond the tail check) in the full walk, then stops writing', () => {
    tamper(folder.dir, "UPDATE events SET body = replace(body, '\"amountVnd\":7000', '\"amountVnd\":1') WHERE seq = 5");
    journal = open();
    expect(journal.status().state).toBe('ok');
    expect(journal.verify()).toEqual({ ok: false, code: 'hash_mismatch', seq: 5 });
    expect(journal.status().chainFault).toEqual({ code: 'hash_mismatch', seq: 5 });
    expect(errorOf(() => journal.append(fareEntry(1)))?.code).toBe('chain_broken');
  });

  it('detects a removed event, an unreadable row and a damaged envelope', () => {
    tamper(folder.dir, 'DELETE FROM events WHERE seq = 7');
    journal = open();
    expect(journal.verify()).toEqual({ ok: false, code: 'seq_not_contiguous', seq: 8 });
    journal.close();
    tamper(folder.dir, "INSERT INTO events VALUES (7, '9704000000000007', 'transit', 'x', '{not json', 9)");
    journal = open();
    expect(journal.verify()).toEqual({ ok: false, code: 'event_unreadable', seq: 7 });
    journal.close();
    tamper(folder.dir, "UPDATE batches SET envelope = zeroblob(length(envelope)) WHERE batch_seq = 2");
    journal = open();
    expect(errorOf(() => journal.pendingBatches({ limit: 5 }))?.code).toBe('database_corrupt');
  });

  it('verifies counters and envelopes in the full walk', () => {
    tamper(folder.dir, "UPDATE batches SET envelope = zeroblob(length(envelope)) WHERE batch_seq = 2");
    journal = open();
    expect(journal.verify()).toEqual({ ok: false, code: 'batch_damaged', seq: 2 });
    journal.close();
    tamper(folder.dir, 'UPDATE chain_state SET stored_bytes = stored_bytes + 1');
    journal = open();
    expect(journal.verify()).toEqual({ ok: false, code: 'counters_mismatch', seq: EVENT_COUNT });
  });

  it('detects a tail that lost its newest row', () => {
    tamper(folder.dir, `DELETE FROM events WHERE seq = ${EVENT_COUNT}`);
    journal = open();
    expect(journal.status()).toMatchObject({ state: 'chain_broken', chainFault: { code: 'tail_mismatch' } });
  });

  it('answers database_corrupt for a torn (truncated) file', () => {
    const path = journalPath(folder.dir);
    const sizeBytes = statSync(path).size;
    truncateSync(path, Math.floor(sizeBytes / 2));
    expect(openCode(folder.dir)).toBe('database_corrupt');
  });

  it('answers database_corrupt for pages overwritten with garbage', () => {
    const path = journalPath(folder.dir);
    const bytes = readFileSync(path);
    for (let offset = 2 * PAGE_SIZE_BYTES; offset < bytes.length; offset += 3 * PAGE_SIZE_BYTES) bytes.fill(0xa5, offset + 16, offset + PAGE_SIZE_BYTES);
    writeFileSync(path, bytes);
    expect(openCode(folder.dir)).toBe('database_corrupt');
  });

  it('answers database_corrupt for a file that is not a database or not a journal', () => {
    writeFileSync(journalPath(folder.dir), Buffer.from('this is not SQLite at all, just text '.repeat(200)));
    expect(openCode(folder.dir)).toBe('database_corrupt');
    writeFileSync(journalPath(folder.dir), Buffer.alloc(0));
    const foreign = new Database(journalPath(folder.dir));
    foreign.exec('CREATE TABLE t (x INTEGER)');
    foreign.close();
    expect(openCode(folder.dir)).toBe('database_corrupt');
  });

  it('answers schema_unsupported for a journal written by a newer schema', () => {
    tamper(folder.dir, 'PRAGMA user_version = 2');
    expect(openCode(folder.dir)).toBe('schema_unsupported');
  });
});
