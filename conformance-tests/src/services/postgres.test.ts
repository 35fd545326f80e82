/** Smoke test of the PostgreSQL the back office runs on in production and CI. */
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';

const POSTGRES_MAJOR_VERSION = 15;
const CONNECT_TIMEOUT_S = 10;
const TEST_TIMEOUT_MS = 20_000;

const databaseUrl = process.env['DATABASE_URL'];

// Needs a running PostgreSQL 15: scripts/services/services.sh start sets DATABASE_URL in `env`.
// Without it the suites use PGlite, which embeds a newer PostgreSQL (see notes/backoffice-stack.md).
describe.skipIf(databaseUrl === undefined)('PostgreSQL smoke', () => {
  it(`is PostgreSQL ${POSTGRES_MAJOR_VERSION} and takes a write`, async () => {
    const sql = postgres(databaseUrl ?? '', { max: 1, connect_timeout: CONNECT_TIMEOUT_S, onnotice: () => undefined });
    try {
      const [version] = await sql<{ versionNum: number }[]>`
        SELECT current_setting('server_version_num')::int AS "versionNum"`;
      expect(Math.floor((version?.versionNum ?? 0) / 10_000)).toBe(POSTGRES_MAJOR_VERSION);
      const rows = await sql.begin(async (tx) => {
        await tx`CREATE TEMP TABLE smoke (id int PRIMARY KEY, label text NOT NULL)`;
        await tx`INSERT INTO smoke VALUES (1, 'Xe buýt 32 — Cầu Giấy')`;
        return tx<{ label: string }[]>`SELECT label FROM smoke WHERE id = 1`;
      });
      expect(rows[0]?.label).toBe('Xe buýt 32 — Cầu Giấy');
    } finally {
      await sql.end();
    }
  }, TEST_TIMEOUT_MS);
});
