/**
 * Test databases. PGlite always; PostgreSQL as well when DATABASE_URL is set
 * (CI), each test file getting a fresh database so files never collide.
 * PGlite is migrated once per migration set and dumped to the temp folder;
 * every later instance loads the dump (~0.5 s instead of migrating).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, MIGRATIONS_FOLDER } from '../../src/db/migrate.js';
import { openDatabase, rawClient, type Database } from '../../src/db/open.js';

export type Backend = 'pglite' | 'postgres';

/** The back ends this run tests: PGlite, plus PostgreSQL when DATABASE_URL is set. */
export function testBackends(): Backend[] {
  return process.env['DATABASE_URL'] === undefined || process.env['DATABASE_URL'] === '' ? ['pglite'] : ['pglite', 'postgres'];
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(MIGRATIONS_FOLDER).sort()) {
    if (name.endsWith('.sql')) hash.update(name).update(readFileSync(join(MIGRATIONS_FOLDER, name)));
  }
  hash.update(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json')));
  return hash.digest('hex').slice(0, 16);
}

async function pgliteTemplate(): Promise<Blob> {
  const path = join(tmpdir(), `onecard-ch-pglite-${migrationsHash()}.tar`);
  if (existsSync(path)) return new Blob([readFileSync(path)]);
  const database = await openDatabase();
  try {
    await migrateDatabase(database);
    const dump = await database.dumpDataDir();
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    renameSync(temporary, path);
    return dump;
  } finally {
    await database.close();
  }
}

/** A test database; for PostgreSQL its `url` names the fresh database (for child processes). */
export async function openTestDatabase(backend: Backend): Promise<Database & { readonly url?: string }> {
  switch (backend) {
    case 'pglite':
      return openDatabase({ loadDataDir: await pgliteTemplate() });
    case 'postgres': {
      const url = process.env['DATABASE_URL'];
      if (url === undefined) throw new Error('DATABASE_URL is not set');
      const name = `onecard_ch_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = rawClient(url, { max: 1 });
      await admin.unsafe(`CREATE DATABASE ${name}`);
      await admin.end();
      const target = new URL(url);
      target.pathname = `/${name}`;
      const database = await openDatabase({ url: target.toString() });
      await migrateDatabase(database);
      return {
        ...database,
        url: target.toString(),
        close: async () => {
          await database.close();
          const dropper = rawClient(url, { max: 1 });
          await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await dropper.end();
        },
      };
    }
  }
}
