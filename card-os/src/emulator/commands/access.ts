/**
 * Who may do what: file access rights and key-settings checks, in one place.
 *
 * File rights (EV1 data sheet remarks; MF2DLHX0 §8.2.3.2): a nibble is a key
 * number, 0xE free or 0xF never. Not granted and every candidate right is
 * "never" → PERMISSION_DENIED; otherwise (a key would do, the session lacks
 * it) → AUTHENTICATION_ERROR. Access granted through a key uses the file's
 * communication mode; access granted only because a right is free is plain
 * (libfreefare madame_soleil_get_*_communication_settings).
 */
import type { CommunicationMode } from '../../protocol/commands.js';
import { accessCondition } from '../../protocol/access-rights.js';
import { decodeKeySettings, type KeySettings } from '../../protocol/key-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import type { ApplicationImage, CardFile } from '../image/types.js';
import { PICC_AID } from '../session/session.js';
import type { CardContext } from './types.js';

export type FileRight = 'read' | 'write' | 'readWrite' | 'change';

const SHIFT_BITS: Readonly<Record<FileRight, number>> = { read: 12, write: 8, readWrite: 4, change: 0 };
const MASTER_KEY_NO = 0;

export type AccessResult = { readonly ok: true; readonly mode: CommunicationMode } | { readonly ok: false; readonly status: number };

export function rightNibble(file: CardFile, right: FileRight): number {
  return (file.accessRightsWord >> SHIFT_BITS[right]) & 0x0f;
}

/** Whether one of `rights` grants access in this session, and the mode the data then travels in. */
export function fileAccess(ctx: CardContext, file: CardFile, rights: readonly FileRight[]): AccessResult {
  const keyNo = ctx.session.auth?.keyNo;
  let free = false;
  let allNever = true;
  for (const right of rights) {
    const condition = accessCondition(rightNibble(file, right));
    switch (condition.kind) {
      case 'never':
        break;
      case 'free':
        free = true;
        allNever = false;
        break;
      case 'key':
        allNever = false;
        if (keyNo === condition.keyNo) return { ok: true, mode: file.commMode };
        break;
    }
  }
  if (free) return { ok: true, mode: 'plain' };
  return { ok: false, status: allNever ? DesfireStatus.PERMISSION_DENIED : DesfireStatus.AUTHENTICATION_ERROR };
}

/** Key settings of the selected level (PICC or application). */
export function currentKeySettings(ctx: CardContext, app: ApplicationImage | undefined): KeySettings {
  return decodeKeySettings(app === undefined ? ctx.image.piccKeySettings : app.keySettings);
}

/** Authenticated with the master key (key 0) of the selected level. */
export function masterKeyAuthenticated(ctx: CardContext): boolean {
  return ctx.session.auth?.keyNo === MASTER_KEY_NO;
}

/** null when allowed; otherwise the status (AUTHENTICATION_ERROR: the master key would allow it). */
export function requireMasterKeyUnless(ctx: CardContext, freeBySettings: boolean): number | null {
  if (freeBySettings || masterKeyAuthenticated(ctx)) return null;
  return DesfireStatus.AUTHENTICATION_ERROR;
}

export function atPiccLevel(ctx: CardContext): boolean {
  return ctx.session.selectedAid === PICC_AID;
}
