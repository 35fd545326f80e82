/**
 * Data steps (PROFILE.md §9.1): write a data file with the holder's record,
 * and append the first (issue) record of a log. Each authenticates with the
 * key the file's access rights name (the issuer holds them all), so the
 * personaliser exercises the same rights the terminals will.
 */
import { equalBytes } from '@onecard/keys';
import { FileType } from '../../protocol/file-settings.js';
import type { AccessCondition } from '../../protocol/access-rights.js';
import type { ProfileFile } from '../layout/files.js';
import { ok } from '../result.js';
import { appendRawRecord, commit, readRawFile, readRawLog, writeRawFile } from '../readers/file-io.js';
import type { PlanStep } from './plan.js';
import { unexpected, type RunContext, type StepExecutor, type StepResult } from './step-types.js';

type Step<K extends PlanStep['kind']> = Extract<PlanStep, { kind: K }>;

function keyOf(condition: AccessCondition): number | undefined {
  return condition.kind === 'key' ? condition.keyNo : undefined;
}

/** The key that reads (`read`) or writes (`write`) a file under its access rights: the single right first, then ReadWrite. */
export function keyFor(file: ProfileFile, use: 'read' | 'write'): number {
  const rights = file.settings.accessRights;
  const keyNo = keyOf(use === 'read' ? rights.read : rights.write) ?? keyOf(rights.readWrite);
  if (keyNo === undefined) throw new Error(`assertion failed: ${file.name} has no ${use} key`);
  return keyNo;
}

async function authFor(ctx: RunContext, file: ProfileFile, use: 'read' | 'write'): Promise<StepResult<void>> {
  return ctx.session.authenticate(file.application, keyFor(file, use), { defaultKeyAllowed: false });
}

function transactional(file: ProfileFile): boolean {
  return file.settings.fileType !== FileType.StandardData;
}

export const writeRecordStep: StepExecutor<Step<'write-record'>> = {
  async inspect(step, ctx) {
    if (ctx.createdFiles.has(step.file.name)) return ok('todo');
    const auth = await authFor(ctx, step.file, 'read');
    if (!auth.ok) return auth;
    const current = await readRawFile(ctx.session, step.file);
    if (!current.ok) return current;
    if (equalBytes(current.value, step.data)) return ok('done');
    // A different record that decodes is someone's data: never overwritten. Blank or torn bytes are.
    return step.codec.decode(current.value).ok ? unexpected('record_differs') : ok('todo');
  },
  async apply(step, ctx) {
    const auth = await authFor(ctx, step.file, 'write');
    if (!auth.ok) return auth;
    const written = await writeRawFile(ctx.session, step.file, step.data);
    if (!written.ok) return written;
    return transactional(step.file) ? commit(ctx.session) : ok(undefined);
  },
};

export const appendFirstRecordStep: StepExecutor<Step<'append-first-record'>> = {
  async inspect(step, ctx) {
    if (ctx.createdFiles.has(step.file.name)) return ok('todo');
    const auth = await authFor(ctx, step.file, 'read');
    if (!auth.ok) return auth;
    const newest = await readRawLog(ctx.session, step.file, { newestCount: 1 });
    if (!newest.ok) return newest;
    return ok(newest.value.length === 0 ? 'todo' : 'done');
  },
  async apply(step, ctx) {
    const auth = await authFor(ctx, step.file, 'write');
    if (!auth.ok) return auth;
    const appended = await appendRawRecord(ctx.session, step.file, step.data);
    if (!appended.ok) return appended;
    return commit(ctx.session);
  },
};
