/**
 * Crash test: PostgreSQL itself is stopped with `pg_ctl stop -m immediate`
 * (no checkpoint, like a power cut for the database) while a child process
 * ingests, restarted (WAL recovery), and the ingest resumed to the end: the
 * state must be exactly the workload's. Runs a private throw-away cluster
 * on its own port (never the shared one); needs PostgreSQL 15's binaries and
 * runs where DATABASE_URL is set (CI), skipped elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { migrateDatabase } from '../../src/db/migrate.js';
import { openDatabase, type Database } from '../../src/db/open.js';
import { runChild } from './run-child.js';
import { expectFinalState, seedWorkload, type CrashWorkload } from './workload-state.js';

const PG_BIN_DIR = '/usr/lib/postgresql/15/bin';
const PORT_MIN = 56_000;
const PORT_RANGE = 3000;
const STOP_AFTER_UPLOAD_COUNT = 8;
const enabled = (process.env['DATABASE_URL'] ?? '') !== '' && existsSync(join(PG_BIN_DIR, 'initdb'));

function asPostgresUser(command: string): void {
  if (process.getuid?.() === 0) execFileSync('su', ['postgres', '-c', command], { stdio: 'pipe' });
  else execFileSync('sh', ['-c', command], { stdio: 'pipe' });
}

describe.skipIf(!enabled)('ingest survives pg_ctl stop -m immediate (private PostgreSQL 15 cluster)', () => {
  let dir = '';
  let dataDir = '';
  let url = '';
  let file = '';
  let workload: CrashWorkload;
  const port = PORT_MIN + (process.pid % PORT_RANGE);
  const pgCtl = (args: string): void => {
    asPostgresUser(`${PG_BIN_DIR}/pg_ctl -D ${dataDir} ${args}`);
  };
  const start = (): void => {
    pgCtl(`-l ${dir}/pg/log -o "-p ${port} -k ${dir}/pg -c listen_addresses=127.0.0.1" -w start`);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onecard-pgcrash-'));
    chmodSync(dir, 0o755);
    if (process.getuid?.() === 0) execFileSync('install', ['-d', '-o', 'postgres', '-g', 'postgres', join(dir, 'pg')]);
    else execFileSync('mkdir', ['-p', join(dir, 'pg')]);
    dataDir = join(dir, 'pg', 'data');
    asPostgresUser(`${PG_BIN_DIR}/initdb -D ${dataDir} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8`);
    start();
    const admin = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => undefined });
    await admin.unsafe('CREATE DATABASE crash');
    await admin.end();
    url = `postgres://postgres@127.0.0.1:${port}/crash`;
    const database = await openDatabase({ url });
    await migrateDatabase(database);
    file = join(dir, 'uploads.json');
    workload = await seedWorkload(database.db, { file, tapCount: 1500, seed: 13 });
    await database.close();
  }, 90_000);
  afterAll(() => {
    if (dataDir !== '' && existsSync(join(dataDir, 'postmaster.pid'))) pgCtl('-m fast stop');
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('recovers and ends in exactly the expected state', async () => {
    const end = await runChild({
      file,
      url,
      onProgress: (done) => {
        if (done === STOP_AFTER_UPLOAD_COUNT) pgCtl('-m immediate stop');
      },
    });
    expect(end).toBe('database_lost');
    start();
    expect(await runChild({ file, url })).toBe('finished');
    const database: Database = await openDatabase({ url });
    try {
      await expectFinalState(database.db, workload);
    } finally {
      await database.close();
    }
  }, 120_000);
});
