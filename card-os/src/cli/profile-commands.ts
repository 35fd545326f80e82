/**
 * `card-os personalise` and `card-os inspect` (card profile, PROFILE.md §9).
 *
 *   card-os personalise --state FILE|--vpcd HOST:PORT|--reader NAME --holder holder.json
 *                       [--keystore FILE] [--apps transit,student,…] [--station-id N]
 *   card-os inspect     --state FILE|--vpcd HOST:PORT|--reader NAME
 *                       [--keystore FILE] [--role ROLE] [--lang vi|en]
 *
 * Keys come from --keystore, else the embedded test store (.onecard/profile);
 * the passphrase only from ONECARD_KEYSTORE_PASSPHRASE. `inspect --role`
 * limits the keys to what that device role's bundle holds, which shows the
 * separation between applications on a real card.
 */
import { readFileSync, statSync } from 'node:fs';
import { KEY_BUNDLE_POLICIES, KEY_BUNDLE_ROLES, KeyStoreError, type KeyBundleRole } from '@onecard/keys';
import { Option, type Command } from 'commander';
import { DesfireClient } from '../host/client.js';
import { HostError } from '../host/errors.js';
import { PcscError } from '../transport/pcsc-errors.js';
import { inspectCard } from '../profile/inspect/inspect-card.js';
import { LANGUAGES, type Language } from '../profile/inspect/labels.js';
import { renderInspection } from '../profile/inspect/render.js';
import { isProfileApplication, PROFILE_APPLICATIONS, type ProfileApplication, type ProfileKeyRef } from '../profile/layout/applications.js';
import { describeOutcome } from '../profile/personalise/describe.js';
import { HOLDER_FILE_BYTES_MAX, parseHolder, type Holder } from '../profile/personalise/holder.js';
import { applicationsInHolder, buildPlan } from '../profile/personalise/plan.js';
import { runPlan } from '../profile/personalise/runner.js';
import { openCardLink, vpcdReaderPattern, type CardTarget } from '../profile/tools/card-link.js';
import { openProfileKeys, ProfileKeyStoreError } from '../profile/tools/key-store.js';
import { CliFailure, CliUsageError, type CliIo } from './cli-context.js';
import { parseVpcdAddress } from './parse-arguments.js';

export const OPERATOR_ENV = 'ONECARD_OPERATOR';
export const DEFAULT_PRINCIPAL = 'card-os-cli';
const PRINCIPAL_PATTERN = /^[A-Za-z0-9._@:+/-]{1,64}$/;
export const STATION_ID_MAX = 0xffff_ffff;

export interface ProfileCliContext {
  readonly io: CliIo;
  readonly cwd: string;
  readonly clock: () => Date;
}

function processContext(): ProfileCliContext {
  return {
    io: { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env },
    cwd: process.cwd(),
    clock: () => new Date(),
  };
}

interface TargetOptions {
  readonly state?: string;
  readonly vpcd?: string;
  readonly reader?: string;
  readonly keystore?: string;
  readonly weakKdfForTesting?: boolean;
}

function targetOf(options: TargetOptions): CardTarget {
  const given = [options.state, options.vpcd, options.reader].filter((o) => o !== undefined).length;
  if (given !== 1) throw new CliUsageError('give exactly one of --state FILE, --vpcd HOST:PORT, --reader NAME');
  if (options.state !== undefined) return { kind: 'state', imagePath: options.state };
  if (options.reader !== undefined) return { kind: 'reader', readerName: options.reader };
  const { port } = parseVpcdAddress(options.vpcd ?? '');
  if (vpcdReaderPattern(port) === undefined) throw new CliUsageError('--vpcd port is not a vpcd slot of scripts/services (40059, 40060); use --reader NAME');
  return { kind: 'vpcd', port };
}

function principalOf(io: CliIo): string {
  const principal = io.env[OPERATOR_ENV] ?? DEFAULT_PRINCIPAL;
  if (!PRINCIPAL_PATTERN.test(principal)) throw new CliUsageError(`${OPERATOR_ENV} must be 1..64 characters of A-Z a-z 0-9 . _ @ : + / -`);
  return principal;
}

function readHolder(path: string): Holder {
  let text: string;
  try {
    if (statSync(path).size > HOLDER_FILE_BYTES_MAX) throw new CliUsageError('the --holder file is too large');
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError('cannot read the --holder file');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliUsageError('the --holder file is not JSON');
  }
  const parsed = parseHolder(json);
  if (!parsed.ok) throw new CliUsageError(`the --holder file is invalid:\n  ${parsed.problems.join('\n  ')}`);
  return parsed.holder;
}

function applicationsOf(text: string | undefined, holder: Holder): ProfileApplication[] {
  if (text === undefined) return applicationsInHolder(holder);
  const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = names.filter((n) => !isProfileApplication(n));
  if (names.length === 0 || unknown.length > 0) throw new CliUsageError(`--apps takes a comma-separated list of ${PROFILE_APPLICATIONS.join(', ')}`);
  return names.filter(isProfileApplication);
}

