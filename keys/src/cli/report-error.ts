/**
 * Turns any error into one line on stderr and an exit code: 2 for usage
 * (bad options, malformed input), 1 for a failed operation. Only messages
 * written for operators are printed (our typed errors are built never to hold
 * secrets or UIDs); anything unexpected prints its class name only: no stack,
 * no message that might echo input.
 */
import { CommanderError } from 'commander';
import { AuditLogError } from '../audit/audit-error.js';
import { PkiError } from '../pki/errors.js';
import { KeyStoreError, WrongPassphraseError } from '../store/key-store-error.js';
import { SamError } from '../sam/sam-error.js';
import { CliFailure, CliUsageError } from './cli-context.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface ErrorReport {
  readonly exitCode: number;
  /** Empty when commander has already printed its own message. */
  readonly line: string;
}

const USAGE_STORE_CODES: ReadonlySet<string> = new Set(['invalid_argument', 'weak_passphrase']);
const USAGE_SAM_CODES: ReadonlySet<string> = new Set(['invalid_argument', 'invalid_uid', 'unknown_application']);

export function reportError(error: unknown): ErrorReport {
  if (error instanceof CommanderError) {
    const shownHelp = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
    return { exitCode: shownHelp ? EXIT_OK : EXIT_USAGE, line: '' };
  }
  if (error instanceof CliUsageError) return { exitCode: EXIT_USAGE, line: `error: ${error.message}` };
  if (error instanceof CliFailure) return { exitCode: EXIT_FAILED, line: `error: ${error.message}` };
  if (error instanceof WrongPassphraseError) return { exitCode: EXIT_FAILED, line: 'error: wrong passphrase' };
  if (error instanceof KeyStoreError) return { exitCode: USAGE_STORE_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILED, line: `error: ${error.message} [${error.code}]` };
  if (error instanceof SamError) return { exitCode: USAGE_SAM_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILED, line: `error: ${error.message} [${error.code}]` };
  if (error instanceof PkiError) return { exitCode: EXIT_FAILED, line: `error: ${error.message} [${error.code}]` };
  if (error instanceof AuditLogError) return { exitCode: EXIT_FAILED, line: `error: ${error.message} [${error.code}]` };
  const kind = error instanceof Error ? error.name : typeof error;
  return { exitCode: EXIT_FAILED, line: `error: unexpected internal failure (${kind})` };
}
