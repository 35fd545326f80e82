/**
 * The Transaction MAC file of transit and canteen: TMC ‖ TMV of the last
 * commit (MF2DLHX0 §10.3). The TMC is the card's own transaction counter;
 * the TMV is verifiable only by whoever holds the AppTransactionMACKey (the
 * clearing house), never by a terminal.
 */
import { readUintLe } from '@onecard/keys';
import { TMC_BYTES, TMV_BYTES } from '../../sm/transaction-mac.js';
import { PROFILE_KEY_NO } from '../layout/applications.js';
import { profileFile } from '../layout/files.js';
import { ok, type ProfileResult } from '../result.js';
import type { ProfileSession } from '../session.js';
import { readRawFile } from './file-io.js';


export interface TransactionMacView {
  /** Commits so far in this application since the TMAC file was created. */
  readonly tmc: number;
  readonly tmv: Uint8Array;
}

export async function readTransactionMac(session: ProfileSession, application: 'transit' | 'canteen'): Promise<ProfileResult<TransactionMacView>> {
  const auth = await session.authenticate(application, PROFILE_KEY_NO[application].read, { defaultKeyAllowed: false });
  if (!auth.ok) return auth;
  const file = profileFile(`${application}.transaction-mac`);
  const raw = await readRawFile(session, file);
  if (!raw.ok) return raw;
  if (raw.value.length !== TMC_BYTES + TMV_BYTES) return { ok: false, code: 'record_invalid', file: file.name, decode: 'malformed', field: 'length' };
  return ok({ tmc: readUintLe(raw.value, 0, TMC_BYTES), tmv: raw.value.slice(TMC_BYTES) });
}
