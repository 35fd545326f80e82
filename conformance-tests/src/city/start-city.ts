/**
 * startCity: the whole system in one process on its embedded defaults —
 * emulated cards personalised by the profile, bus validators on Hanoi routes
 * and a school gate running the real tap pipeline with real journals, the
 * clearing house on PGlite (or PostgreSQL) behind its HTTP API with the
 * dashboard, the sync agents uploading over HTTP, and top-ups paid through
 * the Stripe fake (or Stripe test mode). The Hanoi fare feed travels as in
 * production: the clearing admin uploads the feed folder through the API, the
 * clearing house signs and serves it, each bus validator prices taps with the
 * feed its sync agent downloaded and verified, and settlement prices
 * concessions from that published feed.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DesfireClient } from '@onecard/card-os';
import { inspectCard } from '@onecard/card-os/profile';
import { accountBalances, purseAccount, registerCards, registerDevice } from '@onecard/clearing-house';
import { Random } from '@onecard/keys/testing';
import type { TapOutcome } from '@onecard/validator';
import { personaliseCityCard, type CityCard } from './cards.js';
import { hanoiDayOf, realClock, serviceDayStartMs, simulatedClock, type CityClock } from './city-clock.js';
import { CITY_OPERATORS, CITY_SCHOOL, DASHBOARD_BASE_PATH, openCityClearingHouse, type CityClearingHouse } from './clearing.js';
import { openCityValidator, UploadLog, type CityValidator } from './devices.js';
import { checkFeedLoads, publishFareFeed, readFeedFolder, type PublishedFareFeed } from './fare-feed.js';
import { ADULT_OPENING_BALANCE_VND, CITY_SCHOOL_CODE, PUPIL_CANTEEN_BALANCE_VND, PUPIL_OPENING_BALANCE_VND, type RiderKind } from './holders.js';
import { createCityKeys, type CityKeys } from './key-material.js';
import { CITY_CARD_COUNT_MAX, CITY_PROGRESS_STEP_COUNT, CITY_SERVICE_DAY_SPAN_MS, CITY_TAP_COUNT_PER_CALL_MAX, CITY_VALIDATOR_COUNT_MAX } from './limits.js';
import { addToTally, classifiedExceptions, emptyTally, ingestState, ledgerFaresByOperator, type CitySummary, type TapTally } from './summary.js';
import { syncDevices, type SyncReport } from './sync-all.js';
import { runTopUp, type TopUpReport } from './top-up.js';

export const HANOI_FEED_DIR = fileURLToPath(new URL('../../../validator/feeds/hanoi/', import.meta.url));
const BUS_DEVICE_ID_BASE = 1_001;
const SCHOOL_GATE_DEVICE_ID = 2_001;
/** One pupil tap in this many goes to the school gate. */
const PUPIL_GATE_TAP_EVERY = 3;
/** Taps of one run are at least this far apart on the simulated clock. */
const CITY_TAP_STEP_MS_MIN = 100;
/** A tap asked for by name (`tapCard`) comes this long after the one before (simulated clock). */
const CITY_SINGLE_TAP_STEP_MS = 5 * 60_000;

export interface CityProgress {
  readonly phase: 'keys' | 'clearing-house' | 'devices' | 'cards' | 'taps' | 'sync';
  readonly done: number;
  readonly total: number;
}

export interface CityOptions {
  readonly busValidatorCount: number;
  readonly cardCount: number;
  /** `simulated`: a service day compressed into the run (tests, bench); `real`: the wall clock (npm start). */
  readonly clock: 'simulated' | 'real';
  /** PostgreSQL; PGlite (embedded) when absent. */
  readonly databaseUrl?: string;
  /** STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET: real Stripe test mode; neither: the local fake. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly seed?: number;
  readonly onProgress?: (progress: CityProgress) => void;
  readonly onOutcome?: (outcome: TapOutcome, validator: CityValidator) => void;
  /** Keep a copy of every uploaded batch (`City.uploadLog`), to re-send them. */
  readonly keepUploads?: boolean;
}

