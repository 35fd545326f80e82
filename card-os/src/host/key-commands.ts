/**
 * Key management: GetKeySettings, ChangeKeySettings, GetKeyVersion, ChangeKey
 * (MF2DLHX0 §10.2; libfreefare mifare_desfire_change_key). ChangeKey's
 * cryptogram is built by sm/change-key.ts for the session's scheme.
 */
import type { CipherName } from '@onecard/keys';
import { Ins } from '../protocol/commands.js';
import { decodeKeyCountByte, decodeKeySettings, encodeKeySettings, type KeyCountByte, type KeySettings } from '../protocol/key-settings.js';
import { changeKeyPlaintext, isSameKeyChange } from '../sm/index.js';
import type { CardResult, DesfireClient } from './client.js';
import { HostError } from './errors.js';
import { mapValue } from './result.js';

/** PICC-level ChangeKey of key 0 carries the new key's type in KeyNo bits 7-6 (MF2DLHX0 §10.2.3). */
const PICC_KEY_TYPE_BITS: Readonly<Record<CipherName, number>> = { des: 0x00, '2tdea': 0x00, '3tdea': 0x40, aes128: 0x80 };

export async function getKeySettings(client: DesfireClient): Promise<CardResult<{ settings: KeySettings; keyCount: KeyCountByte }>> {
  return mapValue(await client.exec({ ins: Ins.GetKeySettings }), (b) => {
    const keyCount = b.length === 2 ? decodeKeyCountByte(b[1] ?? 0) : undefined;
    if (keyCount === undefined) throw new HostError('malformed_response', 'GetKeySettings answer malformed');
    return { settings: decodeKeySettings(b[0] ?? 0), keyCount };
  });
}

export async function changeKeySettings(client: DesfireClient, settings: KeySettings): Promise<CardResult<void>> {
  if (client.session === undefined) throw new HostError('not_authenticated', 'ChangeKeySettings needs a session');
  return mapValue(await client.exec({ ins: Ins.ChangeKeySettings, data: Uint8Array.of(encodeKeySettings(settings)) }), () => undefined);
}

export async function getKeyVersion(client: DesfireClient, keyNo: number): Promise<CardResult<number>> {
  return mapValue(await client.exec({ ins: Ins.GetKeyVersion, header: Uint8Array.of(keyNo) }), (b) => {
    if (b.length !== 1) throw new HostError('malformed_response', 'GetKeyVersion answer malformed');
    return b[0] ?? 0;
  });
}

export interface ChangeKeyOptions {
  readonly keyNo: number;
  readonly newKey: Uint8Array;
  readonly newKeyType: CipherName;
  readonly newKeyVersion: number;
  /** Current value of the key being changed; needed unless it is the authenticated key. */
  readonly oldKey?: Uint8Array;
  /** True when changing the PICC master key (the KeyNo byte then carries the key type). */
  readonly piccLevel: boolean;
}

/**
 * Changes a key. Changing the authenticated key ends the session on both
 * sides (its answer carries no MAC); changing another key keeps it.
 */
export async function changeKey(client: DesfireClient, options: ChangeKeyOptions): Promise<CardResult<void>> {
  const session = client.session;
  if (session === undefined) throw new HostError('not_authenticated', 'ChangeKey needs a session');
  const keyNoByte = options.piccLevel ? options.keyNo | PICC_KEY_TYPE_BITS[options.newKeyType] : options.keyNo;
  const sameKey = isSameKeyChange({ keyNo: options.keyNo, authKeyNo: session.keyNo });
  const plaintext = changeKeyPlaintext({
    scheme: session.scheme,
    keyNo: keyNoByte,
    authKeyNo: session.keyNo,
    newKeyCipher: options.newKeyType,
    oldKey: options.oldKey,
    newKey: options.newKey,
    keyVersion: options.newKeyVersion,
  });
  const result = await client.execPreformatted({
    ins: Ins.ChangeKey,
    header: Uint8Array.of(keyNoByte),
    plaintext,
    responseMode: sameKey ? 'session-ended' : 'mac',
  });
  plaintext.fill(0);
  if (sameKey) client.endSession();
  return mapValue(result, () => undefined);
}
