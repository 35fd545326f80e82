/**
 * Shared vocabulary of the DESFire conformance suite: keys, key settings,
 * access rights, the secure-messaging schemes, and result helpers. Every
 * step goes through the host library's public surface.
 */
import {
  FileType,
  createApplication,
  createFile,
  formatPICC,
  selectApplication,
  type AccessCondition,
  type AccessRights,
  type AppKeyType,
  type AuthMethod,
  type CardResult,
  type CommunicationMode,
  type DesfireClient,
  type DesfireStatusName,
  type KeySettings,
  type SmScheme,
} from '@onecard/card-os';
import type { CipherName } from '@onecard/keys';
import { expect } from 'vitest';

export const PICC_AID = 0x000000;
/** The factory PICC master key: DES, all zero (MF2DLHX0 §8.3; libfreefare tests). */
export const FACTORY_PICC_KEY = new Uint8Array(8);

export const key = (keyNo: number): AccessCondition => ({ kind: 'key', keyNo });
export const FREE: AccessCondition = { kind: 'free' };
export const NEVER: AccessCondition = { kind: 'never' };
export const rights = (read: AccessCondition, write: AccessCondition, readWrite: AccessCondition, change: AccessCondition): AccessRights => ({ read, write, readWrite, change });
/** Everything with key 0: the suite's default for files whose rights are not under test. */
export const KEY0_RIGHTS = rights(key(0), key(0), key(0), key(0));

/** Key 0 changes keys; configuration changeable; create/delete needs key 0; free directory list. */
export const APP_SETTINGS: KeySettings = {
  changeKeyAccess: { kind: 'key', keyNo: 0 },
  configurationChangeable: true,
  freeCreateDelete: false,
  freeDirectoryList: true,
  masterKeyChangeable: true,
};

/** The factory PICC key settings 0x0F (MF2DLHX0 §8.3). */
export const FACTORY_PICC_SETTINGS: KeySettings = {
  changeKeyAccess: { kind: 'key', keyNo: 0 },
  configurationChangeable: true,
  freeCreateDelete: true,
  freeDirectoryList: true,
  masterKeyChangeable: true,
};

