/**
 * Turns any error into one line on stderr and an exit code: 2 for usage
 * (bad options, malformed input), 1 for a failed operation. Only messages
 * written for operators are printed; anything unexpected prints its class
 * name only: no stack, no message that might echo input.
 */
import { CommanderError } from 'commander';
import { CardStateError } from '../emulator/card.js';
import { StorageError } from '../emulator/storage/medium.js';
import { VpcdError } from '../transport/vpcd.js';
import { CliFailure, CliUsageError } from './cli-context.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface ErrorReport {
  readonly exitCode: number;
  /** Empty when commander has already printed its own message. */
  readonly line: string;
}

export function reportError(error: unknown): ErrorReport {
  if (error instanceof CommanderError) {
    const shownHelp = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
    return { exitCode: shownHelp ? EXIT_OK : EXIT_USAGE, line: '' };
  }
  if (error instanceof CliUsageError) return { exitCode: EXIT_USAGE, line: `error: ${error.message}` };
  if (error instanceof CliFailure) return { exitCode: EXIT_FAILED, line: `error: ${error.message}` };
  if (error instanceof CardStateError) return { exitCode: EXIT_FAILED, line: 'error: the --state file does not hold a readable card image' };
  if (error instanceof StorageError) return { exitCode: EXIT_FAILED, line: 'error: cannot read or write the --state file' };
  if (error instanceof VpcdError) return { exitCode: EXIT_FAILED, line: `error: ${error.message} [${error.code}]` };
  const kind = error instanceof Error ? error.name : typeof error;
  return { exitCode: EXIT_FAILED, line: `error: unexpected internal failure (${kind})` };
}
