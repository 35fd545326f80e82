/**
 * File management: CreateXFile, DeleteFile, GetFileIDs, GetISOFileIDs,
 * GetFileSettings, ChangeFileSettings (MF2DLHX0 §10.7). Payload layouts live
 * in protocol/file-create.ts and protocol/file-settings.ts, shared with the
 * card.
 */
import { readUintLe } from '@onecard/keys';
import { Ins } from '../protocol/commands.js';
import { CREATE_INS_BY_FILE_TYPE, encodeCreateFile, type CreateFileRequest } from '../protocol/file-create.js';
import { FileType, decodeFileSettings, encodeChangeFileSettingsPayload, type FileSettings, type FileSettingsCommon } from '../protocol/file-settings.js';
import type { CardResult, DesfireClient } from './client.js';
import { HostError } from './errors.js';
import { mapValue } from './result.js';

const ISO_FILE_ID_BYTES = 2;

/** Creates any of the six file types; TransactionMAC files send their key in full mode. */
export async function createFile(client: DesfireClient, request: CreateFileRequest): Promise<CardResult<void>> {
  const ins = CREATE_INS_BY_FILE_TYPE[request.settings.fileType];
  const payload = encodeCreateFile(request);
  if (request.settings.fileType === FileType.TransactionMac) {
    const headerBytes = 5; // FileNo ‖ FileOption ‖ AR(2) ‖ TMKeyOption: commands.ts H_CREATE_TMAC_FILE
    return mapValue(await client.exec({ ins, header: payload.slice(0, headerBytes), data: payload.slice(headerBytes) }), () => undefined);
  }
  return mapValue(await client.exec({ ins, header: payload }), () => undefined);
}

export async function deleteFile(client: DesfireClient, fileNo: number): Promise<CardResult<void>> {
  return mapValue(await client.exec({ ins: Ins.DeleteFile, header: Uint8Array.of(fileNo) }), () => undefined);
}

export async function getFileIDs(client: DesfireClient): Promise<CardResult<number[]>> {
  return mapValue(await client.exec({ ins: Ins.GetFileIDs }), (b) => Array.from(b));
}

export async function getISOFileIDs(client: DesfireClient): Promise<CardResult<number[]>> {
  return mapValue(await client.exec({ ins: Ins.GetISOFileIDs }), (b) => {
    if (b.length % ISO_FILE_ID_BYTES !== 0) throw new HostError('malformed_response', 'ISO file id list has odd length');
    const ids: number[] = [];
    for (let i = 0; i < b.length; i += ISO_FILE_ID_BYTES) ids.push(readUintLe(b, i, ISO_FILE_ID_BYTES));
    return ids;
  });
}

export async function getFileSettings(client: DesfireClient, fileNo: number): Promise<CardResult<FileSettings>> {
  return mapValue(await client.exec({ ins: Ins.GetFileSettings, header: Uint8Array.of(fileNo) }), (b) => {
    const parsed = decodeFileSettings(b);
    if (!parsed.ok) throw new HostError('malformed_response', `GetFileSettings answer: ${parsed.error}`);
    return parsed.value;
  });
}

/** ChangeFileSettings: sent in full mode inside a session (MF2DLHX0 §10.7.3). */
export async function changeFileSettings(client: DesfireClient, options: { fileNo: number; settings: FileSettingsCommon }): Promise<CardResult<void>> {
  return mapValue(
    await client.exec({ ins: Ins.ChangeFileSettings, header: Uint8Array.of(options.fileNo), data: encodeChangeFileSettingsPayload(options.settings) }),
    () => undefined,
  );
}
