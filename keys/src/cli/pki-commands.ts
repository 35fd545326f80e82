/**
 * Device PKI commands: `ca init`, `cert request|issue|revoke|verify`, `crl publish`.
 *
 * The CA passphrase comes from $ONECARD_CA_PASSPHRASE or --passphrase-file
 * (never an argument). Failures are thrown as CliUsageError (exit 2) or
 * CliFailure (exit 1) for runCli/reportError to print as one line; PkiError
 * messages are written never to hold keys or passphrases.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { toHex, zeroize } from '../bytes.js';
import { isErrnoException, writeFileAtomic } from '../fs/atomic-file.js';
import { initCaDirectory, issueFromCaDirectory, publishCrlFromCaDirectory, revokeInCaDirectory, verifyWithCaDirectory } from '../pki/ca-dir.js';
import { CSR_PEM_LENGTH_MAX, createDeviceCsr } from '../pki/csr.js';
import { REVOCATION_REASONS, isRevocationReason } from '../pki/crl.js';
import { PkiError, type PkiErrorCode } from '../pki/errors.js';
import { DEVICE_ROLES, isDeviceId, isDeviceRole } from '../pki/roles.js';
import { normalizeSerialHex } from '../pki/serial.js';
import { CA_VALIDITY_DAYS_MAX, CRL_NEXT_UPDATE_DAYS_MAX, DEVICE_VALIDITY_DAYS_MAX, MS_PER_DAY } from '../pki/validity.js';
import { generateEd25519KeyPair } from '../signing/ed25519.js';
import { CliFailure, CliUsageError, readSecretFile } from './cli-context.js';
import { parseBoundedInteger } from './parse-arguments.js';

export const CA_PASSPHRASE_ENV = 'ONECARD_CA_PASSPHRASE';
const DEFAULT_CA_COMMON_NAME = 'OneCard Device Root CA';
const DISPLAY_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const SECRET_FILE_MODE = 0o600;
const PUBLIC_FILE_MODE = 0o644;
const CERTIFICATE_PEM_LENGTH_MAX = 64 * 1024;
/** Malformed input is a usage error (2); everything else is a failed operation (1). */
const USAGE_CODES: ReadonlySet<PkiErrorCode> = new Set(['validity_invalid', 'identity_invalid', 'csr_invalid', 'certificate_corrupt']);

function toCliError(error: unknown): unknown {
  if (!(error instanceof PkiError)) return error;
  const line = `${error.message} [${error.code}]`;
  return USAGE_CODES.has(error.code) ? new CliUsageError(line) : new CliFailure(line);
}

/** Wraps an action so typed PKI errors become the CLI's one-line errors. */
function action<T>(run: (options: T, command: Command) => Promise<void>): (options: T, command: Command) => Promise<void> {
  return async (options, command) => {
    try {
      await run(options, command);
    } catch (error) {
      throw toCliError(error);
    }
  };
}

function say(command: Command, line: string): void {
  const output = command.configureOutput();
  if (output.writeOut === undefined) process.stdout.write(`${line}\n`);
  else output.writeOut(`${line}\n`);
}

function shownTime(ms: number): string {
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: DISPLAY_TIME_ZONE, dateStyle: 'short', timeStyle: 'medium' }).format(ms);
  return `${local} ${DISPLAY_TIME_ZONE}`;
}

/** --passphrase-file (this command's or the program's global one) or $ONECARD_CA_PASSPHRASE, not both. */
function caPassphrase(command: Command): string {
  const file = command.optsWithGlobals<{ passphraseFile?: string }>().passphraseFile;
  const fromEnv = process.env[CA_PASSPHRASE_ENV];
  if (file !== undefined && fromEnv !== undefined) throw new CliUsageError(`give the CA passphrase either in ${CA_PASSPHRASE_ENV} or as --passphrase-file, not both`);
  const passphrase = file === undefined ? fromEnv : readSecretFile(file, 'CA passphrase');
  if (passphrase === undefined || passphrase.length === 0) throw new CliUsageError(`no CA passphrase: set ${CA_PASSPHRASE_ENV} or pass --passphrase-file`);
  return passphrase;
}

