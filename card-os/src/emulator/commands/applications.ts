/**
 * Application management: CreateApplication, DeleteApplication,
 * SelectApplication, GetApplicationIDs, GetDFNames.
 */
import { equalBytes, readUintLe, uintLe } from '@onecard/keys';
import { decodeKeyCountByte } from '../../protocol/key-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import { initialApplicationKey } from '../image/factory.js';
import { applicationCostBytes } from '../image/memory.js';
import type { ApplicationImage } from '../image/types.js';
import {
  AID_LENGTH_BYTES,
  APPLICATION_COUNT_MAX,
  DF_NAME_LENGTH_BYTES_MAX,
  ISO_FILE_ID_LENGTH_BYTES,
  KEY_COUNT_PER_APPLICATION_MAX,
} from '../limits.js';
import { PICC_AID } from '../session/session.js';
import { atPiccLevel, currentKeySettings, masterKeyAuthenticated, requireMasterKeyUnless } from './access.js';
import { fail, ok, persistOutcome, type CardContext, type CommandHandler } from './types.js';

const KEY_SETTINGS_OFFSET = AID_LENGTH_BYTES;
const KEY_COUNT_OFFSET = AID_LENGTH_BYTES + 1;
const CREATE_APP_LENGTH_BYTES_MIN = AID_LENGTH_BYTES + 2;
const CREATE_APP_ISO_FID_OFFSET = CREATE_APP_LENGTH_BYTES_MIN;
const CREATE_APP_DF_NAME_OFFSET = CREATE_APP_ISO_FID_OFFSET + ISO_FILE_ID_LENGTH_BYTES;
/** ISO/IEC 7816-4 §5.3.1.1: 3F00 is the MF, 3FFF and FFFF are reserved. */
/** AIDs in one GetApplicationIDs frame: floor(59 / 3). */
export const AIDS_PER_FRAME_MAX = 19;
const RESERVED_ISO_FILE_IDS: readonly number[] = [0x3f00, 0x3fff, 0xffff];

export function readAid(data: Uint8Array, offset = 0): number {
  return readUintLe(data, offset, AID_LENGTH_BYTES);
}

export function aidBytes(aid: number): Uint8Array {
  return uintLe(aid, AID_LENGTH_BYTES);
}

function piccFreeCreateDelete(ctx: CardContext): boolean {
  return currentKeySettings(ctx, undefined).freeCreateDelete;
}

export const createApplication: CommandHandler = {
  run(ctx, data) {
    const length = data.length;
    const isoFidPresent = length >= CREATE_APP_DF_NAME_OFFSET;
    if (length < CREATE_APP_LENGTH_BYTES_MIN || length === CREATE_APP_LENGTH_BYTES_MIN + 1 || length > CREATE_APP_DF_NAME_OFFSET + DF_NAME_LENGTH_BYTES_MAX) {
      return fail(DesfireStatus.LENGTH_ERROR);
    }
    if (!atPiccLevel(ctx)) return fail(DesfireStatus.PERMISSION_DENIED);
    const denied = requireMasterKeyUnless(ctx, piccFreeCreateDelete(ctx));
    if (denied !== null) return fail(denied);
    const aid = readAid(data);
    const keySettings = data[KEY_SETTINGS_OFFSET] ?? 0;
    const keyCountByte = decodeKeyCountByte(data[KEY_COUNT_OFFSET] ?? 0);
    if (aid === PICC_AID || keyCountByte === undefined || keyCountByte.keySettings3Present) return fail(DesfireStatus.PARAMETER_ERROR);
    if (keyCountByte.keyCount > KEY_COUNT_PER_APPLICATION_MAX) return fail(DesfireStatus.PARAMETER_ERROR);
    const isoFileId = isoFidPresent ? readUintLe(data, CREATE_APP_ISO_FID_OFFSET, ISO_FILE_ID_LENGTH_BYTES) : null;
    if (isoFileId !== null && RESERVED_ISO_FILE_IDS.includes(isoFileId)) return fail(DesfireStatus.PARAMETER_ERROR);
    const dfName = length > CREATE_APP_DF_NAME_OFFSET ? data.slice(CREATE_APP_DF_NAME_OFFSET) : null;
    const apps = ctx.image.applications;
    const duplicate = apps.some(
      (a) =>
        a.aid === aid ||
        (isoFileId !== null && a.isoFileId === isoFileId) ||
        (dfName !== null && a.dfName !== null && equalBytes(a.dfName, dfName)),
    );
    if (duplicate) return fail(DesfireStatus.DUPLICATE_ERROR);
    if (apps.length >= APPLICATION_COUNT_MAX) return fail(DesfireStatus.COUNT_ERROR);
    const costBytes = applicationCostBytes(keyCountByte.keyCount);
    if (costBytes > ctx.image.eepromFreeBytes) return fail(DesfireStatus.OUT_OF_EEPROM_ERROR);
    const key = initialApplicationKey(ctx.image, keyCountByte.keyType);
    const app: ApplicationImage = {
      aid,
      isoFileId,
      dfName,
      keySettings,
      keyFamily: keyCountByte.keyType,
      isoFileIdsEnabled: keyCountByte.isoFileIds,
      keys: Array.from({ length: keyCountByte.keyCount }, () => ({ material: key.material.slice(), version: key.version })),
      files: [],
      allocatedBytes: costBytes,
    };
    return persistOutcome(ctx, {
      ...ctx.image,
      applications: [...apps, app],
      eepromFreeBytes: ctx.image.eepromFreeBytes - costBytes,
    });
  },
};

