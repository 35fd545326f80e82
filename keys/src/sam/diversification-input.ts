/**
 * The OneCard AN10922 diversification input, built in one place:
 *
 *   UID (7 bytes) ‖ AID (3 bytes, LSB first as on the wire) ‖ system identifier
 *
 * AN10922 §2.2 allows 1..31 input bytes for AES-128, so the system
 * identifier may be up to 21 bytes. §2.4/§2.5 allow only 1..15 bytes for
 * 2TDEA/3TDEA: for those key types the OneCard rule is to take the first 15
 * bytes of the same string (UID ‖ AID ‖ the first 5 system-identifier bytes).
 * Both back office and devices build the input with this function, so the
 * rule cannot drift between them.
 */
import { abytes, concatBytes, uintLe } from '../bytes.js';
import { AN10922_AES_INPUT_LENGTH_BYTES_MAX, AN10922_TDEA_INPUT_LENGTH_BYTES_MAX } from '../an10922.js';
import type { MasterKeyType } from '../store/master-key-slot.js';
import { SamError } from './sam-error.js';

/** DESFire EV1/EV2/EV3 double-size UID. */
export const CARD_UID_LENGTH_BYTES = 7;
export const AID_LENGTH_BYTES = 3;
export const AID_MAX = 0xff_ff_ff;

export function checkCardUid(uid: unknown): Uint8Array {
  if (!(uid instanceof Uint8Array) || uid.length !== CARD_UID_LENGTH_BYTES) {
    throw new SamError('invalid_uid', `card UID must be ${CARD_UID_LENGTH_BYTES} bytes`);
  }
  return uid;
}

export function checkAid(aid: unknown): number {
  if (typeof aid !== 'number' || !Number.isInteger(aid) || aid < 0 || aid > AID_MAX) {
    throw new SamError('invalid_argument', 'AID must be a 24-bit unsigned integer');
  }
  return aid;
}

export function buildDiversificationInput(options: {
  uid: Uint8Array;
  aid: number;
  systemIdentifier: Uint8Array;
  keyType: MasterKeyType;
}): Uint8Array {
  const uid = checkCardUid(options.uid);
  const aid = checkAid(options.aid);
  const systemIdentifier = abytes(options.systemIdentifier, undefined, 'systemIdentifier');
  const full = concatBytes(uid, uintLe(aid, AID_LENGTH_BYTES), systemIdentifier);
  if (systemIdentifier.length === 0 || full.length > AN10922_AES_INPUT_LENGTH_BYTES_MAX) {
    throw new SamError('invalid_argument', `system identifier must leave the input within 1..${AN10922_AES_INPUT_LENGTH_BYTES_MAX} bytes`);
  }
  return options.keyType === 'aes128' ? full : full.slice(0, AN10922_TDEA_INPUT_LENGTH_BYTES_MAX);
}
