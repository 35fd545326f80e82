/**
 * EEPROM accounting: what GetFreeMemory reports.
 *
 * Facts (EV1 data sheet remarks as transcribed in public SDK headers, and
 * MF3DHx2 §8.5): memory is allocated in 32-byte blocks; a Backup data file
 * takes double its size (mirror image); DeleteFile and DeleteApplication do
 * NOT release blocks ("the deleted memory blocks can only be recovered by
 * using the FormatPICC command"); FormatPICC releases everything.
 *
 * Overheads that NXP does not publish are modelled and named here. The
 * application overhead is calibrated on one public observation: an EV1 2K
 * went from 2304 to 2144 free bytes (160) when an AES application with two
 * keys and an ISO FID was created (proxmark3 doc/desfire.md).
 */
import { EEPROM_BLOCK_SIZE_BYTES } from '../limits.js';
import type { CardFileKind } from './types.js';

/** Application directory entry, key settings and DF name (modelled). */
export const APPLICATION_DIRECTORY_BYTES = 96;
/** Storage per key slot: 24 bytes of key material (3K3DES is the widest) (modelled). */
export const KEY_SLOT_BYTES = 24;
/** A value file (value, limits, limited-credit state and its mirror) fits in one block (modelled). */
export const VALUE_FILE_BYTES = EEPROM_BLOCK_SIZE_BYTES;
/** A Transaction MAC file (TMKey, TMC, TMV, reader ID) fits in two blocks (modelled). */
export const TMAC_FILE_BYTES = 2 * EEPROM_BLOCK_SIZE_BYTES;
/** Copies of the data a Backup data file keeps (data + mirror image). */
export const BACKUP_FILE_COPY_COUNT = 2;

export function roundUpToBlockBytes(sizeBytes: number): number {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new RangeError('sizeBytes must be a non-negative integer');
  return Math.ceil(sizeBytes / EEPROM_BLOCK_SIZE_BYTES) * EEPROM_BLOCK_SIZE_BYTES;
}

export function applicationCostBytes(keyCount: number): number {
  return roundUpToBlockBytes(APPLICATION_DIRECTORY_BYTES + keyCount * KEY_SLOT_BYTES);
}

export type FileCostInput =
  | { kind: Extract<CardFileKind, 'std' | 'backup'>; fileSizeBytes: number }
  | { kind: 'value' }
  | { kind: 'tmac' }
  | { kind: 'linear' | 'cyclic'; recordSizeBytes: number; recordCountMax: number };

export function fileCostBytes(input: FileCostInput): number {
  switch (input.kind) {
    case 'std':
      return roundUpToBlockBytes(input.fileSizeBytes);
    case 'backup':
      return BACKUP_FILE_COPY_COUNT * roundUpToBlockBytes(input.fileSizeBytes);
    case 'value':
      return VALUE_FILE_BYTES;
    case 'tmac':
      return TMAC_FILE_BYTES;
    case 'linear':
    case 'cyclic':
      // recordCountMax already includes the cyclic file's spare slot.
      return roundUpToBlockBytes(input.recordSizeBytes * input.recordCountMax);
  }
}
