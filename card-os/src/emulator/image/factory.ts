/**
 * A card as NXP delivers it, and FormatPICC.
 *
 * Factory state (MF3DHx2 §8, libfreefare tests, AN12343): PICC master key
 * DES all-zero (stored as the 16-byte 2K3DES key K‖K), key version 0, PICC key
 * settings 0x0F (configuration changeable, free create/delete, free directory
 * list, master key changeable), no applications.
 */
import { abytes } from '@onecard/keys';
import {
  EEPROM_FREE_BYTES_EMPTY_8K,
  STORAGE_SIZE_BYTE_8K,
  UID_LENGTH_BYTES,
  UID_MANUFACTURER_BYTE_NXP,
} from '../limits.js';
import { CARD_IMAGE_FORMAT_VERSION, type CardImage, type KeyEntry } from './types.js';

export const PICC_KEY_SETTINGS_FACTORY = 0x0f;
export const TDEA2_KEY_LENGTH_BYTES = 16;
export const TDEA3_KEY_LENGTH_BYTES = 24;
export const AES_KEY_LENGTH_BYTES = 16;
/** SetConfiguration option 01 carries a 24-byte key (the widest key type). */
export const DEFAULT_KEY_LENGTH_BYTES = 24;
export const BATCH_NO_LENGTH_BYTES = 5;

export interface FactoryOptions {
  /** 7 bytes, first byte 0x04 (NXP). */
  uid: Uint8Array;
  /** Free bytes on the empty card (default: an 8 KB card). */
  eepromFreeBytesEmpty?: number;
  /** GetVersion storage-size byte (default 0x1A, 8 KB). */
  storageSizeByte?: number;
  batchNo?: Uint8Array;
  /** BCD calendar week and year of production (GetVersion frame 3). */
  productionWeekBcd?: number;
  productionYearBcd?: number;
}

function zeroKey(lengthBytes: number): KeyEntry {
  return { material: new Uint8Array(lengthBytes), version: 0 };
}

export function factoryImage(options: FactoryOptions): CardImage {
  const uid = abytes(options.uid, UID_LENGTH_BYTES, 'uid').slice();
  if (uid[0] !== UID_MANUFACTURER_BYTE_NXP) throw new RangeError('uid must start with the NXP manufacturer byte 0x04');
  const eepromFreeBytesEmpty = options.eepromFreeBytesEmpty ?? EEPROM_FREE_BYTES_EMPTY_8K;
  if (!Number.isSafeInteger(eepromFreeBytesEmpty) || eepromFreeBytesEmpty <= 0) {
    throw new RangeError('eepromFreeBytesEmpty must be a positive integer');
  }
  const batchNo = options.batchNo === undefined ? new Uint8Array(BATCH_NO_LENGTH_BYTES) : abytes(options.batchNo, BATCH_NO_LENGTH_BYTES, 'batchNo').slice();
  return {
    formatVersion: CARD_IMAGE_FORMAT_VERSION,
    uid,
    batchNo,
    productionWeekBcd: options.productionWeekBcd ?? 0x01,
    productionYearBcd: options.productionYearBcd ?? 0x24,
    masterKeyFamily: 'des-2tdea',
    masterKey: zeroKey(TDEA2_KEY_LENGTH_BYTES),
    piccKeySettings: PICC_KEY_SETTINGS_FACTORY,
    configuration: {
      formatDisabled: false,
      randomUidEnabled: false,
      defaultKey: zeroKey(DEFAULT_KEY_LENGTH_BYTES),
      userAts: null,
    },
    applications: [],
    storageSizeByte: options.storageSizeByte ?? STORAGE_SIZE_BYTE_8K,
    eepromFreeBytesEmpty,
    eepromFreeBytes: eepromFreeBytesEmpty,
  };
}

/**
 * FormatPICC: all applications and files go, all user memory is released;
 * the PICC master key, its settings and the configuration stay.
 */
export function formattedImage(image: CardImage): CardImage {
  return { ...structuredClone(image), applications: [], eepromFreeBytes: image.eepromFreeBytesEmpty };
}

/** Key length for a family. */
export function keyLengthBytes(family: CardImage['masterKeyFamily']): number {
  switch (family) {
    case 'des-2tdea':
      return TDEA2_KEY_LENGTH_BYTES;
    case '3tdea':
      return TDEA3_KEY_LENGTH_BYTES;
    case 'aes128':
      return AES_KEY_LENGTH_BYTES;
  }
}

/** The key a new application's key slots start with: the configured default key cut to the family's length. */
export function initialApplicationKey(image: CardImage, family: CardImage['masterKeyFamily']): KeyEntry {
  const { defaultKey } = image.configuration;
  return { material: defaultKey.material.slice(0, keyLengthBytes(family)), version: defaultKey.version };
}
