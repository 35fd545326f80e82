/**
 * Application-level steps (PROFILE.md §4, §8): create the application with
 * the profile's key settings, move every key from the default key (version
 * 0) to the card's diversified key (the master key last: changing it ends
 * the session), and create the files.
 */
import { createFile, getFileIDs, getFileSettings } from '../../host/file-commands.js';
import { changeKey, getKeySettings } from '../../host/key-commands.js';
import { createApplication } from '../../host/picc.js';
import { FileType } from '../../protocol/file-settings.js';
import { encodeKeySettings } from '../../protocol/key-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import { PICC_AID, PICC_APPLICATION, PICC_MASTER_KEY_NO, PROFILE_AIDS, TRANSACTION_MAC_KEY_SLOT, keyCountOf, type ProfileApplication } from '../layout/applications.js';
import { APPLICATION_KEY_SETTINGS } from '../layout/files.js';
import { cardRefused, ok } from '../result.js';
import { DEFAULT_KEY_VERSION, defaultAesKey } from '../session.js';
import { fileSettingsMatch } from './file-settings-match.js';
import type { PlanStep } from './plan.js';
import { unexpected, type RunContext, type StepExecutor, type StepResult } from './step-types.js';

const MASTER_KEY_NO = 0;

type Step<K extends PlanStep['kind']> = Extract<PlanStep, { kind: K }>;

function authMaster(ctx: RunContext, application: ProfileApplication): Promise<StepResult<void>> {
  return ctx.session.authenticate(application, MASTER_KEY_NO, { defaultKeyAllowed: true });
}

export const createApplicationStep: StepExecutor<Step<'create-application'>> = {
  async inspect(step, ctx) {
    const selected = await ctx.session.select(PROFILE_AIDS[step.application], step.application);
    if (selected.ok) return ok('done');
    return selected.code === 'application_absent' ? ok('todo') : selected;
  },
  async apply(step, ctx) {
    const auth = await ctx.session.authenticateAt({ aid: PICC_AID, ref: { application: PICC_APPLICATION, keyNo: PICC_MASTER_KEY_NO }, defaultKeyAllowed: false });
    if (!auth.ok) return auth;
    const created = await createApplication(ctx.session.client, {
      aid: PROFILE_AIDS[step.application],
      keySettings: APPLICATION_KEY_SETTINGS,
      keyType: 'aes128',
      keyCount: keyCountOf(step.application),
    });
    if (!created.ok && created.status !== DesfireStatus.DUPLICATE_ERROR) return cardRefused(created);
    if (created.ok) ctx.createdApplications.add(step.application);
    return ok(undefined);
  },
};

/** Versions of keys 0..n-1; a missing key number (NO_SUCH_KEY) means the application has fewer keys than the profile's. */
async function keyVersions(ctx: RunContext, application: ProfileApplication): Promise<StepResult<number[]>> {
  const selected = await ctx.session.select(PROFILE_AIDS[application], application);
  if (!selected.ok) return selected;
  const versions: number[] = [];
  for (let keyNo = 0; keyNo < keyCountOf(application); keyNo++) {
    const version = await ctx.session.keyVersion(keyNo);
    if (!version.ok) return version.code === 'card_refused' && version.status === DesfireStatus.NO_SUCH_KEY ? unexpected('application_settings') : version;
    versions.push(version.value);
  }
  return ok(versions);
}

/** The active version of each key, and whether the card's versions are all default or active. */
function targets(ctx: RunContext, application: ProfileApplication, versions: readonly number[]): StepResult<{ key: Uint8Array; version: number }[]> {
  const out: { key: Uint8Array; version: number }[] = [];
  for (const [keyNo, version] of versions.entries()) {
    const active = ctx.session.keys.key({ application, keyNo }, 'active');
    if (active === undefined) return { ok: false, code: 'key_not_held', application, keyNo };
    if (active.version === DEFAULT_KEY_VERSION || (version !== DEFAULT_KEY_VERSION && version !== active.version)) return unexpected('key_version');
    out.push(active);
  }
  return ok(out);
}