export interface CardBalance {
  readonly cardNumber: string;
  readonly kind: RiderKind;
  /** What the card's transit purse holds, read from the card. */
  readonly cardVnd: number;
  /** The clearing house's shadow purse (ledger balance). */
  readonly shadowVnd: number;
}

export interface City {
  readonly clearingHouseUrl: string;
  readonly dashboardUrl: string;
  readonly stripe: { readonly mode: 'fake' | 'stripe'; readonly url: string | undefined };
  readonly cards: readonly CityCard[];
  readonly validators: readonly CityValidator[];
  readonly clearing: CityClearingHouse;
  /** The Hanoi feed as the clearing admin published it at start (the version the bus validators downloaded). */
  readonly fareFeed: PublishedFareFeed;
  /** Every uploaded batch, when `keepUploads` was asked for. */
  readonly uploadLog: UploadLog | undefined;
  /** Taps spread over the validators; the simulated clock moves `stepMs` per tap (default: the run ends about now). */
  runTaps(input: { readonly count: number; readonly stepMs?: number }): Promise<TapTally>;
  /** One tap of one card on one validator (the simulated clock moves 5 minutes first). */
  tapCard(card: CityCard, validator: CityValidator): Promise<TapOutcome>;
  /** Every device uploads until its queue is empty and downloads the lists. */
  syncAll(): Promise<SyncReport>;
  topUp(input: { readonly card: CityCard; readonly amountVnd: number; readonly idempotencyKey: string }): Promise<TopUpReport>;
  summary(): Promise<CitySummary>;
  cardBalances(): Promise<CardBalance[]>;
  close(): Promise<void>;
}

function openingBalanceOf(kind: RiderKind): number {
  switch (kind) {
    case 'adult':
      return ADULT_OPENING_BALANCE_VND;
    case 'pupil':
      return PUPIL_OPENING_BALANCE_VND;
    case 'elderly':
    case 'monthly-pass':
      return 0;
  }
}

export function cardReferenceOf(cardNumber: string): string {
  return `card-${createHash('sha256').update(cardNumber, 'utf8').digest('hex').slice(0, 16)}`;
}

