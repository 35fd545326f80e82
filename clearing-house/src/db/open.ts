/**
 * Opens the clearing-house database: PostgreSQL through postgres.js when a
 * URL is given, else an embedded PGlite (in memory, or a data directory, or a
 * dumped data dir to start from). Same schema, same migrations, same code.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
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

const MS_PER_S = 1000;

/** What postgres.js hands a custom socket factory (its parsed options; the factory is not in its type declarations). */
interface SocketTarget {
  readonly host: readonly string[];
  readonly port: readonly number[];
  readonly path?: string | false;
}

/**
 * postgres.js opens its sockets with Nagle's algorithm on. A COPY ends with a
 * small CopyDone message written after the data: Nagle holds it until the
 * server ACKs the data, and the server delays that ACK — about 40 ms per COPY
 * (measured: 45 ms → 1.6 ms for 500 rows). Pipelined small queries can stall
 * the same way. So connect with TCP_NODELAY (first host only: a multi-host
 * URL loses postgres.js's own failover; a Unix socket path is used as is).
 */
async function connectNoDelay(target: SocketTarget): Promise<Socket> {
  const host = target.host[0];
  const port = target.port[0];
  const socket = typeof target.path === 'string' && target.path.length > 0 ? connect({ path: target.path }) : connect({ host: host ?? 'localhost', port: port ?? 5432, noDelay: true });
  const timer = setTimeout(() => socket.destroy(new Error('database connect timeout')), CONNECT_TIMEOUT_S * MS_PER_S);
  try {
    await once(socket, 'connect');
  } finally {
    clearTimeout(timer);
  }
  return socket;
}

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

/**
 * libpq's Unix-socket form, `postgres://user@localhost:5432/db?host=/run/postgresql` (a `host` query
 * parameter that is a directory), which postgres.js does not read from a URL: answers the URL without
 * it and the directory to pass as postgres.js's `host`. On one machine a Unix socket spares the
 * loopback TCP stack, which a COPY's writes otherwise pay in the kernel (measured in the bench).
 */
export function unixSocketOf(url: string): { readonly url: string; readonly socketDirectory: string | undefined } {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const directory = parsed?.searchParams.get('host') ?? null;
  if (parsed === undefined || directory === null || !directory.startsWith('/')) return { url, socketDirectory: undefined };
  parsed.searchParams.delete('host');
  return { url: parsed.toString(), socketDirectory: directory };
}

/** A bare postgres.js client on `url` the way openDatabase connects (Unix socket form, TCP_NODELAY): for admin statements, benches and tests. */
export function rawClient(url: string, options: { readonly max: number }): postgres.Sql {
  const target = unixSocketOf(url);
  // A variable, not a literal: `socket` is a postgres.js option its type declarations leave out.
  const clientOptions = { max: options.max, connect_timeout: CONNECT_TIMEOUT_S, onnotice: () => undefined, socket: connectNoDelay, ...(target.socketDirectory === undefined ? {} : { host: target.socketDirectory }) };
  return postgres(target.url, clientOptions);
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url !== undefined) {
    const connectionCountMax = options.connectionCountMax ?? POOL_CONNECTION_COUNT_MAX;
    const client = rawClient(options.url, { max: connectionCountMax });
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
