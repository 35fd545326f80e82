/**
 * PICC and application-level commands (MF2DLHX0 §10.3-10.5; libfreefare
 * mifare_desfire_get_version, _create_application, _select_application …).
 */
import { concatBytes, readUintLe, uintLe } from '@onecard/keys';
import { Ins } from '../protocol/commands.js';
import { encodeKeyCountByte, encodeKeySettings, type AppKeyType, type KeySettings } from '../protocol/key-settings.js';
import type { CardResult, DesfireClient } from './client.js';
import { UID_BYTES } from '../sm/index.js';
import { HostError } from './errors.js';
import { mapValue } from './result.js';

export const AID_BYTES = 3;
export const AID_MAX = 0xffffff;

const GET_VERSION_BYTES = 28; // 7 hardware ‖ 7 software ‖ 14 production
const ISO_FILE_ID_BYTES = 2;
export const DF_NAME_BYTES_MAX = 16;

export function encodeAid(aid: number): Uint8Array {
  if (!Number.isInteger(aid) || aid < 0 || aid > AID_MAX) throw new HostError('invalid_argument', 'AID must be 0..0xFFFFFF');
  return uintLe(aid, AID_BYTES);
}

export interface VersionPart {
  readonly vendorId: number;
  readonly type: number;
  readonly subtype: number;
  readonly majorVersion: number;
  readonly minorVersion: number;
  /** Storage size byte: 2^(n>>1) bytes, "+" when bit 0 is set (between that and the next power). */
  readonly storageSizeByte: number;
  readonly protocol: number;
}

export interface CardVersion {
  readonly hardware: VersionPart;
  readonly software: VersionPart;
  readonly uid: Uint8Array;
  readonly batchNo: Uint8Array;
  readonly productionWeek: number;
  readonly productionYear: number;
}

function versionPart(bytes: Uint8Array, offset: number): VersionPart {
  const at = (i: number): number => bytes[offset + i] ?? 0;
  return { vendorId: at(0), type: at(1), subtype: at(2), majorVersion: at(3), minorVersion: at(4), storageSizeByte: at(5), protocol: at(6) };
}

export async function getVersion(client: DesfireClient): Promise<CardResult<CardVersion>> {
  const r = await client.exec({ ins: Ins.GetVersion });
  if (!r.ok) return r;
  if (r.value.length !== GET_VERSION_BYTES) throw new HostError('malformed_response', 'GetVersion answer has the wrong length');
  const b = r.value;
  return {
    ok: true,
    value: {
      hardware: versionPart(b, 0),
      software: versionPart(b, 7),
      uid: b.slice(14, 21),
      batchNo: b.slice(21, 26),
      productionWeek: b[26] ?? 0,
      productionYear: b[27] ?? 0,
    },
  };
}

/** The real UID (also when the card shows a random ID); needs a session; answered in full mode. */
export async function getCardUID(client: DesfireClient): Promise<CardResult<Uint8Array>> {
  const r = await client.exec({ ins: Ins.GetCardUID, plainLengthBytes: UID_BYTES });
  if (r.ok && r.value.length !== UID_BYTES) throw new HostError('malformed_response', 'GetCardUID answer has the wrong length');
  return r;
}

export async function getFreeMemory(client: DesfireClient): Promise<CardResult<number>> {
  return mapValue(await client.exec({ ins: Ins.GetFreeMemory }), (b) => readUintLe(b, 0, 3));
}

export async function formatPICC(client: DesfireClient): Promise<CardResult<void>> {
  return mapValue(await client.exec({ ins: Ins.FormatPICC }), () => undefined);
}

/** SetConfiguration option 00: PICC configuration byte (bit 0 disable format, bit 1 random ID). */
export async function setPiccConfiguration(client: DesfireClient, options: { disableFormat: boolean; randomId: boolean }): Promise<CardResult<void>> {
  const configuration = (options.disableFormat ? 0x01 : 0) | (options.randomId ? 0x02 : 0);
  return mapValue(await client.exec({ ins: Ins.SetConfiguration, header: Uint8Array.of(0x00), data: Uint8Array.of(configuration) }), () => undefined);
}

export interface CreateApplicationOptions {
  readonly aid: number;
  readonly keySettings: KeySettings;
  readonly keyType: AppKeyType;
  readonly keyCount: number;
  /** ISO/IEC 7816-4 DF file id and DF name (both or neither). */
  readonly iso?: { readonly fileId: number; readonly dfName: Uint8Array };
}

export async function createApplication(client: DesfireClient, options: CreateApplicationOptions): Promise<CardResult<void>> {
  const keyCountByte = encodeKeyCountByte({ keyType: options.keyType, keyCount: options.keyCount, isoFileIds: options.iso !== undefined, keySettings3Present: false });
  const parts = [encodeAid(options.aid), Uint8Array.of(encodeKeySettings(options.keySettings), keyCountByte)];
  if (options.iso !== undefined) {
    if (options.iso.dfName.length === 0 || options.iso.dfName.length > DF_NAME_BYTES_MAX) throw new HostError('invalid_argument', `DF name must be 1..${DF_NAME_BYTES_MAX} bytes`);
    parts.push(uintLe(options.iso.fileId, ISO_FILE_ID_BYTES), options.iso.dfName);
  }
  return mapValue(await client.exec({ ins: Ins.CreateApplication, header: concatBytes(...parts) }), () => undefined);
}

export async function deleteApplication(client: DesfireClient, aid: number): Promise<CardResult<void>> {
  return mapValue(await client.exec({ ins: Ins.DeleteApplication, header: encodeAid(aid) }), () => undefined);
}

/** Selects an application (0x000000 = PICC level). Ends any session, on both sides. */
export async function selectApplication(client: DesfireClient, aid: number): Promise<CardResult<void>> {
  return mapValue(await client.execUnauthenticated({ ins: Ins.SelectApplication, data: encodeAid(aid) }), () => undefined);
}

export async function getApplicationIDs(client: DesfireClient): Promise<CardResult<number[]>> {
  return mapValue(await client.exec({ ins: Ins.GetApplicationIDs }), (b) => {
    if (b.length % AID_BYTES !== 0) throw new HostError('malformed_response', 'application list is not a multiple of 3 bytes');
    const aids: number[] = [];
    for (let i = 0; i < b.length; i += AID_BYTES) aids.push(readUintLe(b, i, AID_BYTES));
    return aids;
  });
}

export interface DfNameEntry {
  readonly aid: number;
  readonly isoFileId: number;
  readonly dfName: Uint8Array;
}

/** GetDFNames: one AF frame per application (AID ‖ ISO FID ‖ DF name). */
export async function getDFNames(client: DesfireClient): Promise<CardResult<DfNameEntry[]>> {
  // Entries have variable length: the card's framing is what separates them.
  return mapValue(await client.execFramed({ ins: Ins.GetDFNames }), (frames) => frames.map(parseDfName));
}

function parseDfName(b: Uint8Array): DfNameEntry {
  if (b.length < AID_BYTES + ISO_FILE_ID_BYTES + 1) throw new HostError('malformed_response', 'DF name entry too short');
  return { aid: readUintLe(b, 0, AID_BYTES), isoFileId: readUintLe(b, AID_BYTES, ISO_FILE_ID_BYTES), dfName: b.slice(AID_BYTES + ISO_FILE_ID_BYTES) };
}
