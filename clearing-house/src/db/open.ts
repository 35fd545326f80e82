/**
 * Opens the clearing-house database: PostgreSQL through postgres.js when a
 * URL is given, else an embedded PGlite (in memory, or a data directory, or a
 * dumped data dir to start from). Same schema, same migrations, same code.
 */
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** A database or a transaction on it: every query function takes one. */
export type Executor = PgDatabase<PgQueryResultHKT, Schema>;

export const POOL_CONNECTION_COUNT_MAX = 10;
export const CONNECT_TIMEOUT_S = 10;

export interface Database {
  readonly db: Executor;
  readonly driver: 'postgres' | 'pglite';
  /** Connections that can run transactions at the same time (1 for PGlite). */
  readonly connectionCountMax: number;
  close(): Promise<void>;
  /** PGlite only: the data directory as a tarball, to start other instances from (tests). */
  dumpDataDir(): Promise<Blob>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; absent = embedded PGlite. */
  readonly url?: string;
  /** PGlite: a data directory on disk (absent = in memory). */
  readonly dataDir?: string;
  /** PGlite: start from a dump made by dumpDataDir(). */
  readonly loadDataDir?: Blob;
  readonly connectionCountMax?: number;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url !== undefined) {
    const connectionCountMax = options.connectionCountMax ?? POOL_CONNECTION_COUNT_MAX;
    const client = postgres(options.url, { max: connectionCountMax, connect_timeout: CONNECT_TIMEOUT_S, onnotice: () => undefined });
    const db = drizzlePostgres({ client, schema }) as unknown as Executor;
    return {
      db,
      driver: 'postgres',
      connectionCountMax,
      close: () => client.end(),
      dumpDataDir: () => Promise.reject(new Error('dumpDataDir is for PGlite only')),
    };
  }
  const client = await PGlite.create({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
  });
  const db = drizzlePglite({ client, schema }) as unknown as Executor;
  return {
    db,
    driver: 'pglite',
    connectionCountMax: 1,
    close: () => client.close(),
    dumpDataDir: async () => {
      const dump = await client.dumpDataDir('none');
      return dump;
    },
  };
}
