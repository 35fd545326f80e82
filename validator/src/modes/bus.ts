/**
 * Bus mode: the fare engine decides, the card pays in one transaction
 * (modes/bus-card.ts), autoloads from the action list are applied once
 * (modes/autoload-plan.ts), then a pass load or an unblock of the card's
 * one action sequence (modes/bus-actions.ts), and a repeat tap after a torn
 * transaction is recovery (modes/bus-recovery.ts).
 */
import { readLog, readTransitForTap, profileFile, tripCodec, type JournalEventKind, type TransitTapView, type TripEvent, type TripRecord } from '@onecard/card-os/profile';
import type { BusTapContext, FareDecision, FareEngine, FareOutcome } from '../ports.js';
import { reasonOfFailure } from '../tap/card-failure.js';
import type { TapContext } from '../tap/context.js';
import type { ModeHandler } from '../tap/mode.js';
import type { ModeOutcome } from '../tap/outcome.js';
import { journaledCardTmc, isRepeatTap, isRide, mayHaveTornCommits, tornCommits, type RecoveryWindows } from './bus-recovery.js';
import { fareTransaction, tmcFields, withMarker, type TripLine } from './bus-card.js';
import { applyAutoload, type AutoloadResult } from './bus-autoload.js';
import { actionSeqOf } from './autoload-plan.js';
import { applyListAction, listActionFields } from './bus-actions.js';

/** Defaults a deployment may override (bus mode options). */
export const BUS_RECOVERY_WINDOW_MS_DEFAULT = 15 * 60 * 1000;
export const BUS_REPEAT_WINDOW_MS_DEFAULT = 2 * 60 * 1000;

export interface BusPosition {
  readonly routeId: string;
  readonly stopId: string | undefined;
}

export interface BusModeOptions {
  readonly fares: FareEngine;
  /** Where the bus is now (driver console / GPS). */
  readonly position: () => BusPosition;
  /** GTFS fare_media_id of OneCard in the feed. */
  readonly fareMediaId: string;
  /** The device holds the top-up key (bundle role bus-validator-autoload). */
  readonly autoload: boolean;
  readonly windows: RecoveryWindows;
}

const TRIP_EVENT_OF: Readonly<Record<FareOutcome, TripEvent>> = { fare: 'fare', transfer: 'transfer', 'pass-use': 'pass-use', 'free-ride': 'fare', capped: 'fare' };

function journalKindOf(trip: TripRecord): JournalEventKind | undefined {
  switch (trip.event) {
    case 'fare':
      return trip.amountVnd > 0 ? 'fare' : 'free-ride';
    case 'transfer':
      return 'transfer';
    case 'pass-use':
      return 'pass-use';
    case 'autoload':
      return 'autoload';
    case 'issue':
    case 'top-up':
    case 'contract-sale':
    case 'correction':
      return undefined;
  }
}



export function busMode(options: BusModeOptions): ModeHandler<void> {
  return {
    mode: 'bus',
    application: 'transit',
    run: (context) => runBusTap(context, options),
  };
}

function outcome(input: Partial<ModeOutcome> & Pick<ModeOutcome, 'accepted' | 'events'>): ModeOutcome {
  return { application: 'transit', kind: input.events.at(-1)?.kind, reason: undefined, amountVnd: 0, balanceVnd: undefined, notes: [], ...input };
}

