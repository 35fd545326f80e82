/**
 * How master keys are named: (application, keyNo) with a DESFire key type and
 * versions 0..255 (the card's key version byte), each active, retiring or
 * retired. Input checks return the checked value and throw
 * KeyStoreError('invalid_argument') naming the field, never echoing it.
 */
import { randomFillSync } from 'node:crypto';
import { equalBytes } from '../bytes.js';
import { stripDesKeyVersion } from '../des-key.js';
import { KeyStoreError } from './key-store-error.js';

export const MASTER_KEY_TYPES = ['aes128', '2tdea', '3tdea'] as const;
export type MasterKeyType = (typeof MASTER_KEY_TYPES)[number];

export const MASTER_KEY_LENGTH_BYTES: Readonly<Record<MasterKeyType, number>> = { aes128: 16, '2tdea': 16, '3tdea': 24 };

/** OneCard applications by name; other names are allowed for new applications. */
export const KNOWN_APPLICATIONS = ['transit', 'student', 'canteen', 'civil', 'health', 'identity', 'picc'] as const;
export type KnownApplication = (typeof KNOWN_APPLICATIONS)[number];
export const APPLICATION_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** DESFire: 14 keys per application, numbered 0..13. */
export const KEY_NO_MAX = 13;
/** DESFire key version byte. */
export const KEY_VERSION_MAX = 255;
/** Generated masters start at 1: version 0 is what factory/transport keys carry. */
export const FIRST_GENERATED_KEY_VERSION = 1;

export const KEY_VERSION_STATUSES = ['active', 'retiring', 'retired'] as const;
export type KeyVersionStatus = (typeof KEY_VERSION_STATUSES)[number];

export interface MasterKeyRef {
  readonly application: string;
  readonly keyNo: number;
}

function invalid(field: string, expectation: string): KeyStoreError {
  return new KeyStoreError('invalid_argument', `${field} must be ${expectation}`);
}

export function checkApplication(application: unknown): string {
  if (typeof application !== 'string' || !APPLICATION_NAME_PATTERN.test(application)) {
    throw invalid('application', 'a lower-case name (a-z, 0-9, -; up to 32 characters)');
  }
  return application;
}

export function checkKeyNo(keyNo: unknown): number {
  if (typeof keyNo !== 'number' || !Number.isInteger(keyNo) || keyNo < 0 || keyNo > KEY_NO_MAX) {
    throw invalid('keyNo', `an integer 0..${KEY_NO_MAX}`);
  }
  return keyNo;
}

export function checkKeyVersion(version: unknown): number {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0 || version > KEY_VERSION_MAX) {
    throw invalid('version', `an integer 0..${KEY_VERSION_MAX}`);
  }
  return version;
}

export function checkKeyType(keyType: unknown): MasterKeyType {
  if (typeof keyType !== 'string' || !(MASTER_KEY_TYPES as readonly string[]).includes(keyType)) {
    throw invalid('keyType', MASTER_KEY_TYPES.join(' | '));
  }
  return keyType as MasterKeyType;
}

export function checkMasterKeyRef(ref: MasterKeyRef): MasterKeyRef {
  return { application: checkApplication(ref.application), keyNo: checkKeyNo(ref.keyNo) };
}

/**
 * Refuses key material that is the wrong length, all zero, or a TDEA key whose
 * halves repeat (K1 = K2 or K2 = K3 modulo parity degrades to single DES).
 */
export function checkMasterKeyMaterial(keyType: MasterKeyType, keyBytes: Uint8Array): Uint8Array {
  const lengthBytes = MASTER_KEY_LENGTH_BYTES[keyType];
  if (!(keyBytes instanceof Uint8Array) || keyBytes.length !== lengthBytes) {
    throw new KeyStoreError('invalid_key_material', `a ${keyType} master key must be ${lengthBytes} bytes`);
  }
  if (keyBytes.every((byte) => byte === 0)) throw new KeyStoreError('invalid_key_material', 'master key must not be all zero');
  if (keyType !== 'aes128') {
    const stripped = stripDesKeyVersion(keyBytes);
    const halves = [stripped.subarray(0, 8), stripped.subarray(8, 16), stripped.subarray(16)];
    const [k1, k2, k3] = halves;
    const degenerate = k1 !== undefined && k2 !== undefined && (equalBytes(k1, k2) || (k3 !== undefined && k3.length > 0 && equalBytes(k2, k3)));
    stripped.fill(0);
    if (degenerate) throw new KeyStoreError('invalid_key_material', 'TDEA master key halves must differ');
  }
  return keyBytes;
}

/** A fresh random master key from node:crypto (CSPRNG). */
export function generateMasterKey(keyType: MasterKeyType): Uint8Array {
  const keyBytes = randomFillSync(new Uint8Array(MASTER_KEY_LENGTH_BYTES[keyType]));
  return checkMasterKeyMaterial(keyType, keyBytes);
}
