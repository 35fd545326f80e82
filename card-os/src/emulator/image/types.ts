/**
 * The card image: everything a DESFire EV2 keeps in non-volatile memory.
 * Volatile state (selected application, authentication, the pending
 * transaction, AF chaining) lives in session/ and never reaches storage.
 *
 * The image is plain data (Uint8Array, numbers, strings, arrays) so that it
 * can be deep-copied with structuredClone and serialised by image/codec.ts.
 */

import type { CommunicationMode } from '../../protocol/commands.js';
import type { AppKeyType } from '../../protocol/key-settings.js';

/**
 * Key family an application is created with (CreateApplication KeySett2
 * bits 7..6): DES/2K3DES (16-byte keys; a DES key is K‖K), 3K3DES, AES-128.
 */
export type KeyFamily = AppKeyType;

export interface KeyEntry {
  /** 16 bytes (tdea2, aes) or 24 bytes (tdea3). DES-family keys carry their version in the parity bits. */
  material: Uint8Array;
  /** 0..255. For DES-family keys this mirrors the parity bits; for AES it is stored separately. */
  version: number;
}

/** Communication mode of a file (file option bits 1..0): plain, MACed, fully enciphered. */
export type FileCommMode = CommunicationMode;

interface FileCommon {
  fileNo: number;
  /** ISO/IEC 7816-4 file identifier, present when the application supports ISO FIDs. */
  isoFileId: number | null;
  commMode: FileCommMode;
  /** The 16-bit access rights word (Read ‖ Write ‖ ReadWrite ‖ Change nibbles, protocol/access-rights.ts). */
  accessRightsWord: number;
}

export interface StdDataFile extends FileCommon {
  kind: 'std';
  data: Uint8Array;
}

export interface BackupDataFile extends FileCommon {
  kind: 'backup';
  /** The committed image; writes go to the pending image in the session. */
  data: Uint8Array;
}

export interface ValueFile extends FileCommon {
  kind: 'value';
  lowerLimit: number;
  upperLimit: number;
  value: number;
  /** Amount a LimitedCredit may re-book: the debits of the last committed transaction with a Debit. */
  limitedCreditValue: number;
  limitedCreditEnabled: boolean;
  /** EV2: GetValue without authentication (value option bit 1). */
  freeGetValueEnabled: boolean;
}

export interface RecordFile extends FileCommon {
  kind: 'linear' | 'cyclic';
  recordSizeBytes: number;
  /** As created. For cyclic files one slot is spare, so at most recordCountMax - 1 records are valid. */
  recordCountMax: number;
  /** Committed records, oldest first. */
  records: Uint8Array[];
}

export interface TransactionMacFile extends FileCommon {
  kind: 'tmac';
  /** TMKey (AES-128) and its version. */
  tmKey: Uint8Array;
  tmKeyVersion: number;
  /** Transaction MAC counter of the last committed transaction (0 before the first). */
  tmc: number;
  /** Transaction MAC value of the last committed transaction (8 bytes). */
  tmv: Uint8Array;
  /** Reader ID of the last committed transaction (16 bytes, zero before the first). */
  readerId: Uint8Array;
}

export type CardFile = StdDataFile | BackupDataFile | ValueFile | RecordFile | TransactionMacFile;
export type CardFileKind = CardFile['kind'];

export interface ApplicationImage {
  /** Little-endian on the wire; stored as the 3 wire bytes' integer value (LSB first). */
  aid: number;
  isoFileId: number | null;
  dfName: Uint8Array | null;
  keySettings: number;
  keyFamily: KeyFamily;
  /** Whether files in this application carry ISO FIDs (KeySett2 bit 5). */
  isoFileIdsEnabled: boolean;
  keys: KeyEntry[];
  files: CardFile[];
  /** Bytes this application and its (live and deleted) files hold; freed only by FormatPICC. */
  allocatedBytes: number;
}

export interface PiccConfiguration {
  /** SetConfiguration option 00 bit 0: FormatPICC disabled (irreversible). */
  formatDisabled: boolean;
  /** SetConfiguration option 00 bit 1: random ID at anticollision (irreversible). */
  randomUidEnabled: boolean;
  /** SetConfiguration option 01: key new application keys start with (24 bytes) and its version. */
  defaultKey: KeyEntry;
  /** SetConfiguration option 02: the ATS the card answers RATS with, TL first; null: the factory ATS. */
  userAts: Uint8Array | null;
}

/** Version of the serialised image: 2 added `configuration.userAts` (version 1 images load with none). */
export const CARD_IMAGE_FORMAT_VERSION = 2;

export interface CardImage {
  /** Format version of the serialised image. */
  formatVersion: typeof CARD_IMAGE_FORMAT_VERSION;
  uid: Uint8Array;
  /** Production data reported in GetVersion's third frame. */
  batchNo: Uint8Array;
  productionWeekBcd: number;
  productionYearBcd: number;
  masterKeyFamily: KeyFamily;
  masterKey: KeyEntry;
  piccKeySettings: number;
  configuration: PiccConfiguration;
  applications: ApplicationImage[];
  /** GetVersion storage-size byte (0x1A: 8192 bytes). */
  storageSizeByte: number;
  /** What GetFreeMemory reports on an empty card. */
  eepromFreeBytesEmpty: number;
  /** What GetFreeMemory reports now. */
  eepromFreeBytes: number;
}
