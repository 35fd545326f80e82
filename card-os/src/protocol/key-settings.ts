/**
 * Key settings (MF2DLHX0 §8.2.2 "Key settings", §10.2.1 CreateApplication,
 * §10.3.4 GetKeySettings; libfreefare mifare_desfire_get_key_settings):
 *
 * KeySettings1 (one byte)
 *   bits 7-4 ChangeKey access: 0x0..0xD = key that may change keys,
 *            0xE = a key changes itself only, 0xF = keys frozen (RFU at PICC level)
 *   bit 3    configuration changeable
 *   bit 2    free create/delete (no master key needed)
 *   bit 1    free directory list (GetFileIDs/GetFileSettings/GetKeySettings)
 *   bit 0    master key changeable
 * KeySettings2 / "number of keys" byte
 *   bits 7-6 crypto: 00 DES/2TDEA, 01 (0x40) 3TDEA, 10 (0x80) AES
 *   bit 5    ISO file identifiers supported (CreateApplication)
 *   bit 4    KeySettings3 follows (EV2)
 *   bits 3-0 number of keys, 1..14
 */

export const CHANGE_KEY_SAME_KEY = 0x0e;
export const CHANGE_KEY_FROZEN = 0x0f;
export const CHANGE_KEY_KEY_NO_MAX = 0x0d;
export const APP_KEY_COUNT_MAX = 14;
export const APP_KEY_COUNT_MIN = 1;

const CHANGE_KEY_SHIFT_BITS = 4;
const BIT_CONFIG_CHANGEABLE = 0x08;
const BIT_FREE_CREATE_DELETE = 0x04;
const BIT_FREE_DIRECTORY_LIST = 0x02;
const BIT_MASTER_KEY_CHANGEABLE = 0x01;

const CRYPTO_MASK = 0xc0;
const CRYPTO_DES_2TDEA = 0x00;
const CRYPTO_3TDEA = 0x40;
const CRYPTO_AES = 0x80;
const BIT_ISO_FILE_IDS = 0x20;
const BIT_KEY_SETTINGS3 = 0x10;
const KEY_COUNT_MASK = 0x0f;

/** Key type of an application (all its keys share it). DES keys are stored as 2TDEA with K1 = K2. */
export type AppKeyType = 'des-2tdea' | '3tdea' | 'aes128';

export type ChangeKeyAccess = { kind: 'key'; keyNo: number } | { kind: 'same-key' } | { kind: 'frozen' };

export interface KeySettings {
  readonly changeKeyAccess: ChangeKeyAccess;
  readonly configurationChangeable: boolean;
  readonly freeCreateDelete: boolean;
  readonly freeDirectoryList: boolean;
  readonly masterKeyChangeable: boolean;
}

export function encodeKeySettings(settings: KeySettings): number {
  const access = settings.changeKeyAccess;
  let nibble: number;
  switch (access.kind) {
    case 'same-key':
      nibble = CHANGE_KEY_SAME_KEY;
      break;
    case 'frozen':
      nibble = CHANGE_KEY_FROZEN;
      break;
    case 'key':
      if (!Number.isInteger(access.keyNo) || access.keyNo < 0 || access.keyNo > CHANGE_KEY_KEY_NO_MAX) {
        throw new RangeError(`change key number must be 0..${CHANGE_KEY_KEY_NO_MAX}`);
      }
      nibble = access.keyNo;
      break;
  }
  return (
    (nibble << CHANGE_KEY_SHIFT_BITS) |
    (settings.configurationChangeable ? BIT_CONFIG_CHANGEABLE : 0) |
    (settings.freeCreateDelete ? BIT_FREE_CREATE_DELETE : 0) |
    (settings.freeDirectoryList ? BIT_FREE_DIRECTORY_LIST : 0) |
    (settings.masterKeyChangeable ? BIT_MASTER_KEY_CHANGEABLE : 0)
  );
}

export function decodeKeySettings(byte: number): KeySettings {
  const nibble = (byte >> CHANGE_KEY_SHIFT_BITS) & KEY_COUNT_MASK;
  const changeKeyAccess: ChangeKeyAccess =
    nibble === CHANGE_KEY_SAME_KEY ? { kind: 'same-key' } : nibble === CHANGE_KEY_FROZEN ? { kind: 'frozen' } : { kind: 'key', keyNo: nibble };
  return {
    changeKeyAccess,
    configurationChangeable: (byte & BIT_CONFIG_CHANGEABLE) !== 0,
    freeCreateDelete: (byte & BIT_FREE_CREATE_DELETE) !== 0,
    freeDirectoryList: (byte & BIT_FREE_DIRECTORY_LIST) !== 0,
    masterKeyChangeable: (byte & BIT_MASTER_KEY_CHANGEABLE) !== 0,
  };
}

export interface KeyCountByte {
  readonly keyType: AppKeyType;
  readonly keyCount: number;
  readonly isoFileIds: boolean;
  readonly keySettings3Present: boolean;
}

export function encodeKeyCountByte(value: KeyCountByte): number {
  if (!Number.isInteger(value.keyCount) || value.keyCount < 0 || value.keyCount > APP_KEY_COUNT_MAX) {
    throw new RangeError(`key count must be 0..${APP_KEY_COUNT_MAX}`);
  }
  const crypto = value.keyType === 'aes128' ? CRYPTO_AES : value.keyType === '3tdea' ? CRYPTO_3TDEA : CRYPTO_DES_2TDEA;
  return crypto | (value.isoFileIds ? BIT_ISO_FILE_IDS : 0) | (value.keySettings3Present ? BIT_KEY_SETTINGS3 : 0) | value.keyCount;
}

/** Undefined for the reserved crypto bits 11. */
export function decodeKeyCountByte(byte: number): KeyCountByte | undefined {
  const crypto = byte & CRYPTO_MASK;
  let keyType: AppKeyType;
  if (crypto === CRYPTO_AES) keyType = 'aes128';
  else if (crypto === CRYPTO_3TDEA) keyType = '3tdea';
  else if (crypto === CRYPTO_DES_2TDEA) keyType = 'des-2tdea';
  else return undefined;
  return {
    keyType,
    keyCount: byte & KEY_COUNT_MASK,
    isoFileIds: (byte & BIT_ISO_FILE_IDS) !== 0,
    keySettings3Present: (byte & BIT_KEY_SETTINGS3) !== 0,
  };
}
