/**
 * What a personalisation step finds on the card and what can go wrong,
 * shared by the step executors and the runner.
 */
import type { ProfileApplication } from '../layout/applications.js';
import type { ProfileFailure, ProfileResult } from '../result.js';
import type { ProfileSession } from '../session.js';
import type { PlanStep } from './plan.js';

/** What a step found on the card that it will not overwrite. */
export type UnexpectedState =
  /** The PICC master key has a version that is neither the factory 0 nor the active master's. */
  | 'picc_key_version'
  /** The factory DES key did not authenticate, and the version says factory. */
  | 'picc_key_unknown'
  /** The application exists with other key settings, key type or key count. */
  | 'application_settings'
  /** An application key carries a version that is neither default (0) nor the active master's. */
  | 'key_version'
  /** A file exists with other type, mode, access rights or size. */
  | 'file_settings'
  /** A data file holds a valid record that differs from the holder's (another holder, or a card in use). */
  | 'record_differs';

export type StepFailure =
  | ProfileFailure
  | { readonly ok: false; readonly code: 'unexpected_state'; readonly what: UnexpectedState }
  /** The card left the field or the reader failed; re-running resumes. */
  | { readonly ok: false; readonly code: 'link_lost' };

export type StepResult<T> = { readonly ok: true; readonly value: T } | StepFailure;

export type StepState = 'done' | 'todo';

export interface RunContext {
  readonly session: ProfileSession;
  /** Applications and files this run created: known empty, no need to read them back. */
  readonly createdApplications: Set<ProfileApplication>;
  readonly createdFiles: Set<string>;
  /** GetFileIDs answers, per application, for this run. */
  readonly fileIds: Map<ProfileApplication, readonly number[]>;
}

export interface StepExecutor<S extends PlanStep> {
  inspect(step: S, ctx: RunContext): Promise<StepResult<StepState>>;
  apply(step: S, ctx: RunContext): Promise<StepResult<void>>;
}

export function unexpected(what: UnexpectedState): StepFailure {
  return { ok: false, code: 'unexpected_state', what };
}

/** Narrows a ProfileResult failure to a StepResult failure (they share the shape). */
export function asStep<T>(result: ProfileResult<T>): StepResult<T> {
  return result;
}
