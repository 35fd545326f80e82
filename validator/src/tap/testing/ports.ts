/**
 * Small in-memory implementations of the validator ports (ports.ts) for the
 * tap and mode tests, until the real ones (src/fares, src/lists,
 * src/journal) land. Each is real enough to fail a test: the journal
 * validates every event against the shared schema and hash-chains it, the
 * fare engine applies passes, free categories, transfers and a daily cap.
 *
 * Switching the tests to the real implementations is one line:
 * `testPorts()` below builds all of them.
 */
import { journalEventBodySchema, sealEvent, GENESIS_HASH_HEX, type JournalEvent, type ProfileApplication, type TransitFareState } from '@onecard/card-os/profile';
import type { ActionListView, BusTapContext, CardAction, CardFareView, DenyListView, DenyReason, EventJournal, FareDecision, FareEngine, JournalEntry } from '../../ports.js';
import { vietnamCivilDate } from '../../fares/local-time.js';

export class MemoryJournal implements EventJournal {
  readonly events: JournalEvent[] = [];
  readonly #deviceId: number;

  constructor(options: { deviceId: number }) {
    this.#deviceId = options.deviceId;
  }

  append(entry: JournalEntry): JournalEvent {
    const body = journalEventBodySchema.parse({ v: 1, deviceId: this.#deviceId, seq: this.events.length + 1, ...entry });
    const event = sealEvent(this.events.at(-1)?.hash ?? GENESIS_HASH_HEX, body);
    this.events.push(event);
    return event;
  }

  lastEventFor(cardNumber: string, application: ProfileApplication): JournalEvent | undefined {
    return this.events.findLast((e) => e.cardNumber === cardNumber && e.application === application);
  }

  isActionApplied(actionId: string): boolean {
    return this.events.some((e) => e.actionId === actionId);
  }
}

/**
 * Any EventJournal, with a switch that makes an append fail as if the
 * validator died between the card commit and the journal write, and a way
 * for tests to list what was appended.
 */
export class CrashableJournal implements EventJournal {
  readonly #inner: EventJournal;
  readonly #readAll: () => readonly JournalEvent[];
  /** Set to make an append throw (a validator killed between the commit and the journal). */
  failNextAppend = false;
  /** Appends to let through before the failing one: 1 fails the second append from now. */
  appendsBeforeFailure = 0;

  constructor(inner: EventJournal, options: { readAll: () => readonly JournalEvent[] }) {
    this.#inner = inner;
    this.#readAll = options.readAll;
  }

  get events(): readonly JournalEvent[] {
    return this.#readAll();
  }

  append(entry: JournalEntry): JournalEvent {
    if (this.failNextAppend && this.appendsBeforeFailure > 0) {
      this.appendsBeforeFailure -= 1;
    } else if (this.failNextAppend) {
      this.failNextAppend = false;
      throw new Error('simulated crash before the journal write');
    }
    return this.#inner.append(entry);
  }

  lastEventFor(cardNumber: string, application: ProfileApplication): JournalEvent | undefined {
    return this.#inner.lastEventFor(cardNumber, application);
  }

  isActionApplied(actionId: string): boolean {
    return this.#inner.isActionApplied(actionId);
  }
}

export class MemoryDenyList implements DenyListView {
  readonly version = 1;
  readonly #entries = new Map<string, DenyReason>();

  deny(cardNumber: string, reason: DenyReason): void {
    this.#entries.set(cardNumber, reason);
  }

  lookup(cardNumber: string): DenyReason | undefined {
    return this.#entries.get(cardNumber);
  }
}

/** An action with its per-card sequence number (see modes/autoload-plan.ts actionSeqOf). */
export type SequencedAction = CardAction & { readonly seq: number };

export class MemoryActionList implements ActionListView {
  readonly version = 1;
  readonly #byCard = new Map<string, SequencedAction[]>();

  add(cardNumber: string, action: SequencedAction): void {
    this.#byCard.set(cardNumber, [...(this.#byCard.get(cardNumber) ?? []), action]);
  }

  pendingFor(cardNumber: string): readonly CardAction[] {
    return this.#byCard.get(cardNumber) ?? [];
  }
}

export const TEST_FLAT_FARE_VND = 8_000;
export const TEST_TRANSFER_WINDOW_MS = 60 * 60 * 1000;
export const TEST_DAILY_CAP_VND = 24_000;
const FREE_CATEGORIES = new Set(['elderly-60-plus', 'child-under-6', 'disabled', 'veteran']);

/** A flat-fare engine with the rules the tests need; the real one is src/fares (GTFS-Fares v2). */
export class TestFareEngine implements FareEngine {
  readonly #routes: ReadonlyMap<string, number>;

  constructor(options: { routes: ReadonlyMap<string, number> }) {
    this.#routes = options.routes;
  }

  decideBusTap(card: CardFareView, context: BusTapContext): FareDecision {
    const routeCode = this.#routes.get(context.routeId);
    const rider = card.entitlements.fareCategory;
    if (routeCode === undefined) return { ok: false, reason: 'route_unknown', riderCategoryId: rider };
    const today = vietnamCivilDate(context.at);
    const categoryValid = card.entitlements.fareCategoryValidFrom <= today && today <= card.entitlements.fareCategoryValidUntil;
    const state = card.fareState;
    const sameDay = state.capDay === today;
    const capDaySpentVnd = sameDay ? state.capDaySpentVnd : 0;
    const next = (amountVnd: number, journey: 'new' | 'continue'): TransitFareState => ({
      ...state,
      journeyStartedAt: journey === 'new' ? context.at : state.journeyStartedAt,
      transfersUsed: journey === 'new' ? 0 : state.transfersUsed + 1,
      lastTapAt: context.at,
      lastRouteId: routeCode,
      capDay: today,
      capDaySpentVnd: capDaySpentVnd + amountVnd,
      capMonth: today.slice(0, 7),
      capMonthSpentVnd: (state.capMonth === today.slice(0, 7) ? state.capMonthSpentVnd : 0) + amountVnd,
    });
    const base = { riderCategoryId: rider, routeCode, contractSlot: undefined };
    if (FREE_CATEGORIES.has(rider)) {
      if (!categoryValid) return { ok: false, reason: 'category_expired', riderCategoryId: rider };
      return { ok: true, outcome: 'free-ride', amountVnd: 0, fareProductId: 'free', nextFareState: next(0, 'new'), ...base };
    }
    const slot = card.entitlements.contracts.findIndex((c) => c.validFrom <= today && today <= c.validUntil && (c.routeId === 0 || c.routeId === routeCode));
    if (slot >= 0) return { ok: true, outcome: 'pass-use', amountVnd: 0, fareProductId: 'monthly-pass', nextFareState: next(0, 'new'), ...base, contractSlot: slot };
    const started = state.journeyStartedAt;
    if (started !== undefined && context.at.getTime() - started.getTime() <= TEST_TRANSFER_WINDOW_MS && state.transfersUsed < 1 && state.lastRouteId !== routeCode) {
      return { ok: true, outcome: 'transfer', amountVnd: 0, fareProductId: 'transfer', nextFareState: next(0, 'continue'), ...base };
    }
    const amountVnd = Math.min(TEST_FLAT_FARE_VND, TEST_DAILY_CAP_VND - capDaySpentVnd);
    if (amountVnd <= 0) return { ok: true, outcome: 'capped', amountVnd: 0, fareProductId: 'daily-cap', nextFareState: next(0, 'new'), ...base };
    if (card.balanceVnd < amountVnd) return { ok: false, reason: 'insufficient_funds', riderCategoryId: rider };
    return { ok: true, outcome: 'fare', amountVnd, fareProductId: 'single', nextFareState: next(amountVnd, 'new'), ...base };
  }
}

export interface TestPorts {
  readonly journal: CrashableJournal;
  readonly denyList: MemoryDenyList;
  readonly actions: MemoryActionList;
  readonly fares: FareEngine;
}

/**
 * Where the tests get their ports. To run every tap and mode test on the
 * real journal, replace the `journal` line with the SQLite one, e.g.
 *   const inner = openJournal({ dir: mkdtempSync(…), deviceId, signer }); readAll: () => inner.readEvents({ fromSeq: 1, limit: 10_000 })
 * (test/tap-real-ports.test.ts does exactly that). The fare engine stays the
 * flat test engine: the tests' expected amounts are its rules (TEST_FLAT_FARE_VND,
 * TEST_DAILY_CAP_VND, one free transfer within TEST_TRANSFER_WINDOW_MS);
 * the Hanoi feed is exercised in tap-real-ports.test.ts.
 */
export function testPorts(options: { deviceId: number; routes: ReadonlyMap<string, number> }): TestPorts {
  const memory = new MemoryJournal({ deviceId: options.deviceId });
  const journal = new CrashableJournal(memory, { readAll: () => memory.events });
  return { journal, denyList: new MemoryDenyList(), actions: new MemoryActionList(), fares: new TestFareEngine({ routes: options.routes }) };
}