async function readInput(path: string, option: string, lengthMax: number): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliUsageError(`cannot read the ${option} file`);
  }
  if (text.length > lengthMax) throw new CliUsageError(`the ${option} file is too large`);
  return text;
}

async function writeOutput(path: string, data: string, options: { option: string; fileMode: number }): Promise<void> {
  try {
    await writeFileAtomic(path, data, { fileMode: options.fileMode, ifExists: 'fail' });
  } catch (error) {
    if (isErrnoException(error, 'EEXIST')) throw new CliFailure(`the ${options.option} file already exists; refusing to overwrite it`);
    throw new CliFailure(`cannot write the ${options.option} file`);
  }
}

const days = (text: string, option: string, max: number): number => parseBoundedInteger(text, { option, min: 1, max });

export function registerPkiCommands(program: Command): void {
  const ca = program.command('ca').description('device certificate authority');
  ca.command('init')
    .description('create a CA directory with a new root CA (RSA-3072, key encrypted under the CA passphrase)')
    .requiredOption('--dir <dir>', 'CA directory to create (must not exist or be empty)')
    .requiredOption('--validity-days <n>', `root validity in days (1..${CA_VALIDITY_DAYS_MAX})`)
    .option('--common-name <name>', 'CA common name', DEFAULT_CA_COMMON_NAME)
    .option('--passphrase-file <file>', `file holding the CA passphrase (else $${CA_PASSPHRASE_ENV})`)
    .action(
      action(async (options: { dir: string; validityDays: string; commonName: string }, command) => {
        const validityDays = days(options.validityDays, '--validity-days', CA_VALIDITY_DAYS_MAX);
        const nowMs = Date.now();
        await initCaDirectory({ dir: options.dir, commonName: options.commonName, validityDays, nowMs, passphrase: caPassphrase(command) });
        say(command, `CA created in ${options.dir}, valid until ${shownTime(nowMs + validityDays * MS_PER_DAY)}; next: crl publish`);
      }),
    );

  const cert = program.command('cert').description('device certificates');
  cert
    .command('request')
    .description('generate a device RSA key, an Ed25519 journal-signing seed and a certificate request')
    .requiredOption('--role <role>', `device role: ${DEVICE_ROLES.join(', ')}`)
    .requiredOption('--device-id <id>', 'device id (asset tag, 1..64 of A-Z a-z 0-9 . _ -)')
    .requiredOption('--out-key <file>', 'where to write the device private key (PEM, must not exist)')
    .requiredOption('--out-csr <file>', 'where to write the request (PEM, must not exist)')
    .option('--out-seed <file>', 'where to write the Ed25519 seed, hex (default: <out-key>.ed25519-seed)')
    .action(
      action(async (options: { role: string; deviceId: string; outKey: string; outCsr: string; outSeed?: string }, command) => {
        if (!isDeviceRole(options.role)) throw new CliUsageError(`--role must be one of ${DEVICE_ROLES.join(', ')}`);
        if (!isDeviceId(options.deviceId)) throw new CliUsageError('--device-id must be 1..64 characters of A-Z a-z 0-9 . _ -');
        const journalKeyPair = generateEd25519KeyPair();
        try {
          const request = createDeviceCsr({ role: options.role, deviceId: options.deviceId, journalKeyPair });
          await writeOutput(options.outKey, request.privateKeyPem, { option: '--out-key', fileMode: SECRET_FILE_MODE });
          await writeOutput(options.outSeed ?? `${options.outKey}.ed25519-seed`, `${toHex(journalKeyPair.seed)}\n`, { option: '--out-seed', fileMode: SECRET_FILE_MODE });
          await writeOutput(options.outCsr, request.csrPem, { option: '--out-csr', fileMode: PUBLIC_FILE_MODE });
        } finally {
          zeroize(journalKeyPair.seed, journalKeyPair.secretKey);
        }
        say(command, `request for ${options.role} ${options.deviceId} written; journal public key ${toHex(journalKeyPair.publicKey)}`);
      }),
    );

  cert
    .command('issue')
    .description('issue a device certificate from a request')
    .requiredOption('--dir <dir>', 'CA directory')
    .requiredOption('--csr <file>', 'certificate request (PEM)')
    .requiredOption('--validity-days <n>', `certificate validity in days (1..${DEVICE_VALIDITY_DAYS_MAX})`)
    .requiredOption('--out <file>', 'where to write the certificate (PEM, must not exist)')
    .option('--passphrase-file <file>', `file holding the CA passphrase (else $${CA_PASSPHRASE_ENV})`)
    .action(
      action(async (options: { dir: string; csr: string; validityDays: string; out: string }, command) => {
        const validityDays = days(options.validityDays, '--validity-days', DEVICE_VALIDITY_DAYS_MAX);
        const csrPem = await readInput(options.csr, '--csr', CSR_PEM_LENGTH_MAX);
        const passphrase = caPassphrase(command);
        const issued = await issueFromCaDirectory({ dir: options.dir, passphrase, csrPem, validityDays, nowMs: Date.now() });
        await writeOutput(options.out, issued.certificatePem, { option: '--out', fileMode: PUBLIC_FILE_MODE });
        const { identity } = issued;
        say(command, `issued serial ${identity.serialHex} to ${identity.role} ${identity.deviceId}, valid until ${shownTime(identity.notAfterMs)}`);
      }),
    );

  cert
    .command('revoke')
    .description('mark a certificate revoked (takes effect with the next `crl publish`)')
    .requiredOption('--dir <dir>', 'CA directory')
    .requiredOption('--serial <hex>', 'certificate serial number (hex)')
    .requiredOption('--reason <reason>', `RFC 5280 reason: ${REVOCATION_REASONS.join(', ')}`)
    .action(
      action(async (options: { dir: string; serial: string; reason: string }, command) => {
        const serialHex = normalizeSerialHex(options.serial);
        if (serialHex === null) throw new CliUsageError('--serial must be a hexadecimal serial number');
        if (!isRevocationReason(options.reason)) throw new CliUsageError(`--reason must be one of ${REVOCATION_REASONS.join(', ')}`);
        const entry = await revokeInCaDirectory({ dir: options.dir, serialHex, reason: options.reason, nowMs: Date.now() });
        say(command, `revoked serial ${entry.serialHex} (${entry.role} ${entry.deviceId}, ${options.reason}); run \`crl publish\` to distribute`);
      }),
    );

  cert
    .command('verify')
    .description('verify a device certificate against the CA and its published CRL, now')
    .requiredOption('--dir <dir>', 'CA directory')
    .requiredOption('--cert <file>', 'device certificate (PEM)')
    .action(
      action(async (options: { dir: string; cert: string }, command) => {
        const certificatePem = await readInput(options.cert, '--cert', CERTIFICATE_PEM_LENGTH_MAX);
        const result = await verifyWithCaDirectory({ dir: options.dir, certificatePem, nowMs: Date.now() });
        if (!result.ok) throw new CliFailure(`certificate rejected: ${result.message} [${result.code}]`);
        const { identity } = result;
        say(command, `valid: ${identity.role} ${identity.deviceId}, serial ${identity.serialHex}, until ${shownTime(identity.notAfterMs)}, journal key ${toHex(identity.journalPublicKey)}`);
      }),
    );

  const crl = program.command('crl').description('certificate revocation lists');
  crl
    .command('publish')
    .description('sign a new CRL listing every revoked certificate')
    .requiredOption('--dir <dir>', 'CA directory')
    .requiredOption('--next-update-days <n>', `days until the next CRL is due (1..${CRL_NEXT_UPDATE_DAYS_MAX})`)
    .option('--passphrase-file <file>', `file holding the CA passphrase (else $${CA_PASSPHRASE_ENV})`)
    .action(
      action(async (options: { dir: string; nextUpdateDays: string }, command) => {
        const nextUpdateDays = days(options.nextUpdateDays, '--next-update-days', CRL_NEXT_UPDATE_DAYS_MAX);
        const published = await publishCrlFromCaDirectory({ dir: options.dir, passphrase: caPassphrase(command), nextUpdateDays, nowMs: Date.now() });
        say(command, `published CRL #${published.crlNumber} listing ${published.revokedCount} revoked certificate(s); next update due ${shownTime(published.nextUpdateMs)}`);
      }),
    );
}
