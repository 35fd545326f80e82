/**
 * What every non-bus mode does around its card work: collect the journal
 * events it appends (through the pipeline's `record`) and build its
 * ModeOutcome with those events and the newest event's kind.
 */
import type { ProfileApplication } from '@onecard/card-os/profile';
import type { TapContext } from '../tap/context.js';
import type { ModeOutcome } from '../tap/outcome.js';

export interface ModeRecorder {
  /** Journals an entry (durable when it returns) and remembers the event for the outcome. */
  readonly record: TapContext['record'];
  /** The outcome so far: accepted or not, with the recorded events; `extra` overrides the defaults. */
  readonly result: (accepted: boolean, extra: Partial<ModeOutcome>) => ModeOutcome;
}

export function modeRecorder(context: TapContext, application: ProfileApplication): ModeRecorder {
  const events: ModeOutcome['events'][number][] = [];
  return {
    record: (entry) => {
      const event = context.record(entry);
      events.push(event);
      return event;
    },
    result: (accepted, extra) => ({ accepted, application, kind: events.at(-1)?.kind, reason: undefined, amountVnd: 0, balanceVnd: undefined, notes: [], events: [...events], ...extra }),
  };
}
