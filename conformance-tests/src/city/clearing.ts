/**
 * The city's clearing house: PGlite (or PostgreSQL when a URL is given),
 * migrated, with the city's organisations; the Hono API and the dashboard on
 * one @hono/node-server; payments through the Stripe fake (or real Stripe
 * test mode when the environment names its keys); a distribution store in the
 * city's data folder that signs fare feeds with the list-signing key the
 * validators trust, and a clearing admin with a session to publish through
 * the API. Settlement (API and dashboard) prices concessions from the feed
 * that store serves.
 */
import { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { Ed25519BulkVerifier } from '@onecard/keys';
import { eq } from 'drizzle-orm';
import { addListEntries, createApp, createUser, FileDistributionStore, issueSession, migrateDatabase, openDatabase, removeListEntries, schema, type Database, type Executor } from '@onecard/clearing-house';
import { databaseDashboardData, settlementFaresFromStore } from '@onecard/clearing-house/dashboard-data';
import { createDashboardRoutes } from '@onecard/clearing-house/dashboard';
import { openPaymentGateway, type OpenedPaymentGateway } from '@onecard/clearing-house/stripe';
import type { CityKeys } from './key-material.js';
import { listEncoder } from './list-encoding.js';

export const DASHBOARD_BASE_PATH = '/dashboard';
const VERIFIER_CACHED_KEY_COUNT_MAX = 10_000;
/** A key no real list ever holds: published and withdrawn once so each list starts at a version ≥ 1. */
const LIST_SEED_KEY = 'city-list-start';
const LIST_SEED_CARD_NUMBER = '9704000000000018';
const CLEARING_ORGANISATION_ID = 'clearing';
/** The city's clearing admin (a synthetic address: the demo has no real users). */
const CLEARING_ADMIN_EMAIL = 'clearing-admin@city.onecard.test';
const DISTRIBUTION_DIR_NAME = 'distribution';
/** node:http's "no keep-alive timeout" (see the server below). */
const KEEP_ALIVE_TIMEOUT_MS_NONE = 0;

export const CITY_OPERATORS = [
  { id: 'transerco', name: 'Transerco (Hà Nội)' },
  { id: 'bao-yen', name: 'Bảo Yến' },
] as const;
export const CITY_SCHOOL = { id: 'thcs-city', name: 'Trường THCS Thành Phố' } as const;

export interface CityClearingHouse {
  readonly database: Database;
  readonly url: string;
  readonly payments: OpenedPaymentGateway;
  /** What the clearing house signs and serves to devices (the fare feed). */
  readonly distribution: FileDistributionStore;
  /** The clearing admin's bearer token (a session of SESSION_TTL_MS_DEFAULT): in memory only, never printed or logged. */
  readonly adminToken: string;
  close(): Promise<void>;
}

/** The city's clearing admin and a fresh session; the user is made once per database (a kept PostgreSQL database already has it). */
async function clearingAdminToken(db: Executor, nowMs: number): Promise<string> {
  const created = await createUser(db, { email: CLEARING_ADMIN_EMAIL, role: 'clearing_admin', organisationId: CLEARING_ORGANISATION_ID });
  let userId: string | undefined = created.ok ? created.userId : undefined;
  if (!created.ok) {
    if (created.code !== 'email_taken') throw new Error(`the clearing admin cannot be created: ${created.code}`);
    const [existing] = await db.select({ id: schema.users.id, role: schema.users.role }).from(schema.users).where(eq(schema.users.email, CLEARING_ADMIN_EMAIL));
    if (existing?.role !== 'clearing_admin') throw new Error('the clearing admin address belongs to another role');
    userId = existing.id;
  }
  if (userId === undefined) throw new Error('assertion failed: a clearing admin user');
  return (await issueSession(db, { userId, nowMs })).token;
}

export async function openCityClearingHouse(input: {
  readonly keys: CityKeys;
  readonly databaseUrl: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly schoolSiteCode: number;
  /** The city's temp data folder: the distribution store lives in it. */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
}): Promise<CityClearingHouse> {
  const database = await openDatabase(input.databaseUrl === undefined ? {} : { url: input.databaseUrl });
  let server: ServerType | undefined;
  let payments: OpenedPaymentGateway | undefined;
  try {
    await migrateDatabase(database);
    await database.db
      .insert(schema.organisations)
      .values([
        { id: CLEARING_ORGANISATION_ID, kind: 'clearing', name: 'OneCard clearing house' },
        ...CITY_OPERATORS.map((o) => ({ id: o.id, kind: 'operator' as const, name: o.name })),
        { id: CITY_SCHOOL.id, kind: 'school', name: CITY_SCHOOL.name, siteCode: input.schoolSiteCode },
      ])
      .onConflictDoNothing();
    for (const kind of ['deny', 'action'] as const) {
      const added = await addListEntries(database.db, kind, [{ entryKey: LIST_SEED_KEY, cardNumber: LIST_SEED_CARD_NUMBER, payload: {} }]);
      if (added !== null) await removeListEntries(database.db, kind, [LIST_SEED_KEY]);
    }
    // The server listens first (its port is the webhook URL the Stripe fake calls); requests go to the app once it is built.
    const root = new Hono();
    const listening = await new Promise<{ server: ServerType; port: number }>((resolve) => {
      const started = serve({ fetch: (request) => root.fetch(request), hostname: input.host, port: input.port }, (info: AddressInfo) => {
        resolve({ server: started, port: info.port });
      });
      // The city's clients live in this process, and a tap run holds the event loop for seconds: a server-side idle
      // timeout then closes keep-alive sockets the client still holds open (the next upload gets ECONNRESET). So
      // only clients close idle connections (undici after 4 s); close() below closes the idle ones left.
      if (started instanceof HttpServer) started.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS_NONE;
    });
    server = listening.server;
    const url = `http://${input.host}:${listening.port}`;
    payments = await openPaymentGateway(input.env, { webhookUrl: `${url}/v1/webhooks/payments` });
    const nowMs = (): number => Date.now();
    const listSigner = { keyId: input.keys.listSigner.keyId, secretKey: input.keys.listSigner.keyPair.secretKey };
    const adminToken = await clearingAdminToken(database.db, nowMs());
    // Signed with the list-signing key: the key the validators' sync agents verify feeds with (SYNC-PROTOCOL.md "Fare feeds").
    const distribution = await FileDistributionStore.open({ directory: join(input.dataDir, DISTRIBUTION_DIR_NAME), signer: listSigner, nowMs });
    const api = createApp({
      database,
      verifier: new Ed25519BulkVerifier({ cachedKeyCountMax: VERIFIER_CACHED_KEY_COUNT_MAX }),
      trust: input.keys.trust,
      crl: () => input.keys.crl(nowMs()),
      gateway: payments.gateway,
      nowMs,
      encodeList: listEncoder({ signer: listSigner, nowMs }),
      distribution,
    });
    // The demo dashboard is the clearing admin's view, served on the loopback interface only (no login in the embedded city).
    root.route(DASHBOARD_BASE_PATH, createDashboardRoutes(databaseDashboardData(database.db, { fares: settlementFaresFromStore(distribution) }), { viewerOf: () => ({ kind: 'clearing_admin' }), basePath: DASHBOARD_BASE_PATH, nowMs }));
    root.route('/', api);
    const opened = { server, payments };
    return {
      database,
      url,
      payments,
      distribution,
      adminToken,
      close: async () => {
        await opened.payments.close();
        await new Promise<void>((resolve) => {
          opened.server.close(() => {
            resolve();
          });
        });
        await database.close();
      },
    };
  } catch (error: unknown) {
    await payments?.close();
    server?.close();
    await database.close();
    throw error;
  }
}
