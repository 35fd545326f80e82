/**
 * Finding the file a data command addresses and checking its access right,
 * shared by the data, value and record handlers.
 */
import { DesfireStatus } from '../../protocol/status.js';
import type { CardFile, CardFileKind } from '../image/types.js';
import { fileAccess, type FileRight } from './access.js';
import { planFail, planOk, selectedApplication, type CardContext, type PlanResult } from './types.js';

export type FileLookup<K extends CardFileKind> =
  | { readonly ok: true; readonly file: Extract<CardFile, { kind: K }> }
  | { readonly ok: false; readonly status: number };

/** The file `fileNo` of the selected application, if it is one of `kinds`. */
export function findFile<K extends CardFileKind>(ctx: CardContext, fileNo: number | undefined, kinds: readonly K[]): FileLookup<K> {
  const app = selectedApplication(ctx);
  if (app === undefined) return { ok: false, status: DesfireStatus.PERMISSION_DENIED };
  const file = app.files.find((f) => f.fileNo === fileNo);
  if (file === undefined) return { ok: false, status: DesfireStatus.FILE_NOT_FOUND };
  if (!isKind(file, kinds)) return { ok: false, status: DesfireStatus.PARAMETER_ERROR };
  return { ok: true, file };
}

function isKind<K extends CardFileKind>(file: CardFile, kinds: readonly K[]): file is Extract<CardFile, { kind: K }> {
  return (kinds as readonly CardFileKind[]).includes(file.kind);
}

/** Plan step of a data command: the file exists, is of the right kind, and one of `rights` is granted. */
export function planFileCommand(options: {
  ctx: CardContext;
  header: Uint8Array;
  kinds: readonly CardFileKind[];
  /** Rights that grant the command, or a function of the file when they depend on its kind. */
  rights: readonly FileRight[] | ((file: CardFile) => readonly FileRight[]);
  /** Extra grant (value files: free GetValue). */
  freeAccess?: (file: CardFile) => boolean;
  plainDataLengthBytes?: (header: Uint8Array) => number;
}): PlanResult {
  const { ctx, header } = options;
  const found = findFile(ctx, header[0], options.kinds);
  if (!found.ok) return planFail(found.status);
  const rights = typeof options.rights === 'function' ? options.rights(found.file) : options.rights;
  const access = fileAccess(ctx, found.file, rights);
  if (!access.ok) {
    if (options.freeAccess?.(found.file) === true) return planOk({ fileMode: 'plain' });
    return planFail(access.status);
  }
  const plainDataLengthBytes = options.plainDataLengthBytes?.(header);
  return planOk(plainDataLengthBytes === undefined ? { fileMode: access.mode } : { fileMode: access.mode, plainDataLengthBytes });
}
