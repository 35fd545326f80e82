/**
 * The personalisation plan as data (PROFILE.md §9.1): an ordered list of
 * idempotent steps that takes a factory card (or a card already issued with
 * other applications) to an issued card for one holder and a set of
 * applications. The runner (runner.ts) inspects each step on the card and
 * applies only what is missing, so re-running after a card was pulled away
 * resumes where it stopped.
 */
import { canteenEventCodec } from '../codecs/canteen-event.js';
import { credentialCodec, employeeCodec } from '../codecs/civil.js';
import { emergencyCodec, insuranceCodec } from '../codecs/health.js';
import { CARD_PROFILE_VERSION, identityCodec } from '../codecs/identity.js';
import { libraryLoansCodec } from '../codecs/library-loans.js';
import type { RecordCodec } from '../codecs/result.js';
import { studentRecordCodec } from '../codecs/student-record.js';
import { transitEntitlementsCodec } from '../codecs/transit-entitlements.js';
import { initialFareState, transitFareStateCodec } from '../codecs/transit-fare-state.js';
import { tripCodec } from '../codecs/transit-trip.js';
import { PROFILE_APPLICATIONS, type ProfileApplication } from '../layout/applications.js';
import { filesOf, profileFile, type ProfileFile } from '../layout/files.js';
import { FileType, type FileSettings } from '../../protocol/file-settings.js';
import type { Holder } from './holder.js';

/**
 * Transaction number of the issue records: 0, the TMC before the first
 * commit (the TMAC file is created after them), so the first tap's record
 * carries TMC 1.
 */
export const ISSUE_TRANSACTION_NO = 0;

export type PlanStep =
  | { readonly id: string; readonly kind: 'picc-master-key' }
  | { readonly id: string; readonly kind: 'picc-key-settings' }
  | { readonly id: string; readonly kind: 'create-application'; readonly application: ProfileApplication }
  | { readonly id: string; readonly kind: 'application-keys'; readonly application: ProfileApplication }
  | { readonly id: string; readonly kind: 'create-file'; readonly file: ProfileFile; readonly settings: FileSettings }
  /** Writes a whole data file; `codec` tells a different valid record (conflict) from a blank or torn one. */
  | { readonly id: string; readonly kind: 'write-record'; readonly file: ProfileFile; readonly data: Uint8Array; readonly codec: RecordCodec<unknown> }
  /** Appends the first record of a log, only when the log is empty. */
  | { readonly id: string; readonly kind: 'append-first-record'; readonly file: ProfileFile; readonly data: Uint8Array };

export interface PlanOptions {
  readonly holder: Holder;
  /** Applications to issue; identity is always included. */
  readonly applications: readonly ProfileApplication[];
  /** When the card is issued (issue records carry it). */
  readonly issuedAt: Date;
  /** Numeric id of the encoding station, in issue records. */
  readonly stationId: number;
}

export type PlanResult = { readonly ok: true; readonly steps: readonly PlanStep[] } | { readonly ok: false; readonly problems: readonly string[] };

function fileSteps(file: ProfileFile, settings: FileSettings = file.settings): PlanStep {
  return { id: `${file.name}:create`, kind: 'create-file', file, settings };
}

function writeStep<T>(name: string, codec: RecordCodec<T>, value: T): PlanStep {
  return { id: `${name}:write`, kind: 'write-record', file: profileFile(name), data: codec.encode(value), codec };
}

function purseSettings(file: ProfileFile, openingBalanceVnd: number): FileSettings {
  if (file.settings.fileType !== FileType.Value) throw new TypeError(`${file.name} is not a value file`);
  return { ...file.settings, value: openingBalanceVnd };
}

/** Create steps for every file of the application except the Transaction MAC file, which comes last. */
function createFiles(application: ProfileApplication, overrides: Readonly<Record<string, FileSettings>> = {}): PlanStep[] {
  return filesOf(application)
    .filter((f) => f.content !== 'transaction-mac')
    .map((f) => fileSteps(f, overrides[f.name]));
}

function transactionMacSteps(application: ProfileApplication): PlanStep[] {
  return filesOf(application)
    .filter((f) => f.content === 'transaction-mac')
    .map((f) => fileSteps(f));
}

