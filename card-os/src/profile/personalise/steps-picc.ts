/**
 * Card-level steps (PROFILE.md §3): the PICC master key goes from the
 * factory DES zero key (MF3DHx2 delivery state, version 0) to the card's
 * diversified AES key; then the PICC key settings close free application
 * creation and the free application directory.
 */
import { changeKey, changeKeySettings, getKeySettings } from '../../host/key-commands.js';
import { encodeKeySettings } from '../../protocol/key-settings.js';
import { DesfireStatus } from '../../protocol/status.js';
import { PICC_AID, PICC_APPLICATION, PICC_MASTER_KEY_NO } from '../layout/applications.js';
import { PICC_KEY_SETTINGS } from '../layout/files.js';
import { cardRefused, ok } from '../result.js';
import { DEFAULT_KEY_VERSION } from '../session.js';
import { unexpected, type RunContext, type StepExecutor, type StepResult } from './step-types.js';

/** Factory PICC master key: single DES, all zero (MF3DHx2 §8). */
const FACTORY_PICC_KEY = new Uint8Array(8);
const PICC_REF = { application: PICC_APPLICATION, keyNo: PICC_MASTER_KEY_NO } as const;

async function authenticatePicc(ctx: RunContext): Promise<StepResult<void>> {
  return ctx.session.authenticateAt({ aid: PICC_AID, ref: PICC_REF, defaultKeyAllowed: false });
}

/**
 * The factory key takes a D40 session (AuthenticateLegacy): a D40 ChangeKey
 * carries no key version for an AES key (libfreefare AS_LEGACY), so the new
 * key is then re-written with its version from an EV2 session. A card pulled
 * between the two shows the AES key with a stray version: inspect recognises
 * it by authenticating with the derived key.
 */
export const piccMasterKeyStep: StepExecutor<{ id: string; kind: 'picc-master-key' }> = {
  async inspect(_step, ctx) {
    const selected = await ctx.session.select(PICC_AID, PICC_APPLICATION);
    if (!selected.ok) return selected;
    const version = await ctx.session.keyVersion(PICC_MASTER_KEY_NO);
    if (!version.ok) return version;
    if (version.value === DEFAULT_KEY_VERSION) return ok('todo');
    const active = ctx.session.keys.key(PICC_REF, 'active');
    if (active === undefined) return { ok: false, code: 'key_not_held', application: PICC_APPLICATION, keyNo: PICC_MASTER_KEY_NO };
    if (version.value === active.version) return ok('done');
    const auth = await ctx.session.authenticateWith({ aid: PICC_AID, keyNo: PICC_MASTER_KEY_NO, key: active.key });
    return auth.ok ? ok('todo') : unexpected('picc_key_version');
  },
  async apply(_step, ctx) {
    const { session } = ctx;
    const next = session.keys.key(PICC_REF, 'active');
    if (next === undefined) return { ok: false, code: 'key_not_held', application: PICC_APPLICATION, keyNo: PICC_MASTER_KEY_NO };
    const selected = await session.select(PICC_AID, PICC_APPLICATION);
    if (!selected.ok) return selected;
    const version = await session.keyVersion(PICC_MASTER_KEY_NO);
    if (!version.ok) return version;
    if (version.value === DEFAULT_KEY_VERSION) {
      const auth = await session.client.authenticate({ method: 'legacy', keyNo: PICC_MASTER_KEY_NO, key: FACTORY_PICC_KEY, keyType: 'des' });
      if (!auth.ok) return auth.status === DesfireStatus.AUTHENTICATION_ERROR ? unexpected('picc_key_unknown') : cardRefused(auth);
      // Changing the key of the session ends it (the answer carries no MAC).
      const toAes = await changeKey(session.client, { keyNo: PICC_MASTER_KEY_NO, newKey: next.key, newKeyType: 'aes128', newKeyVersion: next.version, piccLevel: true });
      if (!toAes.ok) return cardRefused(toAes);
    }
    const auth = await session.authenticateWith({ aid: PICC_AID, keyNo: PICC_MASTER_KEY_NO, key: next.key });
    if (!auth.ok) return auth;
    const versioned = await changeKey(session.client, { keyNo: PICC_MASTER_KEY_NO, newKey: next.key, newKeyType: 'aes128', newKeyVersion: next.version, piccLevel: true });
    return versioned.ok ? ok(undefined) : cardRefused(versioned);
  },
};

export const piccKeySettingsStep: StepExecutor<{ id: string; kind: 'picc-key-settings' }> = {
  async inspect(_step, ctx) {
    const auth = await authenticatePicc(ctx);
    if (!auth.ok) return auth;
    const current = await getKeySettings(ctx.session.client);
    if (!current.ok) return cardRefused(current);
    return ok(encodeKeySettings(current.value.settings) === encodeKeySettings(PICC_KEY_SETTINGS) ? 'done' : 'todo');
  },
  async apply(_step, ctx) {
    const auth = await authenticatePicc(ctx);
    if (!auth.ok) return auth;
    const changed = await changeKeySettings(ctx.session.client, PICC_KEY_SETTINGS);
    return changed.ok ? ok(undefined) : cardRefused(changed);
  },
};