/** Unwraps a success; a failure fails the test with the card's status name. */
export function must<T>(result: CardResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what}: card answered ${result.reason}`);
  return result.value;
}

export function expectFailure(result: CardResult<unknown>, reason: DesfireStatusName | 'integrity_error'): void {
  expect(result).toMatchObject({ ok: false, reason });
}

/** One way to open a secure-messaging session: key family of the application and authentication command. */
export interface SchemeProfile {
  readonly label: string;
  readonly scheme: SmScheme;
  readonly appKeyType: AppKeyType;
  readonly method: AuthMethod;
  readonly keyType: CipherName;
  /** The key a new application's keys start with (the all-zero default key, cut to the family). */
  readonly defaultKey: Uint8Array;
}

export const D40_DES: SchemeProfile = { label: 'D40 (AuthenticateLegacy 0A, DES)', scheme: 'd40', appKeyType: 'des-2tdea', method: 'legacy', keyType: 'des', defaultKey: new Uint8Array(8) };
export const EV1_DES: SchemeProfile = { label: 'EV1 (AuthenticateISO 1A, DES)', scheme: 'ev1', appKeyType: 'des-2tdea', method: 'iso', keyType: 'des', defaultKey: new Uint8Array(8) };
export const EV1_3K3DES: SchemeProfile = { label: 'EV1 (AuthenticateISO 1A, 3K3DES)', scheme: 'ev1', appKeyType: '3tdea', method: 'iso', keyType: '3tdea', defaultKey: new Uint8Array(24) };
export const EV1_AES: SchemeProfile = { label: 'EV1 (AuthenticateAES AA)', scheme: 'ev1', appKeyType: 'aes128', method: 'aes', keyType: 'aes128', defaultKey: new Uint8Array(16) };
export const EV2_AES: SchemeProfile = { label: 'EV2 (AuthenticateEV2First 71, AES)', scheme: 'ev2', appKeyType: 'aes128', method: 'ev2-first', keyType: 'aes128', defaultKey: new Uint8Array(16) };
export const SCHEMES: readonly SchemeProfile[] = [D40_DES, EV1_DES, EV1_3K3DES, EV1_AES, EV2_AES];

export async function authenticate(client: DesfireClient, profile: SchemeProfile, options: { keyNo: number; key?: Uint8Array }): Promise<void> {
  must(await client.authenticate({ method: profile.method, keyNo: options.keyNo, key: options.key ?? profile.defaultKey, keyType: profile.keyType }), `${profile.method} authentication`);
}

/** Selects the PICC level and authenticates with the factory master key (legacy DES, as any DESFire generation accepts). */
export async function authenticatePicc(client: DesfireClient): Promise<void> {
  must(await selectApplication(client, PICC_AID), 'select PICC');
  must(await client.authenticate({ method: 'legacy', keyNo: 0, key: FACTORY_PICC_KEY, keyType: 'des' }), 'PICC master key authentication');
}

/** FormatPICC with the factory master key: no applications, all memory free. */
export async function formatCard(client: DesfireClient): Promise<void> {
  await authenticatePicc(client);
  must(await formatPICC(client), 'FormatPICC');
}

/** At PICC level (authenticated), creates an application and selects it. */
export async function createAndSelectApp(client: DesfireClient, options: { aid: number; keyType: AppKeyType; keyCount: number; keySettings?: KeySettings }): Promise<void> {
  must(await createApplication(client, { aid: options.aid, keySettings: options.keySettings ?? APP_SETTINGS, keyType: options.keyType, keyCount: options.keyCount }), 'CreateApplication');
  must(await selectApplication(client, options.aid), 'SelectApplication');
}

export interface DataFileSpec { readonly fileNo: number; readonly backup: boolean; readonly mode: CommunicationMode; readonly sizeBytes: number; readonly access?: AccessRights }
export interface ValueFileSpec { readonly fileNo: number; readonly mode: CommunicationMode; readonly lowerLimit: number; readonly upperLimit: number; readonly value: number; readonly limitedCredit: boolean; readonly freeGetValue?: boolean; readonly access?: AccessRights }
export interface RecordFileSpec { readonly fileNo: number; readonly cyclic: boolean; readonly mode: CommunicationMode; readonly recordSizeBytes: number; readonly recordCountMax: number; readonly access?: AccessRights }

const common = (mode: CommunicationMode, access: AccessRights | undefined) => ({ commMode: mode, optionFlags: 0, accessRights: access ?? KEY0_RIGHTS, additionalAccessRights: [] });

export async function createDataFile(client: DesfireClient, spec: DataFileSpec): Promise<CardResult<void>> {
  const fileType = spec.backup ? FileType.BackupData : FileType.StandardData;
  return createFile(client, { fileNo: spec.fileNo, isoFileId: undefined, tmKey: undefined, settings: { fileType, ...common(spec.mode, spec.access), fileSizeBytes: spec.sizeBytes } });
}

export async function createValueFile(client: DesfireClient, spec: ValueFileSpec): Promise<CardResult<void>> {
  return createFile(client, {
    fileNo: spec.fileNo,
    isoFileId: undefined,
    tmKey: undefined,
    settings: { fileType: FileType.Value, ...common(spec.mode, spec.access), lowerLimit: spec.lowerLimit, upperLimit: spec.upperLimit, value: spec.value, limitedCreditEnabled: spec.limitedCredit, freeGetValue: spec.freeGetValue ?? false },
  });
}

export async function createRecordFile(client: DesfireClient, spec: RecordFileSpec): Promise<CardResult<void>> {
  const fileType = spec.cyclic ? FileType.CyclicRecord : FileType.LinearRecord;
  return createFile(client, {
    fileNo: spec.fileNo,
    isoFileId: undefined,
    tmKey: undefined,
    settings: { fileType, ...common(spec.mode, spec.access), recordSizeBytes: spec.recordSizeBytes, recordCountMax: spec.recordCountMax, recordCount: 0 },
  });
}

/** Recognisable test bytes: `lengthBytes` bytes counting up from `seed`. */
export function pattern(lengthBytes: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: lengthBytes }, (_, i) => (seed + i * 7) & 0xff);
}