export async function startCity(options: CityOptions): Promise<City> {
  if (!Number.isInteger(options.busValidatorCount) || options.busValidatorCount < 1 || options.busValidatorCount + 1 > CITY_VALIDATOR_COUNT_MAX) throw new RangeError(`busValidatorCount must be 1..${CITY_VALIDATOR_COUNT_MAX - 1}`);
  if (!Number.isInteger(options.cardCount) || options.cardCount < 1 || options.cardCount > CITY_CARD_COUNT_MAX) throw new RangeError(`cardCount must be 1..${CITY_CARD_COUNT_MAX}`);
  const progress = options.onProgress ?? (() => undefined);
  const startedAtMs = Date.now();
  const clock: CityClock = options.clock === 'real' ? realClock() : simulatedClock(serviceDayStartMs({ nowMs: startedAtMs, spanMs: CITY_SERVICE_DAY_SPAN_MS }));
  const dataDir = mkdtempSync(join(tmpdir(), 'onecard-city-'));
  const random = new Random(options.seed ?? 1);
  const closers: (() => Promise<void> | void)[] = [() => { rmSync(dataDir, { recursive: true, force: true }); }];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close();
  };
  try {
    progress({ phase: 'keys', done: 0, total: 1 });
    const keys: CityKeys = await createCityKeys({ nowMs: startedAtMs });
    closers.push(() => { keys.close(); });
    // The clearing admin's copy of the feed: read from the folder and checked to load before it is uploaded.
    const feedFiles = await readFeedFolder(HANOI_FEED_DIR);
    const routeIds = checkFeedLoads(feedFiles);
    progress({ phase: 'clearing-house', done: 0, total: 1 });
    const clearing = await openCityClearingHouse({ keys, databaseUrl: options.databaseUrl, env: options.env ?? {}, schoolSiteCode: CITY_SCHOOL_CODE, dataDir, host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
    closers.push(() => clearing.close());
    const { db } = clearing.database;
    const fareFeed = await publishFareFeed({ baseUrl: clearing.url, adminToken: clearing.adminToken, files: feedFiles });

    const specs = [
      ...Array.from({ length: options.busValidatorCount }, (_, i) => ({
        kind: 'bus' as const,
        deviceId: BUS_DEVICE_ID_BASE + i,
        operatorId: CITY_OPERATORS[i % CITY_OPERATORS.length]?.id ?? 'transerco',
        routeId: routeIds[i % routeIds.length],
        role: i === 0 ? ('bus-validator-autoload' as const) : ('bus-validator' as const),
      })),
      { kind: 'school-gate' as const, deviceId: SCHOOL_GATE_DEVICE_ID, operatorId: CITY_SCHOOL.id, routeId: undefined, role: 'school-gate' as const },
    ];
    const validators: CityValidator[] = [];
    const uploadLog = options.keepUploads === true ? new UploadLog() : undefined;
    for (const spec of specs) {
      const credentials = keys.certifyDevice(spec.deviceId, Date.now());
      const registered = await registerDevice(db, { certificatePem: credentials.certificatePem, journalKeyId: credentials.journalKeyId, organisationId: spec.kind === 'bus' ? spec.operatorId : CITY_SCHOOL.id, trust: keys.trust, crl: keys.crl(Date.now()), nowMs: Date.now() });
      if (!registered.ok) throw new Error(`device ${spec.deviceId} registration refused: ${registered.code}`);
      const validator = await openCityValidator({
        kind: spec.kind,
        credentials,
        keys: await keys.deviceKeys(spec.role, spec.deviceId),
        organisationId: spec.operatorId,
        routeId: spec.routeId,
        schoolCode: CITY_SCHOOL_CODE,
        dataDir,
        baseUrl: clearing.url,
        listKey: { keyId: keys.listSigner.keyId, publicKey: keys.listSigner.keyPair.publicKey },
        clock: () => clock.now(),
        ...(uploadLog === undefined ? {} : { uploadLog }),
        ...(options.onOutcome === undefined ? {} : { onOutcome: (outcome: TapOutcome) => { options.onOutcome?.(outcome, validator); } }),
      });
      validators.push(validator);
      closers.push(() => { validator.close(); });
      progress({ phase: 'devices', done: validators.length, total: specs.length });
    }

    const cards: CityCard[] = [];
    const serviceDay = hanoiDayOf(clock.now());
    const issuedAt = new Date(startedAtMs - 2 * CITY_SERVICE_DAY_SPAN_MS);
    for (let index = 0; index < options.cardCount; index++) {
      cards.push(await personaliseCityCard({ index, issuer: keys.issuer, serviceDay, issuedAt }));
      if ((index + 1) % CITY_PROGRESS_STEP_COUNT === 0 || index + 1 === options.cardCount) progress({ phase: 'cards', done: index + 1, total: options.cardCount });
    }
    const registeredCards = await registerCards(
      db,
      cards.map((card) => ({
        cardNumber: card.cardNumber,
        organisationId: card.kind === 'pupil' ? CITY_SCHOOL.id : null,
        // What personalisation put on the card: the clearing house's shadow purses start there.
        openingBalancesVnd: { transit: openingBalanceOf(card.kind), canteen: card.kind === 'pupil' ? PUPIL_CANTEEN_BALANCE_VND : 0 },
        issuedAt,
      })),
    );
    if (!registeredCards.ok) throw new Error(`card registration refused: ${registeredCards.code}`);
    const openingByReference = new Map(cards.map((card) => [cardReferenceOf(card.cardNumber), openingBalanceOf(card.kind)]));

    const buses = validators.filter((v) => v.kind === 'bus');
    const gate = validators.find((v) => v.kind === 'school-gate');
    const tally = emptyTally();
    let tapCount = 0;
    const tapCard = async (card: CityCard, validator: CityValidator, stepMs = CITY_SINGLE_TAP_STEP_MS): Promise<TapOutcome> => {
      clock.advanceMs(stepMs);
      const outcome = await validator.tap({ channel: card.tap(), uid: card.uid });
      addToTally(tally, outcome);
      return outcome;
    };
    // Cards take turns in a fixed shuffled order, so one card's taps are spread across the run.
    const order = random.shuffle(cards.map((_, i) => i));
    const pupilTaps = new Map<number, number>();
    const pick = (card: CityCard): CityValidator => {
      if (card.kind === 'pupil' && gate !== undefined) {
        const n = (pupilTaps.get(card.index) ?? 0) + 1;
        pupilTaps.set(card.index, n);
        if (n % PUPIL_GATE_TAP_EVERY === 1) return gate;
      }
      return random.pick(buses);
    };

    return {
      clearingHouseUrl: clearing.url,
      dashboardUrl: `${clearing.url}${DASHBOARD_BASE_PATH}`,
      stripe: { mode: clearing.payments.mode, url: clearing.payments.fake?.url },
      cards,
      validators,
      clearing,
      fareFeed,
      uploadLog,
      tapCard,
      runTaps: async (input) => {
        if (!Number.isInteger(input.count) || input.count < 0 || input.count > CITY_TAP_COUNT_PER_CALL_MAX) throw new RangeError(`count must be 0..${CITY_TAP_COUNT_PER_CALL_MAX}`);
        // By default the run spreads its taps from the clock's instant up to now.
        const stepMs = input.stepMs ?? Math.max(CITY_TAP_STEP_MS_MIN, Math.floor((Date.now() - clock.nowMs()) / Math.max(1, input.count)));
        const run = emptyTally();
        for (let i = 0; i < input.count; i++) {
          const card = cards[order[tapCount % order.length] ?? 0];
          if (card === undefined) throw new Error('assertion failed: a card to tap');
          tapCount += 1;
          addToTally(run, await tapCard(card, pick(card), stepMs));
          if ((i + 1) % CITY_PROGRESS_STEP_COUNT === 0 || i + 1 === input.count) progress({ phase: 'taps', done: i + 1, total: input.count });
        }
        return run;
      },
      syncAll: () => syncDevices(validators, { onProgress: (done, total) => { progress({ phase: 'sync', done, total }); } }),
      topUp: async (input) => {
        const autoloader = buses.find((v) => v.canAutoload);
        if (autoloader === undefined) throw new Error('assertion failed: the city has an autoload validator');
        return runTopUp({ city: { clearingHouseUrl: clearing.url, payments: clearing.payments, validators, autoloader, tapCard, db }, ...input });
      },
      summary: async () => ({
        taps: tally,
        ledgerFaresVnd: await ledgerFaresByOperator(db),
        ingest: await ingestState(db),
        exceptions: await classifiedExceptions(db, (reference) => openingByReference.get(reference)),
      }),
      cardBalances: async () => {
        const shadows = await accountBalances(db, cards.map((card) => purseAccount(card.cardNumber, 'transit').id));
        const out: CardBalance[] = [];
        for (const card of cards) {
          const inspection = await inspectCard(new DesfireClient(card.tap()), keys.issuer);
          if (!inspection.ok || !inspection.value.transit.tap.ok) throw new Error('assertion failed: a city card reads back');
          out.push({ cardNumber: card.cardNumber, kind: card.kind, cardVnd: inspection.value.transit.tap.value.balanceVnd, shadowVnd: shadows.get(purseAccount(card.cardNumber, 'transit').id)?.balanceVnd ?? 0 });
        }
        return out;
      },
      close: closeAll,
    };
  } catch (error: unknown) {
    await closeAll();
    throw error;
  }
}
