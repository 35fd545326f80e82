/**
 * The city's clearing house: PGlite (or PostgreSQL when a URL is given),
 * migrated, with the city's organisations; the Hono API and the dashboard on
 * one @hono/node-server; payments through the Stripe fake (or real Stripe
 * test mode when the environment names its keys).
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { Ed25519BulkVerifier } from '@onecard/keys';
import { addListEntries, createApp, migrateDatabase, openDatabase, removeListEntries, schema, type Database } from '@onecard/clearing-house';
import { databaseDashboardData } from '@onecard/clearing-house/dashboard-data';
import { createDashboardRoutes } from '@onecard/clearing-house/dashboard';
import { openPaymentGateway, type OpenedPaymentGateway } from '@onecard/clearing-house/stripe';
import type { CityKeys } from './key-material.js';
import { listEncoder } from './list-encoding.js';

export const DASHBOARD_BASE_PATH = '/dashboard';
const VERIFIER_CACHED_KEY_COUNT_MAX = 10_000;
/** A key no real list ever holds: published and withdrawn once so each list starts at a version ≥ 1. */
const LIST_SEED_KEY = 'city-list-start';
const LIST_SEED_CARD_NUMBER = '9704000000000018';

export const CITY_OPERATORS = [
  { id: 'transerco', name: 'Transerco (Hà Nội)' },
  { id: 'bao-yen', name: 'Bảo Yến' },
] as const;
export const CITY_SCHOOL = { id: 'thcs-city', name: 'Trường THCS Thành Phố' } as const;

export interface CityClearingHouse {
  readonly database: Database;
  readonly url: string;
  readonly payments: OpenedPaymentGateway;
  close(): Promise<void>;
}

export async function openCityClearingHouse(input: {
  readonly keys: CityKeys;
  readonly databaseUrl: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly schoolSiteCode: number;
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
        { id: 'clearing', kind: 'clearing', name: 'OneCard clearing house' },
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
    });
    server = listening.server;
    const url = `http://${input.host}:${listening.port}`;
    payments = await openPaymentGateway(input.env, { webhookUrl: `${url}/v1/webhooks/payments` });
    const nowMs = (): number => Date.now();
    const api = createApp({
      database,
      verifier: new Ed25519BulkVerifier({ cachedKeyCountMax: VERIFIER_CACHED_KEY_COUNT_MAX }),
      trust: input.keys.trust,
      crl: () => input.keys.crl(nowMs()),
      gateway: payments.gateway,
      nowMs,
      encodeList: listEncoder({ signer: { keyId: input.keys.listSigner.keyId, secretKey: input.keys.listSigner.keyPair.secretKey }, nowMs }),
    });
    // The demo dashboard is the clearing admin's view, served on the loopback interface only (no login in the embedded city).
    root.route(DASHBOARD_BASE_PATH, createDashboardRoutes(databaseDashboardData(database.db), { viewerOf: () => ({ kind: 'clearing_admin' }), basePath: DASHBOARD_BASE_PATH, nowMs }));
    root.route('/', api);
    const opened = { server, payments };
    return {
      database,
      url,
      payments,
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
