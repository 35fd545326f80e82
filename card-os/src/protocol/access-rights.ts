/**
 * File access rights (MF2DLHX0 §8.2.3.2 "Access rights"; libfreefare MDAR):
 * a 16-bit word, sent LSB first, with four nibbles
 *   bits 15-12 Read, 11-8 Write, 7-4 ReadWrite, 3-0 Change.
 * A nibble is a key number 0x0..0xD, 0xE = free access, 0xF = never.
 */
import { readUintLe, uintLe } from '@onecard/keys';

export const ACCESS_KEY_NO_MAX = 0x0d;
export const ACCESS_FREE = 0x0e;
export const ACCESS_NEVER = 0x0f;
export const ACCESS_RIGHTS_BYTES = 2;

/** One access condition: a key number, free, or never. */
export type AccessCondition = { kind: 'key'; keyNo: number } | { kind: 'free' } | { kind: 'never' };

export interface AccessRights {
  readonly read: AccessCondition;
  readonly write: AccessCondition;
  readonly readWrite: AccessCondition;
  readonly change: AccessCondition;
}

const READ_SHIFT_BITS = 12;
const WRITE_SHIFT_BITS = 8;
const READ_WRITE_SHIFT_BITS = 4;
const CHANGE_SHIFT_BITS = 0;
const NIBBLE_MASK = 0x0f;

export function accessNibble(condition: AccessCondition): number {
  switch (condition.kind) {
    case 'free':
      return ACCESS_FREE;
    case 'never':
      return ACCESS_NEVER;
    case 'key':
      if (!Number.isInteger(condition.keyNo) || condition.keyNo < 0 || condition.keyNo > ACCESS_KEY_NO_MAX) {
        throw new RangeError(`access key number must be 0..${ACCESS_KEY_NO_MAX}`);
      }
      return condition.keyNo;
  }
}

export function accessCondition(nibble: number): AccessCondition {
  const n = nibble & NIBBLE_MASK;
  if (n === ACCESS_FREE) return { kind: 'free' };
  if (n === ACCESS_NEVER) return { kind: 'never' };
  return { kind: 'key', keyNo: n };
}

export function encodeAccessRightsWord(rights: AccessRights): number {
  return (
    (accessNibble(rights.read) << READ_SHIFT_BITS) |
    (accessNibble(rights.write) << WRITE_SHIFT_BITS) |
    (accessNibble(rights.readWrite) << READ_WRITE_SHIFT_BITS) |
    (accessNibble(rights.change) << CHANGE_SHIFT_BITS)
  );
}

export function decodeAccessRightsWord(word: number): AccessRights {
  return {
    read: accessCondition(word >> READ_SHIFT_BITS),
    write: accessCondition(word >> WRITE_SHIFT_BITS),
    readWrite: accessCondition(word >> READ_WRITE_SHIFT_BITS),
    change: accessCondition(word >> CHANGE_SHIFT_BITS),
  };
}

/** The two bytes on the wire (LSB first). */
export function encodeAccessRights(rights: AccessRights): Uint8Array {
  return uintLe(encodeAccessRightsWord(rights), ACCESS_RIGHTS_BYTES);
}

export function decodeAccessRights(bytes: Uint8Array, offset = 0): AccessRights {
  return decodeAccessRightsWord(readUintLe(bytes, offset, ACCESS_RIGHTS_BYTES));
}

/** Whether an authenticated key (or none) satisfies a condition. */
export function accessGranted(condition: AccessCondition, authenticatedKeyNo: number | undefined): boolean {
  switch (condition.kind) {
    case 'free':
      return true;
    case 'never':
      return false;
    case 'key':
      return authenticatedKeyNo === condition.keyNo;
  }
}