function parseStationId(text: string): number {
  const value = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value > STATION_ID_MAX) throw new CliUsageError(`--station-id must be an integer 0..${STATION_ID_MAX}`);
  return value;
}

function roleKeys(role: string | undefined): readonly ProfileKeyRef[] | undefined {
  if (role === undefined) return undefined;
  if (!(KEY_BUNDLE_ROLES as readonly string[]).includes(role)) throw new CliUsageError(`--role must be one of ${KEY_BUNDLE_ROLES.join(', ')}`);
  return KEY_BUNDLE_POLICIES[role as KeyBundleRole].keys.flatMap((k) => (isProfileApplication(k.application) ? [{ application: k.application, keyNo: k.keyNo }] : []));
}

async function withCardAndKeys<T>(
  options: TargetOptions & { purpose: string; allowed?: readonly ProfileKeyRef[] },
  context: ProfileCliContext,
  work: (client: DesfireClient, keys: Awaited<ReturnType<typeof openProfileKeys>>) => Promise<T>,
): Promise<T> {
  const target = targetOf(options);
  let keys;
  try {
    keys = await openProfileKeys({
      path: options.keystore,
      cwd: context.cwd,
      env: context.io.env,
      principal: principalOf(context.io),
      purpose: options.purpose,
      weakKdfForTesting: options.weakKdfForTesting === true,
      ...(options.allowed === undefined ? {} : { allowed: options.allowed }),
    });
  } catch (error: unknown) {
    if (error instanceof ProfileKeyStoreError) throw new CliUsageError(error.message);
    if (error instanceof KeyStoreError) throw new CliFailure(`key store: ${error.message}`);
    throw error;
  }
  try {
    const link = await openCardLink(target, { onInternalError: (error) => { context.io.stderr(`card-os: internal card error (${error instanceof Error ? error.name : typeof error})\n`); } });
    try {
      return await work(new DesfireClient(link.channel), keys);
    } finally {
      await link.close();
    }
  } catch (error: unknown) {
    if (error instanceof PcscError) throw new CliFailure(`PC/SC: ${error.message} [${error.code}]`);
    if (error instanceof HostError) throw new CliFailure(`card link: ${error.message} [${error.code}]`);
    throw error;
  } finally {
    keys.close();
  }
}

function targetOptions(command: Command): Command {
  return command
    .option('--state <file>', 'an emulated card kept in this file (created factory-fresh when absent)')
    .option('--vpcd <host:port>', 'the card in the pcscd reader of this vpcd slot (scripts/services: 127.0.0.1:40059 or :40060)')
    .option('--reader <name>', 'the card in this PC/SC reader')
    .option('--keystore <file>', 'key store (default: the embedded test store under .onecard/profile)')
    .addOption(new Option('--weak-kdf-for-testing', 'open a test store whose scrypt cost is below 2^15').hideHelp());
}

/** Adds `personalise` and `inspect` to `program` (bin/card-os.js's main.ts calls it with the process context). */
export function registerProfileCommands(program: Command, context: ProfileCliContext = processContext()): void {
  targetOptions(program.command('personalise').description('issue a card for a holder: create the applications, diversified keys, files and records (resumable)'))
    .requiredOption('--holder <file>', 'holder.json (see card-os/PROFILE.md §9.2)')
    .option('--apps <list>', `applications to issue, comma-separated (default: those in holder.json; identity always): ${PROFILE_APPLICATIONS.join(',')}`)
    .option('--station-id <n>', 'numeric id of this encoding station, written in issue records', '0')
    .action(async (options: TargetOptions & { holder: string; apps?: string; stationId: string }) => {
      const holder = readHolder(options.holder);
      const plan = buildPlan({ holder, applications: applicationsOf(options.apps, holder), issuedAt: context.clock(), stationId: parseStationId(options.stationId) });
      if (!plan.ok) throw new CliUsageError(plan.problems.join('; '));
      const outcome = await withCardAndKeys({ ...options, purpose: 'personalise' }, context, (client, keys) => runPlan({ client, keys: keys.source, steps: plan.steps }));
      if (!outcome.ok) throw new CliFailure(describeOutcome(outcome));
      context.io.stdout(`${describeOutcome(outcome)}\n`);
    });

  targetOptions(program.command('inspect').description('print what each application holds, as far as the keys allow'))
    .option('--role <role>', `only the keys of this device role (${KEY_BUNDLE_ROLES.join(', ')})`)
    .addOption(new Option('--lang <lang>', 'output language').choices(LANGUAGES).default('vi'))
    .action(async (options: TargetOptions & { role?: string; lang: Language }) => {
      const allowed = roleKeys(options.role);
      const inspection = await withCardAndKeys({ ...options, purpose: 'inspect', ...(allowed === undefined ? {} : { allowed }) }, context, (client, keys) => inspectCard(client, keys.source));
      if (!inspection.ok) throw new CliFailure(`cannot read the card (${inspection.code})`);
      context.io.stdout(renderInspection(inspection.value, options.lang));
    });
}
