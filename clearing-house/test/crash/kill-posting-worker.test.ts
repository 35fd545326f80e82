/**
 * Crash test of deferred posting: the day is ingested deferred (stored and queued, nothing posted),
 * then the posting worker process (src/ledger/posting/worker-process.ts) is SIGKILLed at random
 * rounds, restarted, killed again, and finally drained. A round takes its queue rows and posts them
 * in one transaction, so a killed round rolls back into the queue: the end state must be exactly the
 * workload's. PostgreSQL only (skipped without DATABASE_URL).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Ed25519BulkVerifier } from '@onecard/keys';
import { Random } from '@onecard/keys/testing';
import type { Database } from '../../src/db/open.js';
import { queryRows, toNumber } from '../../src/db/rows.js';
import { ingestBatch } from '../../src/ingest/ingest-batch.js';
import { forkPostingWorker } from '../../src/ledger/posting/worker-fork.js';
import { openTestDatabase } from '../support/database.js';
import { expectFinalState, seedWorkload, type CrashWorkload } from './workload-state.js';

const KILL_COUNT = 3;
const CARDS_PER_ROUND = 20;
const KILL_DELAY_MS_MAX = 10;
const hasPostgres = (process.env['DATABASE_URL'] ?? '') !== '';

describe.skipIf(!hasPostgres)('deferred posting survives its worker process being killed mid-way (postgres)', () => {
  let database: Database & { readonly url?: string };
  let workload: CrashWorkload;
  let dir: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    dir = mkdtempSync(join(tmpdir(), 'onecard-crash-posting-'));
    const file = join(dir, 'uploads.json');
    workload = await seedWorkload(database.db, { file, tapCount: 1500, seed: 11 });
    const uploads = JSON.parse(readFileSync(file, 'utf8')) as { deviceId: number; base64: string }[];
    const context = { database, verifier: new Ed25519BulkVerifier({ cachedKeyCountMax: 100 }), nowMs: () => Date.UTC(2026, 11, 4, 12), posting: 'deferred' as const };
    for (const u of uploads) expect((await ingestBatch(context, { deviceId: u.deviceId, bytes: Uint8Array.from(Buffer.from(u.base64, 'base64')) })).kind).toBe('accepted');
  }, 120_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.close();
  });

  const unposted = async (): Promise<number> => toNumber((await queryRows<Record<string, unknown>>(database.db, sql`SELECT count(*) AS n FROM events WHERE posting_status <> 'posted'`))[0]?.['n']);

  it('ends in exactly the expected state after SIGKILLs at random rounds', async () => {
    const url = database.url ?? '';
    expect(await unposted()).toBe(workload.day.eventCount);
    const random = new Random(13);
    const progress: number[] = [];
    for (let kill = 0; kill < KILL_COUNT; kill += 1) {
      const killAfterRound = random.int(1, 4);
      const delayMs = random.int(0, KILL_DELAY_MS_MAX);
      let rounds = 0;
      let killed: Promise<void> | undefined;
      const worker = forkPostingWorker({
        databaseUrl: url,
        cardsPerRound: CARDS_PER_ROUND,
        onRound: () => {
          rounds += 1;
          if (rounds === killAfterRound) {
            setTimeout(() => {
              killed = worker.kill();
            }, delayMs);
          }
        },
      });
      await new Promise<void>((resolve) => {
        worker.child.once('exit', () => {
          resolve();
        });
      });
      await killed;
      expect(worker.child.signalCode).toBe('SIGKILL');
      progress.push(await unposted());
    }
    // Each life posted something, and something was left for the next one.
    expect(progress.every((n, i) => n > 0 && n < (progress[i - 1] ?? workload.day.eventCount))).toBe(true);
    const last = forkPostingWorker({ databaseUrl: url, cardsPerRound: CARDS_PER_ROUND });
    const ended = await last.drain();
    expect(ended).toMatchObject({ type: 'ended', how: 'drain', stats: { failureCount: 0 } });
    expect(ended.stats.postedEventCount).toBe(progress.at(-1));
    await expectFinalState(database.db, workload);
  }, 120_000);

  it('refuses to start without a PostgreSQL URL', async () => {
    const lines: string[] = [];
    const worker = forkPostingWorker({ databaseUrl: 'memory://', onOutput: (line) => lines.push(line) });
    const code = await new Promise<number | null>((resolve) => {
      worker.child.once('exit', (c) => {
        resolve(c);
      });
    });
    expect(code).toBe(2);
    await expect(worker.started).rejects.toThrow('exited before it started (exit 2)');
    expect(lines.join('\n')).toContain('DATABASE_URL must name a PostgreSQL database');
  }, 30_000);
});