/**
 * DeleteApplication: with the PICC master key (or freely, PICC key settings
 * bit 2), or with the application's own master key while it is selected.
 * Its memory is not released (only FormatPICC does that).
 */
export const deleteApplication: CommandHandler = {
  run(ctx, data) {
    if (data.length !== AID_LENGTH_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
    const aid = readAid(data);
    if (aid === PICC_AID) return fail(DesfireStatus.PARAMETER_ERROR);
    const app = ctx.image.applications.find((a) => a.aid === aid);
    if (app === undefined) return fail(DesfireStatus.APPLICATION_NOT_FOUND);
    const ownMaster = ctx.session.selectedAid === aid && masterKeyAuthenticated(ctx);
    const piccMaster = atPiccLevel(ctx) && masterKeyAuthenticated(ctx);
    if (!ownMaster && !piccMaster && !piccFreeCreateDelete(ctx)) return fail(DesfireStatus.AUTHENTICATION_ERROR);
    const outcome = persistOutcome(ctx, { ...ctx.image, applications: ctx.image.applications.filter((a) => a.aid !== aid) });
    if (outcome.status !== DesfireStatus.OPERATION_OK || ctx.session.selectedAid !== aid) return outcome;
    // The answer still travels in the session that asked; then the PICC level is selected, unauthenticated.
    ctx.session.selectedAid = PICC_AID;
    ctx.session.dropTransaction();
    return { ...outcome, endsAuthenticationAfterResponse: true };
  },
};

/** SelectApplication: any selection ends the authentication and drops the pending transaction. */
export const selectApplication: CommandHandler = {
  run(ctx, data) {
    if (data.length !== AID_LENGTH_BYTES) return fail(DesfireStatus.LENGTH_ERROR);
    const aid = readAid(data);
    if (aid !== PICC_AID && !ctx.image.applications.some((a) => a.aid === aid)) return fail(DesfireStatus.APPLICATION_NOT_FOUND);
    ctx.session.endAuthentication();
    ctx.session.dropTransaction();
    ctx.session.selectedAid = aid;
    return ok();
  },
};

function directoryListAllowed(ctx: CardContext): number | null {
  if (!atPiccLevel(ctx)) return DesfireStatus.PERMISSION_DENIED;
  return requireMasterKeyUnless(ctx, currentKeySettings(ctx, undefined).freeDirectoryList);
}

export const getApplicationIDs: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    const denied = directoryListAllowed(ctx);
    if (denied !== null) return fail(denied);
    const out = new Uint8Array(ctx.image.applications.length * AID_LENGTH_BYTES);
    ctx.image.applications.forEach((a, i) => {
      out.set(aidBytes(a.aid), i * AID_LENGTH_BYTES);
    });
    // Whole AIDs per frame: 19 in the first (57 of 59 bytes), the rest after AF.
    const firstFrameBytes = AIDS_PER_FRAME_MAX * AID_LENGTH_BYTES;
    return { ...ok(out), leadingFrameSizesBytes: [firstFrameBytes] };
  },
};

/** GetDFNames: one application per frame: AID ‖ ISO FID ‖ DF name, for applications that have a DF name. */
export const getDFNames: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    const denied = directoryListAllowed(ctx);
    if (denied !== null) return fail(denied);
    const entries: Uint8Array[] = [];
    for (const a of ctx.image.applications) {
      if (a.dfName === null) continue;
      entries.push(Uint8Array.of(...aidBytes(a.aid), ...uintLe(a.isoFileId ?? 0, ISO_FILE_ID_LENGTH_BYTES), ...a.dfName));
    }
    const sizes = entries.map((e) => e.length);
    const out = new Uint8Array(sizes.reduce((s, n) => s + n, 0));
    let offset = 0;
    for (const e of entries) {
      out.set(e, offset);
      offset += e.length;
    }
    return { ...ok(out), leadingFrameSizesBytes: sizes.slice(0, -1) };
  },
};
