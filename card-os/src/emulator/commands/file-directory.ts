/**
 * GetFileIDs, GetISOFileIDs, GetFileSettings, ChangeFileSettings.
 */
import { uintLe } from '@onecard/keys';
import { decodeAccessRightsWord, encodeAccessRightsWord, accessCondition } from '../../protocol/access-rights.js';
import { decodeCommMode, encodeFileSettings } from '../../protocol/file-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import type { ApplicationImage, CardFile } from '../image/types.js';
import { ISO_FILE_ID_LENGTH_BYTES } from '../limits.js';
import { currentKeySettings, requireMasterKeyUnless, rightNibble } from './access.js';
import { fileSettingsOf } from './file-settings-bridge.js';
import {
  fail,
  ok,
  persistOutcome,
  planFail,
  planOk,
  selectedApplication,
  withApplication,
  type CardContext,
  type CommandHandler,
  type Outcome,
} from './types.js';

type DirectoryAccess = { ok: true; app: ApplicationImage } | { ok: false; outcome: Outcome };

/** Directory commands: an application selected, and free directory list or its master key. */
function directoryAccess(ctx: CardContext): DirectoryAccess {
  const app = selectedApplication(ctx);
  if (app === undefined) return { ok: false, outcome: fail(DesfireStatus.PERMISSION_DENIED) };
  const denied = requireMasterKeyUnless(ctx, currentKeySettings(ctx, app).freeDirectoryList);
  if (denied !== null) return { ok: false, outcome: fail(denied) };
  return { ok: true, app };
}

function sortedFiles(app: ApplicationImage): CardFile[] {
  return [...app.files].sort((a, b) => a.fileNo - b.fileNo);
}

export const getFileIDs: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    const access = directoryAccess(ctx);
    if (!access.ok) return access.outcome;
    return ok(Uint8Array.from(sortedFiles(access.app).map((f) => f.fileNo)));
  },
};

export const getISOFileIDs: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    const access = directoryAccess(ctx);
    if (!access.ok) return access.outcome;
    const ids = sortedFiles(access.app).flatMap((f) => (f.isoFileId === null ? [] : [...uintLe(f.isoFileId, ISO_FILE_ID_LENGTH_BYTES)]));
    return ok(Uint8Array.from(ids));
  },
};

export const getFileSettings: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 1) return fail(DesfireStatus.LENGTH_ERROR);
    const access = directoryAccess(ctx);
    if (!access.ok) return access.outcome;
    const file = access.app.files.find((f) => f.fileNo === data[0]);
    if (file === undefined) return fail(DesfireStatus.FILE_NOT_FOUND);
    return ok(encodeFileSettings(fileSettingsOf(file)));
  },
};

/** FileNo ‖ FileOption ‖ AccessRights(2). */
const CHANGE_FILE_SETTINGS_LENGTH_BYTES = 4;
const FILE_OPTION_MODE_MASK = 0x03;

/**
 * ChangeFileSettings: refused when the Change right is "never"; with a free
 * Change right it travels plain, otherwise enciphered with the Change key's session.
 */
export const changeFileSettings: CommandHandler = {
  plan(ctx, header) {
    const app = selectedApplication(ctx);
    if (app === undefined) return planFail(DesfireStatus.PERMISSION_DENIED);
    const file = app.files.find((f) => f.fileNo === header[0]);
    if (file === undefined) return planFail(DesfireStatus.FILE_NOT_FOUND);
    const change = accessCondition(rightNibble(file, 'change'));
    switch (change.kind) {
      case 'never':
        return planFail(DesfireStatus.PERMISSION_DENIED);
      case 'free':
        return planOk({ commandMode: 'plain' });
      case 'key':
        return ctx.session.auth?.keyNo === change.keyNo ? planOk({ commandMode: 'full' }) : planFail(DesfireStatus.AUTHENTICATION_ERROR);
    }
  },
  run(ctx, data) {
    const app = selectedApplication(ctx);
    if (app === undefined) return fail(DesfireStatus.PERMISSION_DENIED);
    if (data.length !== CHANGE_FILE_SETTINGS_LENGTH_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
    const file = app.files.find((f) => f.fileNo === data[0]);
    if (file === undefined) return fail(DesfireStatus.FILE_NOT_FOUND);
    const option = data[1] ?? 0;
    if ((option & ~FILE_OPTION_MODE_MASK) !== 0) return fail(DesfireStatus.PARAMETER_ERROR);
    const accessRightsWord = encodeAccessRightsWord(decodeAccessRightsWord((data[2] ?? 0) | ((data[3] ?? 0) << 8)));
    const nextFile: CardFile = { ...file, commMode: decodeCommMode(option), accessRightsWord };
    return persistOutcome(ctx, withApplication(ctx.image, { ...app, files: app.files.map((f) => (f.fileNo === file.fileNo ? nextFile : f)) }));
  },
};
