/**
 * ISO/IEC 7816-4 commands the card answers besides wrapped native commands:
 * ISO SELECT (00 A4) by DF name and by file identifier (MF2DLHX0 §11.1
 * ISOSelectFile), and the PC/SC pseudo-APDU GET DATA (FF CA), which a real
 * reader answers itself; the emulator answers it so that vpcd clients see
 * what a reader would report.
 */
import { equalBytes, fromHex } from '@onecard/keys';
import { IsoStatusWord } from '../protocol/status.js';
import type { CardImage } from './image/types.js';
import { DF_NAME_LENGTH_BYTES_MAX, ISO_FILE_ID_LENGTH_BYTES } from './limits.js';
import { PICC_AID, type Session } from './session/session.js';

export const INS_SELECT = 0xa4;
export const INS_GET_DATA = 0xca;
/** P1 of SELECT: by file identifier (MF, DF or EF), EF under the current DF, by DF name. */
export const SELECT_BY_FILE_ID = 0x00;
export const SELECT_EF_UNDER_CURRENT_DF = 0x02;
export const SELECT_BY_DF_NAME = 0x04;
/** ISO/IEC 7816-4 §5.3.1.1: the MF's file identifier. */
export const MF_FILE_ID = 0x3f00;
/** DF name of the DESFire PICC level (MF2DLHX0 §11.1; NXP AN11004). */
export const PICC_DF_NAME = fromHex('D2760000850100');
/** GET DATA P1: 00 = UID (PC/SC Part 3 §3.2.2.1.3). */
export const GET_DATA_UID = 0x00;

export interface IsoAnswer {
  readonly data: Uint8Array;
  readonly statusWord: number;
}

const EMPTY = new Uint8Array(0);

function answer(statusWord: number, data: Uint8Array = EMPTY): IsoAnswer {
  return { data, statusWord };
}

function selectAid(session: Session, aid: number): IsoAnswer {
  session.endAuthentication();
  session.dropTransaction();
  session.continuation = null;
  session.selectedAid = aid;
  return answer(IsoStatusWord.OK);
}

export function isoSelect(options: { image: CardImage; session: Session; p1: number; p2: number; data: Uint8Array }): IsoAnswer {
  const { image, session, p1, data } = options;
  switch (p1) {
    case SELECT_BY_DF_NAME: {
      if (data.length === 0 || data.length > DF_NAME_LENGTH_BYTES_MAX) return answer(IsoStatusWord.WRONG_LENGTH);
      if (equalBytes(data, PICC_DF_NAME)) return selectAid(session, PICC_AID);
      const app = image.applications.find((a) => a.dfName !== null && equalBytes(a.dfName, data));
      return app === undefined ? answer(IsoStatusWord.FILE_NOT_FOUND) : selectAid(session, app.aid);
    }
    case SELECT_BY_FILE_ID:
    case SELECT_EF_UNDER_CURRENT_DF: {
      if (data.length !== ISO_FILE_ID_LENGTH_BYTES) return answer(IsoStatusWord.WRONG_LENGTH);
      // ISO file identifiers travel MSB first in ISO commands.
      const fid = readUintBe16(data);
      if (p1 === SELECT_BY_FILE_ID && fid === MF_FILE_ID) return selectAid(session, PICC_AID);
      const current = image.applications.find((a) => a.aid === session.selectedAid);
      if (current?.files.some((f) => f.isoFileId === fid) === true) return answer(IsoStatusWord.OK);
      if (p1 === SELECT_BY_FILE_ID) {
        const app = image.applications.find((a) => a.isoFileId === fid);
        if (app !== undefined) return selectAid(session, app.aid);
      }
      return answer(IsoStatusWord.FILE_NOT_FOUND);
    }
    default:
      return answer(IsoStatusWord.INCORRECT_P1_P2);
  }
}

function readUintBe16(data: Uint8Array): number {
  return ((data[0] ?? 0) << 8) | (data[1] ?? 0);
}

/** FF CA 00 00 [Le]: the UID the reader saw at anticollision (the random ID when enabled). */
export function getDataUid(options: { image: CardImage; session: Session; p1: number; p2: number }): IsoAnswer {
  if (options.p2 !== 0) return answer(IsoStatusWord.INCORRECT_P1_P2);
  if (options.p1 !== GET_DATA_UID) return answer(IsoStatusWord.FUNCTION_NOT_SUPPORTED);
  const id = options.image.configuration.randomUidEnabled ? options.session.randomId : options.image.uid;
  return answer(IsoStatusWord.OK, (id ?? options.image.uid).slice());
}
