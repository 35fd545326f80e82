/**
 * The tap pipeline (issue 5): card detected → identity (card number,
 * validity) → deny list → the mode (read, decide, write, commit, journal) →
 * outcome for the display. Every failure is a typed outcome with a stable
 * reason; a lost card link or a failed journal is never green.
 *
 * One DESFire transaction per card change: the modes write and commit in one
 * session, so a card pulled away before the commit changes nothing; a card
 * pulled after the commit is recognised at the re-tap (tap/recovery.ts and
 * each mode's recovery rule), never charged twice.
 */
import { DesfireClient, HostError, type CardChannel } from '@onecard/card-os';
import { ProfileSession, readIdentity, type IdentityRecord, type JournalEvent, type ProfileKeySource } from '@onecard/card-os/profile';
import type { ActionListView, DenyListView, EventJournal } from '../ports.js';
import { reasonOfFailure } from './card-failure.js';
import type { DeviceIdentity, ModeEntry, TapContext } from './context.js';
import type { ModeHandler } from './mode.js';
import { cardNumberTail, type ModeOutcome, type TapOutcome, type TapReason } from './outcome.js';
import { StageTimer } from './stage-timer.js';
import { vietnamCivilDate } from '../fares/local-time.js';

/** A card in the field: the channel to it and, when the reader reported it (PC/SC GET DATA), its UID. */
export interface TapLink {
  readonly channel: CardChannel;
  /** Undefined: the pipeline reads it with GetVersion (2 more APDUs). */
  readonly uid: Uint8Array | undefined;
}

export interface ValidatorOptions<Input> {
  readonly mode: ModeHandler<Input>;
  readonly device: DeviceIdentity;
  /** The device SAM's keys, narrowed to its role (device/device-keys.ts). */
  readonly keys: ProfileKeySource;
  readonly denyList: DenyListView;
  readonly actions: ActionListView;
  readonly journal: EventJournal;
  readonly clock: () => Date;
  /** Called with every outcome (display, web view); must not throw. */
  readonly onOutcome?: (outcome: TapOutcome) => void;
}

export interface Validator<Input> {
  readonly mode: ModeHandler<Input>['mode'];
  tap(link: TapLink, input: Input): Promise<TapOutcome>;
}

/** Journal and trip-record device ids are u32 ≥ 1; operator ids are journal codes. */
const DEVICE_ID_MAX = 0xffff_ffff;
const OPERATOR_ID_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;

export function createValidator<Input>(options: ValidatorOptions<Input>): Validator<Input> {
  const { deviceId, operatorId } = options.device;
  if (!Number.isInteger(deviceId) || deviceId < 1 || deviceId > DEVICE_ID_MAX) throw new RangeError(`device.deviceId must be an integer 1..${DEVICE_ID_MAX}`);
  if (operatorId !== undefined && !OPERATOR_ID_PATTERN.test(operatorId)) throw new RangeError('device.operatorId must be a lowercase code [a-z0-9][a-z0-9_.:-]*');
  return {
    mode: options.mode.mode,
    tap: async (link, input) => {
      const timer = new StageTimer();
      const done = (outcome: ModeOutcome, tail: string | undefined): TapOutcome => {
        const full: TapOutcome = { ...outcome, mode: options.mode.mode, cardNumberTail: tail, timingsMs: timer.timings(), totalMs: timer.elapsedMs() };
        options.onOutcome?.(full);
        return full;
      };
      let session: ProfileSession | undefined;
      let identity: IdentityRecord | undefined;
      const events: JournalEvent[] = [];
      try {
        session = await timer.time('connect', () => openSession(link, options.keys));
        if (session === undefined) return done(refused(options.mode, 'card_unreadable', events), undefined);
        const card = await timer.time('identity', () => readIdentity(session as ProfileSession));
        if (!card.ok) return done(refused(options.mode, reasonOfFailure(card), events), undefined);
        identity = card.value;
        const now = options.clock();
        const context = tapContext({ options, session, identity, now, timer, events });
        const denial = timer.timeSync('deny', () => checkCard(identity as IdentityRecord, options.denyList, now));
        if (denial !== undefined) {
          context.record({ kind: 'denied', reason: denial.reason, amountVnd: 0, ...(denial.detail === undefined ? {} : { detail: denial.detail }) });
          return done(refused(options.mode, denial.reason, events), cardNumberTail(identity.cardNumber));
        }
        const outcome = await options.mode.run(context, input);
        return done(outcome, cardNumberTail(identity.cardNumber));
      } catch (error: unknown) {
        const reason = reasonOfError(error);
        return done(refused(options.mode, reason, events), identity === undefined ? undefined : cardNumberTail(identity.cardNumber));
      } finally {
        session?.close();
      }
    },
  };
}

async function openSession(link: TapLink, keys: ProfileKeySource): Promise<ProfileSession | undefined> {
  const client = new DesfireClient(link.channel);
  if (link.uid !== undefined) return ProfileSession.withUid(client, keys, link.uid);
  const opened = await ProfileSession.open(client, keys);
  return opened.ok ? opened.value : undefined;
}

function checkCard(identity: IdentityRecord, denyList: DenyListView, now: Date): { reason: TapReason; detail?: Record<string, string> } | undefined {
  const denied = denyList.lookup(identity.cardNumber);
  if (denied !== undefined) return { reason: 'deny_listed', detail: { denyReason: denied } };
  if (identity.expiresOn < vietnamCivilDate(now)) return { reason: 'card_expired' };
  return undefined;
}

function tapContext(input: { options: ValidatorOptions<unknown>; session: ProfileSession; identity: IdentityRecord; now: Date; timer: StageTimer; events: JournalEvent[] }): TapContext {
  const { options, session, identity, now, timer, events } = input;
  const application = options.mode.application;
  return {
    session,
    identity,
    now,
    device: options.device,
    journal: options.journal,
    actions: options.actions,
    timer,
    record: (entry: ModeEntry) =>
      timer.timeSync('journal', () => {
        let event: JournalEvent;
        try {
          event = options.journal.append({
            at: now.toISOString(),
            cardNumber: identity.cardNumber,
            application,
            ...(options.device.operatorId === undefined ? {} : { operatorId: options.device.operatorId }),
            ...entry,
          });
        } catch (cause: unknown) {
          throw new JournalWriteError({ cause });
        }
        events.push(event);
        return event;
      }),
  };
}

function refused(mode: { readonly application: ModeOutcome['application'] }, reason: TapReason, events: readonly JournalEvent[]): ModeOutcome {
  return { accepted: false, application: mode.application, kind: events.at(-1)?.kind, reason, amountVnd: 0, balanceVnd: undefined, notes: [], events };
}

function reasonOfError(error: unknown): TapReason {
  if (error instanceof HostError) return error.code === 'transport_failed' ? 'link_lost' : 'card_unreadable';
  if (error instanceof JournalWriteError) return 'journal_failed';
  throw error;
}

/** Thrown by `record` when the journal refuses or fails an append: the tap is never green then. */
export class JournalWriteError extends Error {
  readonly code = 'journal_failed';
  constructor(options: { cause: unknown }) {
    super('journal append failed', options);
    this.name = 'JournalWriteError';
  }
}
