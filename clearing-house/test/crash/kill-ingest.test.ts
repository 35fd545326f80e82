/**
 * Crash test: the ingesting process is SIGKILLed at random points (mid
 * transaction or between), restarted, killed again, and finally runs to the
 * end. PostgreSQL rolls back what was in flight; re-sending is idempotent;
 * the end state must be exactly the workload's. PostgreSQL only (a killed
 * in-memory PGlite loses everything by design): skipped without DATABASE_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { openTestDatabase } from '../support/database.js';
import { Random } from '@onecard/keys/testing';
import { runChild } from './run-child.js';
import { expectFinalState, seedWorkload, type CrashWorkload } from './workload-state.js';

const KILL_COUNT = 2;
const KILL_DELAY_MS_MAX = 15;
const hasPostgres = (process.env['DATABASE_URL'] ?? '') !== '';

describe.skipIf(!hasPostgres)('ingest survives the process being killed mid-way (postgres)', () => {
  let database: Database & { readonly url?: string };
  let workload: CrashWorkload;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    dir = mkdtempSync(join(tmpdir(), 'onecard-crash-'));
    file = join(dir, 'uploads.json');
    workload = await seedWorkload(database.db, { file, tapCount: 1500, seed: 7 });
  }, 60_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.close();
  });

  it('ends in exactly the expected state after SIGKILLs at random points', async () => {
    const url = database.url ?? '';
    const random = new Random(5);
    for (let kill = 0; kill < KILL_COUNT; kill += 1) {
      const killAfter = random.int(5, Math.floor(workload.uploadCount / 2));
      const delayMs = random.int(0, KILL_DELAY_MS_MAX);
      const end = await runChild({
        file,
        url,
        onProgress: (done, stop) => {
          if (done === killAfter) setTimeout(stop, delayMs);
        },
      });
      expect(end).toBe('killed');
    }
    expect(await runChild({ file, url })).toBe('finished');
    await expectFinalState(database.db, workload);
  }, 120_000);
});
