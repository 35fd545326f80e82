/**
 * What every `keys` command needs: where output goes, the environment, the
 * global options, and the few services injected for testing (clock, the
 * bundle sealer). Secrets (passphrases, imported keys) are read from
 * files or the environment only, never from arguments, which land in shell
 * history and `ps` output.
 */
import { userInfo } from 'node:os';
import { readFileSync, statSync } from 'node:fs';
import { AUDIT_TEXT_PATTERN } from '../audit/audit-entry.js';
import type { CliBundleSealer } from './bundle-sealer.js';

export const PASSPHRASE_ENV = 'ONECARD_KEYSTORE_PASSPHRASE';
export const NEW_PASSPHRASE_ENV = 'ONECARD_KEYSTORE_NEW_PASSPHRASE';
export const OPERATOR_ENV = 'ONECARD_OPERATOR';
export const SECRET_FILE_BYTES_MAX = 4096;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliDependencies {
  /** Replaces the real certificate check + sealing (bundle-sealer.ts) in tests. */
  readonly sealKeyBundle?: CliBundleSealer;
  readonly clockMs?: () => number;
}

export interface GlobalOptions {
  readonly passphraseFile?: string;
  readonly principal?: string;
  readonly weakKdfForTesting?: boolean;
}

/** Bad invocation: exit code 2. The message never repeats the offending value. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** A failed operation with a ready one-line message: exit code 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** Reads a small secret file; strips one trailing newline. */
export function readSecretFile(path: string, what: string): string {
  let sizeBytes: number;
  try {
    sizeBytes = statSync(path).size;
  } catch {
    throw new CliUsageError(`cannot read the ${what} file`);
  }
  if (sizeBytes > SECRET_FILE_BYTES_MAX) throw new CliUsageError(`the ${what} file is too large`);
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new CliUsageError(`cannot read the ${what} file`);
  }
}

function secretFrom(options: { file: string | undefined; envName: string; io: CliIo; what: string }): string {
  const fromEnv = options.io.env[options.envName];
  if (options.file !== undefined && fromEnv !== undefined) throw new CliUsageError(`give the ${options.what} either in ${options.envName} or as a file, not both`);
  const secret = options.file === undefined ? fromEnv : readSecretFile(options.file, options.what);
  if (secret === undefined || secret.length === 0) throw new CliUsageError(`no ${options.what}: set ${options.envName} or pass the matching --…-file option`);
  return secret;
}

export function passphraseOf(globals: GlobalOptions, io: CliIo): string {
  return secretFrom({ file: globals.passphraseFile, envName: PASSPHRASE_ENV, io, what: 'passphrase' });
}

export function newPassphraseOf(file: string | undefined, io: CliIo): string {
  return secretFrom({ file, envName: NEW_PASSPHRASE_ENV, io, what: 'new passphrase' });
}

/** --principal, else $ONECARD_OPERATOR, else the OS user name. */
export function principalOf(globals: GlobalOptions, io: CliIo): string {
  let principal = globals.principal ?? io.env[OPERATOR_ENV];
  if (principal === undefined) {
    try {
      principal = userInfo().username;
    } catch {
      principal = '';
    }
  }
  if (!AUDIT_TEXT_PATTERN.test(principal)) throw new CliUsageError('principal must be 1..64 characters of A-Z a-z 0-9 . _ @ : + / - (use --principal)');
  return principal;
}
