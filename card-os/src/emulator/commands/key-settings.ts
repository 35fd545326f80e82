/**
 * GetKeySettings, ChangeKeySettings, GetKeyVersion.
 */
import { encodeKeyCountByte } from '../../protocol/key-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import { PICC_KEY_COUNT } from '../limits.js';
import { atPiccLevel, currentKeySettings, masterKeyAuthenticated, requireMasterKeyUnless } from './access.js';
import { fail, ok, persistOutcome, selectedApplication, withApplication, type CommandHandler } from './types.js';

/** At PICC level the upper nibble of the key settings is RFU and must be 0. */
const PICC_KEY_SETTINGS_RFU_MASK = 0xf0;

export const getKeySettings: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 0) return fail(DesfireStatus.LENGTH_ERROR);
    const app = selectedApplication(ctx);
    const denied = requireMasterKeyUnless(ctx, currentKeySettings(ctx, app).freeDirectoryList);
    if (denied !== null) return fail(denied);
    if (app === undefined) {
      const countByte = encodeKeyCountByte({ keyType: ctx.image.masterKeyFamily, keyCount: PICC_KEY_COUNT, isoFileIds: false, keySettings3Present: false });
      return ok(Uint8Array.of(ctx.image.piccKeySettings, countByte));
    }
    const countByte = encodeKeyCountByte({ keyType: app.keyFamily, keyCount: app.keys.length, isoFileIds: false, keySettings3Present: false });
    return ok(Uint8Array.of(app.keySettings, countByte));
  },
};

/** ChangeKeySettings: master key authentication required; refused when the configuration is frozen. */
export const changeKeySettings: CommandHandler = {
  run(ctx, data) {
    if (!masterKeyAuthenticated(ctx)) return fail(DesfireStatus.AUTHENTICATION_ERROR);
    if (data.length !== 1) return fail(DesfireStatus.LENGTH_ERROR);
    const app = selectedApplication(ctx);
    if (!currentKeySettings(ctx, app).configurationChangeable) return fail(DesfireStatus.PERMISSION_DENIED);
    const settings = data[0] ?? 0;
    if (app === undefined) {
      if ((settings & PICC_KEY_SETTINGS_RFU_MASK) !== 0) return fail(DesfireStatus.PARAMETER_ERROR);
      return persistOutcome(ctx, { ...ctx.image, piccKeySettings: settings });
    }
    return persistOutcome(ctx, withApplication(ctx.image, { ...app, keySettings: settings }));
  },
};

/** GetKeyVersion: free; NO_SUCH_KEY for a key number the level does not have. */
export const getKeyVersion: CommandHandler = {
  run(ctx, data) {
    if (data.length !== 1) return fail(DesfireStatus.LENGTH_ERROR);
    const keyNo = data[0] ?? 0;
    if (atPiccLevel(ctx)) {
      if (keyNo >= PICC_KEY_COUNT) return fail(DesfireStatus.NO_SUCH_KEY);
      return ok(Uint8Array.of(ctx.image.masterKey.version));
    }
    const key = selectedApplication(ctx)?.keys[keyNo];
    if (key === undefined) return fail(DesfireStatus.NO_SUCH_KEY);
    return ok(Uint8Array.of(key.version));
  },
};
