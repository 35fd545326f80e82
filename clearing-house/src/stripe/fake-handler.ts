/**
 * What a fake endpoint handler returns: the reply, the events it raised, and
 * whether Stripe would store the reply for idempotent replay (it does once the
 * endpoint began executing, including card declines; it does not for requests
 * that failed parameter validation).
 */
import type { FakeReply } from './fake-errors.js';
import type { FakeState } from './fake-state.js';
import type { FormObject } from './form-body.js';

export interface EventDraft {
  readonly type: string;
  readonly object: Record<string, unknown>;
}

export interface HandlerOutcome {
  readonly reply: FakeReply;
  readonly events: readonly EventDraft[];
  readonly replayable: boolean;
}

export interface HandlerInput {
  readonly state: FakeState;
  readonly params: FormObject;
  /** The `:id` path segment, if the route has one. */
  readonly id: string;
  /** Where the fake is reached (`http://127.0.0.1:port`), for URLs it hands out (Checkout). */
  readonly origin: string;
}

export type FakeHandler = (input: HandlerInput) => HandlerOutcome;

export function rejected(reply: FakeReply): HandlerOutcome {
  return { reply, events: [], replayable: false };
}

export function executed(reply: FakeReply, events: readonly EventDraft[] = []): HandlerOutcome {
  return { reply, events, replayable: true };
}
