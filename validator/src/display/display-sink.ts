/**
 * The validator's `onOutcome`: draws every outcome on the terminal and keeps
 * it for the web view. Never throws into the tap (a broken display must not
 * turn a journaled tap into an error).
 */
import type { TapOutcome } from '../tap/outcome.js';
import type { RecentTaps } from './recent-taps.js';
import { renderTerminal, type TerminalOptions } from './terminal.js';

export function displaySink(options: TerminalOptions & { readonly recent: RecentTaps; readonly write: (text: string) => void; readonly clock: () => Date }): (outcome: TapOutcome) => void {
  return (outcome) => {
    options.recent.add({ at: options.clock(), outcome });
    try {
      options.write(`${renderTerminal(outcome, options)}\n`);
    } catch {
      // The terminal is gone (closed pipe): the outcome is journaled and in the web view.
    }
  };
}