async function runBusTap(context: TapContext, options: BusModeOptions): Promise<ModeOutcome> {
  const { session, timer, device, now } = context;
  const collected: ModeOutcome['events'][number][] = [];
  const events = (): ModeOutcome['events'] => [...collected];
  const record: TapContext['record'] = (entry) => {
    const event = context.record(entry);
    collected.push(event);
    return event;
  };
  const read = await timer.time('read', () => readTransitForTap(session));
  if (!read.ok) return outcome({ accepted: false, reason: reasonOfFailure(read), events: events() });
  let view: TransitTapView = read.value;
  const cardNumber = context.identity.cardNumber;
  const journaledTmc = journaledCardTmc(context.journal.lastEventFor(cardNumber, 'transit'));
  const seen = { newest: view.lastTrip, journaledTmc, deviceId: device.deviceId, now, windows: options.windows };

  let trips: readonly TripRecord[] = view.lastTrip === undefined ? [] : [view.lastTrip];
  const claimOpen = (view.fareState.actions?.claimTmc ?? 0) !== 0;
  if (mayHaveTornCommits(seen) || (claimOpen && view.lastTrip?.transactionNo !== view.fareState.actions?.claimTmc)) {
    const log = await timer.time('read', () => readLog(session, profileFile('transit.trips'), tripCodec, { newestCount: 0 }));
    if (!log.ok) return outcome({ accepted: false, reason: reasonOfFailure(log), events: events() });
    trips = log.value;
  }
  if (mayHaveTornCommits(seen)) {
    const torn = tornCommits({ ...seen, trips });
    const seq = view.fareState.actions?.lastSeq;
    const action = seq === undefined ? undefined : context.actions.pendingFor(cardNumber).find((a) => actionSeqOf(a) === seq);
    const unblock = action?.kind === 'unblock' && !context.journal.isActionApplied(action.actionId);
    for (const trip of torn) recordRecovered(record, trip, { seq, actionId: action?.actionId, unblock });
    const newest = torn.at(-1);
    if (newest !== undefined && isRide(newest)) {
      return outcome({ accepted: true, reason: 'recovered_torn_tap', amountVnd: newest.amountVnd, balanceVnd: newest.balanceAfterVnd, notes: [{ code: 'recovered' }], events: events() });
    }
  } else if (isRepeatTap(seen) && view.lastTrip !== undefined) {
    record({ kind: 'recovery', reason: 'repeat_tap', amountVnd: 0, detail: { cardTmc: view.lastTrip.transactionNo } });
    return outcome({ accepted: true, reason: 'repeat_tap', balanceVnd: view.balanceVnd, notes: [{ code: 'already-validated' }], events: events() });
  }

  const autoload: AutoloadResult = await applyAutoload({ context, record, view, trips, canCredit: options.autoload });
  if (!autoload.ok) return outcome({ accepted: false, reason: autoload.reason, balanceVnd: view.balanceVnd, events: events() });
  view = autoload.view;
  const listed = await applyListAction({ context, record, view, trips, canLoad: options.autoload, markerIn: autoload.markerAfter });
  if (!listed.ok) return outcome({ accepted: false, reason: listed.reason, balanceVnd: view.balanceVnd, events: events() });
  view = listed.view;
  const listFields = listActionFields(listed);

  const position = options.position();
  const busContext: BusTapContext = { at: now, routeId: position.routeId, stopId: position.stopId, fareMediaId: options.fareMediaId };
  const decision: FareDecision = timer.timeSync('decide', () => options.fares.decideBusTap({ entitlements: view.entitlements, fareState: view.fareState, balanceVnd: view.balanceVnd }, busContext));
  const cardTmc = view.lastTrip?.transactionNo ?? 0;
  if (!decision.ok) {
    record({ kind: 'denied', reason: decision.reason, amountVnd: 0, routeId: position.routeId, ...riderCategoryField(decision.riderCategoryId), detail: { cardTmc, ...(listed.waiting === undefined ? {} : { actionWaits: listed.waiting.reason }) } });
    return outcome({ accepted: false, reason: decision.reason, balanceVnd: view.balanceVnd, events: events() });
  }
  const trip: TripLine = { event: TRIP_EVENT_OF[decision.outcome], transactionNo: cardTmc + 1, at: now, deviceId: device.deviceId, routeCode: decision.routeCode, amountVnd: decision.amountVnd, balanceAfterVnd: view.balanceVnd - decision.amountVnd, contractSlot: decision.contractSlot };
  const fareState = withMarker(decision.nextFareState, listed.markerAfter);
  const committed = await fareTransaction({ client: session.client, timer, amountVnd: decision.amountVnd, fareState, trip });
  // A card status during the write or the commit drops the transaction: nothing changed on the card.
  if (!committed.ok) return outcome({ accepted: false, reason: 'card_refused', balanceVnd: view.balanceVnd, events: events() });
  record({
    kind: decision.outcome,
    amountVnd: decision.amountVnd,
    balanceBeforeVnd: view.balanceVnd,
    balanceAfterVnd: trip.balanceAfterVnd,
    routeId: position.routeId,
    ...(position.stopId === undefined ? {} : { stopId: position.stopId }),
    fareProductId: decision.fareProductId,
    ...riderCategoryField(decision.riderCategoryId),
    ...(decision.contractSlot === undefined ? {} : { contractSlot: decision.contractSlot }),
    ...(listFields.actionId === undefined ? {} : { actionId: listFields.actionId }),
    ...tmcFields(committed.value, listFields.detail),
  });
  return outcome({ accepted: true, kind: decision.outcome, amountVnd: decision.amountVnd, balanceVnd: trip.balanceAfterVnd, notes: autoload.notes, events: events() });
}


/** The journal's riderCategory is a lowercase code; a feed id that is not one is left out rather than failing the journal write. */
const JOURNAL_CODE_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
function riderCategoryField(riderCategoryId: string | undefined): { riderCategory?: string } {
  return riderCategoryId !== undefined && JOURNAL_CODE_PATTERN.test(riderCategoryId) ? { riderCategory: riderCategoryId } : {};
}

function recordRecovered(record: TapContext['record'], trip: TripRecord, action: { seq: number | undefined; actionId: string | undefined; unblock: boolean }): void {
  const kind = journalKindOf(trip);
  if (kind === undefined) return;
  const autoload = trip.event === 'autoload';
  const claim = autoload && trip.amountVnd === 0;
  record({
    kind,
    reason: claim ? 'autoload_claim' : 'recovered_torn_tap',
    amountVnd: trip.amountVnd,
    balanceAfterVnd: trip.balanceAfterVnd,
    tmc: trip.transactionNo,
    ...(trip.routeId === 0 ? {} : { routeId: String(trip.routeId) }),
    ...(trip.contractSlot === undefined ? {} : { contractSlot: trip.contractSlot }),
    ...((autoload && !claim) || (action.unblock && isRide(trip)) ? (action.actionId === undefined ? {} : { actionId: action.actionId }) : {}),
    detail: { recovered: 1, ...((autoload || (action.unblock && isRide(trip))) && action.seq !== undefined ? { actionSeq: action.seq } : {}) },
  });
}
