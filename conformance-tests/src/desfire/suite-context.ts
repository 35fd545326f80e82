/** What each group of the conformance suite gets: the target and the open session's current client. */
import type { DesfireClient } from '@onecard/card-os';
import type { DesfireTarget } from './target.js';

export interface SuiteContext {
  readonly target: DesfireTarget;
  /** The client on the current link (changes after `reconnect`). */
  client(): DesfireClient;
  /** Card out of the field and back; see DesfireTargetSession.reconnect. */
  reconnect(): Promise<DesfireClient>;
}
