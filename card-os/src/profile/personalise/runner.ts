/**
 * Runs a personalisation plan through the host library. Each step is
 * inspected on the card first: done steps are skipped, missing ones applied,
 * and a state the plan would have to overwrite (another holder's record, a
 * key of an unknown version, a file with other rights) stops the run with
 * the step and what was found. A card pulled away mid-way stops the run
 * with `link_lost`; running the same plan again finishes it.
 */
import type { DesfireClient } from '../../host/client.js';
import { HostError } from '../../host/errors.js';
import type { ProfileKeySource } from '../keys/key-source.js';
import { ProfileSession } from '../session.js';
import type { PlanStep } from './plan.js';
import { appendFirstRecordStep, writeRecordStep } from './steps-data.js';
import { applicationKeysStep, createApplicationStep, createFileStep } from './steps-application.js';
import { piccKeySettingsStep, piccMasterKeyStep } from './steps-picc.js';
import type { RunContext, StepExecutor, StepFailure, StepResult, StepState } from './step-types.js';

/** The longest plan: 2 card steps + 6 applications × (2 + 6 files + 3 data steps). */
export const PLAN_STEP_COUNT_MAX = 80;

/** The pseudo-step reported when the card's UID cannot be read before the plan starts. */
export const READ_UID_STEP_ID = 'picc:read-uid';

export type StepAction = 'already-done' | 'applied';

export interface StepReport {
  readonly id: string;
  readonly action: StepAction;
}

export type PersonaliseOutcome =
  | { readonly ok: true; readonly steps: readonly StepReport[] }
  | { readonly ok: false; readonly steps: readonly StepReport[]; readonly failedStep: string; readonly failure: StepFailure };

interface BoundStep {
  inspect(): Promise<StepResult<StepState>>;
  apply(): Promise<StepResult<void>>;
}

function bind<S extends PlanStep>(executor: StepExecutor<S>, step: S, ctx: RunContext): BoundStep {
  return { inspect: () => executor.inspect(step, ctx), apply: () => executor.apply(step, ctx) };
}

function executorFor(step: PlanStep, ctx: RunContext): BoundStep {
  switch (step.kind) {
    case 'picc-master-key':
      return bind(piccMasterKeyStep, step, ctx);
    case 'picc-key-settings':
      return bind(piccKeySettingsStep, step, ctx);
    case 'create-application':
      return bind(createApplicationStep, step, ctx);
    case 'application-keys':
      return bind(applicationKeysStep, step, ctx);
    case 'create-file':
      return bind(createFileStep, step, ctx);
    case 'write-record':
      return bind(writeRecordStep, step, ctx);
    case 'append-first-record':
      return bind(appendFirstRecordStep, step, ctx);
  }
}

async function guarded<T>(work: () => Promise<StepResult<T>>): Promise<StepResult<T>> {
  try {
    return await work();
  } catch (error: unknown) {
    if (error instanceof HostError && error.code !== 'invalid_argument' && error.code !== 'not_authenticated') return { ok: false, code: 'link_lost' };
    throw error;
  }
}

export async function runPlan(options: { client: DesfireClient; keys: ProfileKeySource; steps: readonly PlanStep[] }): Promise<PersonaliseOutcome> {
  if (options.steps.length > PLAN_STEP_COUNT_MAX) throw new RangeError(`a plan has at most ${PLAN_STEP_COUNT_MAX} steps`);
  const reports: StepReport[] = [];
  const opened = await guarded(() => ProfileSession.open(options.client, options.keys));
  if (!opened.ok) return { ok: false, steps: reports, failedStep: READ_UID_STEP_ID, failure: opened };
  const session = opened.value;
  const ctx: RunContext = { session, createdApplications: new Set(), createdFiles: new Set(), fileIds: new Map() };
  try {
    for (const step of options.steps) {
      const executor = executorFor(step, ctx);
      const found = await guarded(() => executor.inspect());
      if (!found.ok) return { ok: false, steps: reports, failedStep: step.id, failure: found };
      if (found.value === 'done') {
        reports.push({ id: step.id, action: 'already-done' });
        continue;
      }
      const applied = await guarded(() => executor.apply());
      if (!applied.ok) return { ok: false, steps: reports, failedStep: step.id, failure: applied };
      reports.push({ id: step.id, action: 'applied' });
    }
    return { ok: true, steps: reports };
  } finally {
    session.close();
  }
}
