/**
 * What every `card-os` command needs: where output goes, the environment,
 * and the few services tests inject (the stop signal that stands in for
 * SIGINT/SIGTERM, a faster connect-retry policy). Errors are two classes:
 * a bad invocation (exit 2) and a failed operation (exit 1), each with a
 * one-line message that never repeats what was typed (it may be a UID).
 */
import type { ConnectRetryPolicy } from './serve-policy.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliDependencies {
  /** Aborted on SIGINT/SIGTERM by main(); tests abort it themselves. Its reason names the signal. */
  readonly stopSignal?: AbortSignal;
  /** Replaces the default connect-retry policy (tests use short delays). */
  readonly connectRetry?: ConnectRetryPolicy;
  /** Where the profile commands look for the embedded test key store (default: process.cwd()). */
  readonly cwd?: string;
  /** The profile commands' clock (default: the system clock). */
  readonly clock?: () => Date;
}

export interface CliContext {
  readonly io: CliIo;
  readonly deps: CliDependencies;
}

/** Bad invocation: exit code 2. The message never repeats the offending value. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** A failed operation with a ready one-line message: exit code 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}
