/**
 * ChangeKey (0xC4). Who may change which key (EV1 data sheet remarks;
 * MF2DLHX0 §10.2.3; libfreefare):
 * - a session is required (AUTHENTICATION_ERROR);
 * - the master key (PICC key, or application key 0) only when key settings
 *   bit 0 allows it (PERMISSION_DENIED), authenticated with that master key;
 * - another application key per the ChangeKey nibble: a key number, 0xE
 *   (the key itself) or 0xF (frozen → PERMISSION_DENIED).
 * At PICC level the KeyNo byte's bits 7..6 choose the new master key type.
 * Changing the key of the current session ends the session: the answer
 * goes without MAC.
 */
import { CIPHERS, type CipherName } from '@onecard/keys';
import { decodeKeyCountByte, type AppKeyType } from '../../protocol/key-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import { isSameKeyChange, parseChangeKeyPlaintext } from '../../sm/change-key.js';
import type { KeyEntry } from '../image/types.js';
import { atPiccLevel, currentKeySettings } from './access.js';
import { levelKey } from './authenticate.js';
import { fail, persistOutcome, planFail, planOk, selectedApplication, withApplication, type CardContext, type CommandHandler } from './types.js';

const KEY_NO_MASK = 0x0f;
const PICC_KEY_TYPE_MASK = 0xc0;
const MASTER_KEY_NO = 0;

const CIPHER_OF_FAMILY: Readonly<Record<AppKeyType, CipherName>> = { 'des-2tdea': '2tdea', '3tdea': '3tdea', 'aes128': 'aes128' };

/** The key number addressed and the family of the new key. */
function target(ctx: CardContext, keyNoByte: number): { keyNo: number; family: AppKeyType } | undefined {
  if (atPiccLevel(ctx)) {
    if ((keyNoByte & KEY_NO_MASK) !== MASTER_KEY_NO || (keyNoByte & ~(KEY_NO_MASK | PICC_KEY_TYPE_MASK)) !== 0) return undefined;
    const family = decodeKeyCountByte(keyNoByte & PICC_KEY_TYPE_MASK)?.keyType;
    return family === undefined ? undefined : { keyNo: MASTER_KEY_NO, family };
  }
  const app = selectedApplication(ctx);
  if (app === undefined || keyNoByte >= app.keys.length) return undefined;
  return { keyNo: keyNoByte, family: app.keyFamily };
}

/** null when the session may change `keyNo`; otherwise the status. */
function changeAllowed(ctx: CardContext, keyNo: number): number | null {
  const authKeyNo = ctx.session.auth?.keyNo;
  const settings = currentKeySettings(ctx, selectedApplication(ctx));
  if (keyNo === MASTER_KEY_NO) {
    if (!settings.masterKeyChangeable) return DesfireStatus.PERMISSION_DENIED;
    return authKeyNo === MASTER_KEY_NO ? null : DesfireStatus.AUTHENTICATION_ERROR;
  }
  const access = settings.changeKeyAccess;
  switch (access.kind) {
    case 'frozen':
      return DesfireStatus.PERMISSION_DENIED;
    case 'same-key':
      return authKeyNo === keyNo ? null : DesfireStatus.AUTHENTICATION_ERROR;
    case 'key':
      return authKeyNo === access.keyNo ? null : DesfireStatus.AUTHENTICATION_ERROR;
  }
}

export const changeKey: CommandHandler = {
  unwrap: 'preformatted-full',
  plan(ctx, header) {
    if (ctx.session.auth === null) return planFail(DesfireStatus.AUTHENTICATION_ERROR);
    const found = target(ctx, header[0] ?? 0);
    if (found === undefined) return planFail(DesfireStatus.NO_SUCH_KEY);
    const denied = changeAllowed(ctx, found.keyNo);
    return denied === null ? planOk() : planFail(denied);
  },
  run(ctx, data) {
    const auth = ctx.session.auth;
    if (auth === null) return fail(DesfireStatus.AUTHENTICATION_ERROR);
    const keyNoByte = data[0] ?? 0;
    const found = target(ctx, keyNoByte);
    const current = found === undefined ? undefined : levelKey(ctx, found.keyNo);
    if (found === undefined || current === undefined) return fail(DesfireStatus.NO_SUCH_KEY);
    const newKeyCipher = CIPHER_OF_FAMILY[found.family];
    const parsed = parseChangeKeyPlaintext({
      scheme: auth.scheme,
      keyNo: keyNoByte,
      authKeyNo: auth.keyNo,
      newKeyCipher,
      oldKey: current.entry.material,
      plaintext: data.subarray(1),
      newKeyBytes: CIPHERS[newKeyCipher].keyLengthBytes,
    });
    if (!parsed.ok) return fail(parsed.status);
    const entry: KeyEntry = { material: parsed.newKey, version: parsed.keyVersion };
    const app = selectedApplication(ctx);
    const next =
      app === undefined
        ? { ...ctx.image, masterKeyFamily: found.family, masterKey: entry }
        : withApplication(ctx.image, { ...app, keys: app.keys.map((k, i) => (i === found.keyNo ? entry : k)) });
    const outcome = persistOutcome(ctx, next);
    if (outcome.status === DesfireStatus.OPERATION_OK && isSameKeyChange({ keyNo: keyNoByte, authKeyNo: auth.keyNo })) {
      ctx.session.endAuthentication();
    }
    return outcome;
  },
};