function applicationSteps(application: ProfileApplication, options: PlanOptions): PlanStep[] | string {
  const { holder, issuedAt, stationId } = options;
  const head: PlanStep[] = [
    { id: `${application}:create`, kind: 'create-application', application },
    { id: `${application}:keys`, kind: 'application-keys', application },
  ];
  switch (application) {
    case 'identity':
      return [
        ...head,
        ...createFiles('identity'),
        writeStep('identity.holder', identityCodec, { profileVersion: CARD_PROFILE_VERSION, cardNumber: holder.card.number, issuerCode: holder.card.issuerCode, issuedOn: holder.card.issuedOn, expiresOn: holder.card.expiresOn, categories: holder.categories }),
      ];
    case 'transit': {
      const t = holder.transit;
      if (t === undefined) return 'holder.json has no transit section';
      const purse = profileFile('transit.purse');
      const trips = profileFile('transit.trips');
      const issue = { event: 'issue', transactionNo: ISSUE_TRANSACTION_NO, at: issuedAt, deviceId: stationId, routeId: 0, amountVnd: t.openingBalanceVnd, balanceAfterVnd: t.openingBalanceVnd, contractSlot: undefined } as const;
      return [
        ...head,
        ...createFiles('transit', { [purse.name]: purseSettings(purse, t.openingBalanceVnd) }),
        writeStep('transit.entitlements', transitEntitlementsCodec, { fareCategory: t.fareCategory, fareCategoryValidFrom: t.fareCategoryValidFrom, fareCategoryValidUntil: t.fareCategoryValidUntil, contracts: t.contracts }),
        writeStep('transit.fare-state', transitFareStateCodec, initialFareState(holder.card.issuedOn)),
        { id: `${trips.name}:issue`, kind: 'append-first-record', file: trips, data: tripCodec.encode(issue) },
        ...transactionMacSteps('transit'),
      ];
    }
    case 'student':
      if (holder.student === undefined) return 'holder.json has no student section';
      return [...head, ...createFiles('student'), writeStep('student.record', studentRecordCodec, holder.student), writeStep('student.library-loans', libraryLoansCodec, { loans: [] })];
    case 'canteen': {
      if (holder.canteen === undefined) return 'holder.json has no canteen section';
      const purse = profileFile('canteen.purse');
      const events = profileFile('canteen.events');
      const balance = holder.canteen.openingBalanceVnd;
      const issue = { event: 'issue', transactionNo: ISSUE_TRANSACTION_NO, at: issuedAt, amountVnd: balance, balanceAfterVnd: balance } as const;
      return [
        ...head,
        ...createFiles('canteen', { [purse.name]: purseSettings(purse, balance) }),
        { id: `${events.name}:issue`, kind: 'append-first-record', file: events, data: canteenEventCodec.encode(issue) },
        ...transactionMacSteps('canteen'),
      ];
    }
    case 'civil':
      if (holder.civil === undefined) return 'holder.json has no civil section';
      return [...head, ...createFiles('civil'), writeStep('civil.employee', employeeCodec, holder.civil.employee), writeStep('civil.credential', credentialCodec, holder.civil.credential)];
    case 'health': {
      const h = holder.health;
      if (h === undefined) return 'holder.json has no health section';
      const emergency = h.emergency === undefined ? [] : [writeStep('health.emergency', emergencyCodec, h.emergency)];
      return [...head, ...createFiles('health'), writeStep('health.insurance', insuranceCodec, h.insurance), ...emergency];
    }
  }
}

/** Builds the steps; refuses applications the holder file has no data for. */
export function buildPlan(options: PlanOptions): PlanResult {
  const wanted = new Set<ProfileApplication>(['identity', ...options.applications]);
  const steps: PlanStep[] = [
    { id: 'picc:master-key', kind: 'picc-master-key' },
    { id: 'picc:key-settings', kind: 'picc-key-settings' },
  ];
  const problems: string[] = [];
  for (const application of PROFILE_APPLICATIONS) {
    if (!wanted.has(application)) continue;
    const built = applicationSteps(application, options);
    if (typeof built === 'string') problems.push(built);
    else steps.push(...built);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, steps };
}

/** The applications a holder file has data for (identity always). */
export function applicationsInHolder(holder: Holder): ProfileApplication[] {
  return PROFILE_APPLICATIONS.filter((application) => application === 'identity' || holder[application] !== undefined);
}
