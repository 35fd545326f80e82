/**
 * What a mode works with during one tap: the card session (already past
 * identity and the deny list), the validator's ports, the clock and the
 * stage timer. Modes append journal events through `record`, which times
 * the journal stage and fills what every event carries.
 */
import type { IdentityRecord, JournalEvent, ProfileSession } from '@onecard/card-os/profile';
import type { ActionListView, EventJournal, JournalEntry } from '../ports.js';
import type { StageTimer } from './stage-timer.js';

export interface DeviceIdentity {
  /** Numeric device id: journal `deviceId` and the trip record's deviceId (u32, ≥ 1). */
  readonly deviceId: number;
  /** Operator id the journal carries (lowercase code), when configured. */
  readonly operatorId: string | undefined;
}

/** An entry without the fields the pipeline fills for every event (instant, card number, application). */
export type ModeEntry = Omit<JournalEntry, 'at' | 'cardNumber' | 'application'> & { readonly at?: string };

export interface TapContext {
  readonly session: ProfileSession;
  readonly identity: IdentityRecord;
  readonly now: Date;
  readonly device: DeviceIdentity;
  readonly journal: EventJournal;
  readonly actions: ActionListView;
  readonly timer: StageTimer;
  /** Appends one event for this card (durable when it returns), timed as the journal stage. */
  record(entry: ModeEntry): JournalEvent;
}