async function settingsMatch(ctx: RunContext, application: ProfileApplication): Promise<StepResult<boolean>> {
  const auth = await authMaster(ctx, application);
  if (!auth.ok) return auth;
  const current = await getKeySettings(ctx.session.client);
  if (!current.ok) return cardRefused(current);
  const { settings, keyCount } = current.value;
  return ok(encodeKeySettings(settings) === encodeKeySettings(APPLICATION_KEY_SETTINGS) && keyCount.keyType === 'aes128' && keyCount.keyCount === keyCountOf(application));
}

export const applicationKeysStep: StepExecutor<Step<'application-keys'>> = {
  async inspect(step, ctx) {
    const versions = await keyVersions(ctx, step.application);
    if (!versions.ok) return versions;
    const wanted = targets(ctx, step.application, versions.value);
    if (!wanted.ok) return wanted;
    if (!ctx.createdApplications.has(step.application)) {
      const matches = await settingsMatch(ctx, step.application);
      if (!matches.ok) return matches;
      if (!matches.value) return unexpected('application_settings');
    }
    return ok(versions.value.every((version, keyNo) => version === wanted.value[keyNo]?.version) ? 'done' : 'todo');
  },
  async apply(step, ctx) {
    const versions = await keyVersions(ctx, step.application);
    if (!versions.ok) return versions;
    const wanted = targets(ctx, step.application, versions.value);
    if (!wanted.ok) return wanted;
    const auth = await authMaster(ctx, step.application);
    if (!auth.ok) return auth;
    // Other keys first, the master key last: changing the session's own key ends the session.
    const order = [...versions.value.keys()].filter((keyNo) => keyNo !== MASTER_KEY_NO).concat(MASTER_KEY_NO);
    for (const keyNo of order) {
      const target = wanted.value[keyNo];
      if (target === undefined || versions.value[keyNo] === target.version) continue;
      const changed = await changeKey(ctx.session.client, {
        keyNo,
        newKey: target.key,
        newKeyType: 'aes128',
        newKeyVersion: target.version,
        ...(keyNo === MASTER_KEY_NO ? {} : { oldKey: defaultAesKey() }),
        piccLevel: false,
      });
      if (!changed.ok) return cardRefused(changed);
    }
    return ok(undefined);
  },
};

async function fileIdsOf(ctx: RunContext, application: ProfileApplication): Promise<StepResult<readonly number[]>> {
  const cached = ctx.fileIds.get(application);
  if (cached !== undefined) return ok(cached);
  const auth = await authMaster(ctx, application);
  if (!auth.ok) return auth;
  const ids = await getFileIDs(ctx.session.client);
  if (!ids.ok) return cardRefused(ids);
  ctx.fileIds.set(application, ids.value);
  return ok(ids.value);
}

export const createFileStep: StepExecutor<Step<'create-file'>> = {
  async inspect(step, ctx) {
    const { application } = step.file;
    if (ctx.createdApplications.has(application)) return ok('todo');
    const ids = await fileIdsOf(ctx, application);
    if (!ids.ok) return ids;
    if (!ids.value.includes(step.file.fileNo)) return ok('todo');
    const auth = await authMaster(ctx, application);
    if (!auth.ok) return auth;
    const settings = await getFileSettings(ctx.session.client, step.file.fileNo);
    if (!settings.ok) return cardRefused(settings);
    return fileSettingsMatch(settings.value, step.settings) ? ok('done') : unexpected('file_settings');
  },
  async apply(step, ctx) {
    const { application } = step.file;
    const auth = await authMaster(ctx, application);
    if (!auth.ok) return auth;
    let settings = step.settings;
    let tmKey: Uint8Array | undefined;
    if (settings.fileType === FileType.TransactionMac) {
      const macKey = ctx.session.keys.key({ application, keyNo: TRANSACTION_MAC_KEY_SLOT }, 'active');
      if (macKey === undefined) return { ok: false, code: 'key_not_held', application, keyNo: TRANSACTION_MAC_KEY_SLOT };
      settings = { ...settings, tmKeyVersion: macKey.version };
      tmKey = macKey.key;
    }
    const created = await createFile(ctx.session.client, { fileNo: step.file.fileNo, isoFileId: undefined, settings, tmKey });
    ctx.fileIds.delete(application);
    if (!created.ok && created.status !== DesfireStatus.DUPLICATE_ERROR) return cardRefused(created);
    if (created.ok) ctx.createdFiles.add(step.file.name);
    return ok(undefined);
  },
};
