/**
 * kill -9 in the middle of appends: a child process (tsx) appends events in
 * a loop and prints each seq after `append` returned (the moment the display
 * would turn green), cutting a batch now and then; it is SIGKILLed at a
 * random moment. Reopening must find every reported seq, an intact chain and
 * consistent counters, and appends must continue. (SIGKILL tests the process
 * dying; power loss additionally relies on synchronous=FULL fsyncing the WAL
 * at each commit, which this test cannot cut the power on.)
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_READ_EVENT_COUNT_MAX, journalPath, openJournal } from '../src/journal/index.js';
import { FIXTURE_DEVICE_ID, fareEntry, fixtureSigner, tempDir } from '../src/journal/journal.fixtures.js';

const ROUND_COUNT = 4;
const KILL_AFTER_MS_MIN = 20;
const KILL_AFTER_MS_MAX = 400;
const CUT_EVERY_EVENT_COUNT = 23;
const TEST_TIMEOUT_MS = 60_000;
const TORN_EVENT_COUNT = 60;
/** SQLite WAL file header (sqlite.org/fileformat.html §4.1). */
const WAL_HEADER_BYTES = 32;
/** node itself runs the child (through tsx's loader), so SIGKILL hits the process that writes. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const JOURNAL_INDEX = fileURLToPath(new URL('../src/journal/index.ts', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../src/journal/journal.fixtures.ts', import.meta.url));

const CHILD_SOURCE = `
import { openJournal } from ${JSON.stringify(JOURNAL_INDEX)};
import { fareEntry, fixtureSigner } from ${JSON.stringify(FIXTURES)};
const journal = openJournal({ dir: process.argv[2], deviceId: ${FIXTURE_DEVICE_ID}, signer: fixtureSigner() });
let index = journal.status().lastSeq;
process.stdout.write('ready\\n');
for (;;) {
  const event = journal.append(fareEntry(index, { actionId: 'act-' + index }));
  index += 1;
  process.stdout.write(event.seq + '\\n');
  if (event.seq % ${CUT_EVERY_EVENT_COUNT} === 0) journal.cutBatches({ eventCountPerBatchMax: 10 });
}
`;

/** Runs the child until killed; answers the seqs it reported as durable. */
function runAndKill(input: { readonly childPath: string; readonly dir: string; readonly killAfterMs: number }): Promise<{ readonly seqs: number[]; readonly signal: string | null; readonly stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', input.childPath, input.dir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const seqs: number[] = [];
    let pending = '';
    let stderr = '';
    let armed = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') continue;
        seqs.push(Number(line));
        // Armed at the first durable seq, so every round kills a child that is writing.
        if (!armed) {
          armed = true;
          setTimeout(() => {
            child.kill('SIGKILL');
          }, input.killAfterMs);
        }
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      resolve({ seqs, signal, stderr });
    });
  });
}

describe('journal under kill -9', () => {
  let folder: ReturnType<typeof tempDir>;
  beforeAll(() => {
    folder = tempDir('journal-crash');
  });
  afterAll(() => {
    folder.remove();
  });

  it(
    'loses no acknowledged event, keeps the chain intact and continues after each kill',
    async () => {
      const childPath = join(folder.dir, 'append-loop.mts');
      writeFileSync(childPath, CHILD_SOURCE);
      const dir = join(folder.dir, 'journal');
      let reportedTotal = 0;
      for (let round = 0; round < ROUND_COUNT; round += 1) {
        const killAfterMs = randomInt(KILL_AFTER_MS_MIN, KILL_AFTER_MS_MAX);
        const run = await runAndKill({ childPath, dir, killAfterMs });
        expect(run.signal, `round ${round}: ${run.stderr}`).toBe('SIGKILL');
        expect(run.seqs.length, `round ${round} (kill after ${killAfterMs} ms) reported nothing`).toBeGreaterThan(0);
        reportedTotal += run.seqs.length;
        const journal = openJournal({ dir, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
        try {
          const status = journal.status();
          const reportedMax = Math.max(...run.seqs);
          expect(status.state, `round ${round}`).toBe('ok');
          // Every reported seq is there; at most the one in flight at the kill is there unreported.
          expect(status.lastSeq).toBeGreaterThanOrEqual(reportedMax);
          expect(status.lastSeq).toBeLessThanOrEqual(reportedMax + 1);
          const stored = new Set<number>();
          for (let fromSeq = 1; fromSeq <= status.lastSeq; fromSeq += JOURNAL_READ_EVENT_COUNT_MAX) {
            for (const event of journal.readEvents({ fromSeq, limit: JOURNAL_READ_EVENT_COUNT_MAX })) stored.add(event.seq);
          }
          expect(run.seqs.filter((seq) => !stored.has(seq))).toEqual([]);
          expect(journal.isActionApplied(`act-${reportedMax - 1}`)).toBe(true);
          expect(journal.verify(), `round ${round} (kill after ${killAfterMs} ms)`).toMatchObject({ ok: true, lastSeq: status.lastSeq });
          const next = journal.append(fareEntry(status.lastSeq + 1));
          expect(next.seq).toBe(status.lastSeq + 1);
          const batches = journal.cutBatches();
          expect(batches.every((batch, index) => batch.batchSeq === status.lastBatchSeq + 1 + index)).toBe(true);
        } finally {
          journal.close();
        }
      }
      expect(reportedTotal).toBeGreaterThan(ROUND_COUNT);
    },
    TEST_TIMEOUT_MS,
  );

  it('recovers a torn write-ahead log (power lost mid-commit) to the last whole commit, with an intact chain', () => {
    const live = join(folder.dir, 'torn-live');
    const journal = openJournal({ dir: live, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
    try {
      for (let index = 0; index < TORN_EVENT_COUNT; index += 1) journal.append(fareEntry(index));
      // Snapshot the files of the open journal, as the disk holds them at the moment power goes.
      const walBytes = readFileSync(`${journalPath(live)}-wal`);
      expect(walBytes.length).toBeGreaterThan(WAL_HEADER_BYTES);
      for (const cutBytes of [walBytes.length - 1, Math.floor(walBytes.length * 0.7), Math.floor(walBytes.length * 0.3)]) {
        const copy = join(folder.dir, `torn-${cutBytes}`);
        mkdirSync(copy);
        copyFileSync(journalPath(live), journalPath(copy));
        writeFileSync(`${journalPath(copy)}-wal`, walBytes.subarray(0, cutBytes));
        const recovered = openJournal({ dir: copy, deviceId: FIXTURE_DEVICE_ID, signer: fixtureSigner() });
        try {
          const status = recovered.status();
          expect(status.state).toBe('ok');
          expect(status.lastSeq).toBeLessThan(TORN_EVENT_COUNT);
          expect(recovered.verify()).toMatchObject({ ok: true, lastSeq: status.lastSeq });
          expect(recovered.append(fareEntry(status.lastSeq)).seq).toBe(status.lastSeq + 1);
        } finally {
          recovered.close();
        }
      }
    } finally {
      journal.close();
    }
  });
});
